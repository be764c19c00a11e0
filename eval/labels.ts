/**
 * The labelled development set: one JSON file per trial in `eval/labels/`, written by hand
 * from the trial's criteria text (PROFILE.md rules, EXAMPLES.md as reference), independent of
 * the extractor's and the matcher's code. A label holds judgements and short quotes only,
 * never a copy of the record. Files are validated strictly: a malformed label fails loudly,
 * naming the file and the path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { SETTINGS } from '#eligibility/facts.ts';
import {
  ALTERATIONS_BY_GENE,
  BRAIN_METASTASES,
  GENES,
  HISTOLOGIES,
  SEXES,
  STAGES,
  THERAPY_CLASSES,
  THERAPY_SETTINGS,
} from '#vocabulary/codes.ts';
import { KINDS, type Kind } from './atoms.ts';

export const LABELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'labels');

export const VERDICTS = ['eligible', 'possible', 'excluded'] as const;
export type Verdict = (typeof VERDICTS)[number];

const MAX_QUOTE = 200;

const alt = (gene: string) =>
  (ALTERATIONS_BY_GENE as Record<string, readonly string[]>)[gene] ?? [];

const oneOf = (xs: readonly string[]) => `(?:${xs.map((x) => x.replace(/[-]/g, '\\-')).join('|')})`;
const num = '\\d+(?:\\.\\d+)?';

const biomarkerRef = `(?:${GENES.map((g) => {
  const alts = alt(g);
  const gg = g.replace('-', '\\-');
  return alts.length ? `${gg}(?::${oneOf(alts)})?` : gg;
}).join('|')})`;

/** The grammar of atoms per kind (see atoms.ts); a label atom outside it is a typo. */
const ATOM_GRAMMAR: Record<Kind, RegExp> = {
  scope: /^(?:scope:(?:nsclc|lung|basket|not_nsclc|unknown)|forbid:nsclc)$/,
  histology: new RegExp(`^require:histology:${oneOf(HISTOLOGIES)}$`),
  stage: new RegExp(`^(?:require|forbid):(?:stage:${oneOf(STAGES)}|setting:${oneOf(SETTINGS)})$`),
  biomarker: new RegExp(
    `^(?:(?:require|forbid|forbid-known):${biomarkerRef}|tested:${oneOf(GENES)}|tmb:(?:min|max):[<>]?${num})$`,
  ),
  pdl1: new RegExp(`^(?:pdl1:min:>?${num}|pdl1:max:<?${num}|tested:PD-L1)$`),
  prior_therapy: new RegExp(
    `^(?:(?:require|forbid):class:${oneOf(THERAPY_CLASSES)}|(?:require|forbid):drug:[a-z0-9-]+|require:naive|(?:min|max)_lines:\\d+)$`,
  ),
  brain_metastases: new RegExp(`^forbid:brain:${oneOf(BRAIN_METASTASES)}$`),
  ecog: /^ecog_(?:max|min):\d$/,
  age_sex: new RegExp(`^(?:age_(?:min|max):\\d+|sex:${oneOf(SEXES)})$`),
};

export function isValidAtom(kind: Kind, atom: string): boolean {
  return ATOM_GRAMMAR[kind].test(atom);
}

// ---- Profiles, in the PROFILE.md vocabulary (validated here independently of the matcher). ----

const geneSchema = z.enum([...GENES, 'HER2']);
const allAlterations = [...new Set(Object.values(ALTERATIONS_BY_GENE).flat())] as string[];

const biomarkerSchema = z
  .strictObject({
    gene: geneSchema,
    alteration: z.string().optional(),
    status: z.enum(['positive', 'negative']).optional(),
    tps: z.number().min(0).max(100).optional(),
    value: z.number().min(0).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.alteration === undefined) return;
    const gene = b.gene === 'HER2' ? 'ERBB2' : b.gene;
    const allowed = alt(gene);
    if (!allowed.includes(b.alteration) && !allAlterations.includes(b.alteration)) {
      ctx.addIssue({ code: 'custom', message: `unknown alteration ${b.alteration} for ${b.gene}` });
    } else if (!allowed.includes(b.alteration)) {
      ctx.addIssue({
        code: 'custom',
        message: `alteration ${b.alteration} is not one of ${gene}'s`,
      });
    }
  });

const priorTherapySchema = z
  .strictObject({
    drug: z.string().min(1).optional(),
    class: z.enum(THERAPY_CLASSES).optional(),
    setting: z.enum(THERAPY_SETTINGS).optional(),
    progressed: z.boolean().optional(),
    line: z.number().int().min(1).optional(),
  })
  .refine((t) => (t.drug === undefined) !== (t.class === undefined), {
    message: 'a prior therapy names exactly one of drug or class',
  });

export const profileSchema = z.strictObject({
  diagnosis: z.strictObject({
    cancer: z.literal('nsclc'),
    histology: z.enum([...HISTOLOGIES, 'non_squamous']).optional(),
    stage: z.enum(STAGES).optional(),
    recurrent: z.boolean().optional(),
    resected: z.boolean().optional(),
  }),
  biomarkers: z.array(biomarkerSchema).optional(),
  priorTherapies: z.array(priorTherapySchema).optional(),
  brainMetastases: z.enum(BRAIN_METASTASES).optional(),
  ecog: z.number().int().min(0).max(4).optional(),
  age: z.number().int().min(0).max(120).optional(),
  sex: z.enum(SEXES).optional(),
});
export type LabelProfile = z.infer<typeof profileSchema>;

const quote = z.string().min(1).max(MAX_QUOTE);

const verdictCaseSchema = z.strictObject({
  profile: profileSchema,
  expected: z.enum(VERDICTS),
  /** One line: the rule and the trial's words that decide it. */
  reason: z.string().min(10).max(400),
  /** "EXAMPLES.md 4B" when copied verbatim from the worked examples. */
  source: z.string().optional(),
});
export type VerdictCase = z.infer<typeof verdictCaseSchema>;

const atomList = (kind: Kind) =>
  z.array(z.string()).superRefine((atoms, ctx) => {
    const seen = new Set<string>();
    for (const [i, a] of atoms.entries()) {
      if (!isValidAtom(kind, a)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `not a ${kind} atom: "${a}"` });
      }
      if (seen.has(a))
        ctx.addIssue({ code: 'custom', path: [i], message: `duplicate atom "${a}"` });
      seen.add(a);
    }
  });

const factsSchema = z.strictObject(
  Object.fromEntries(KINDS.map((k) => [k, atomList(k)])) as Record<
    Kind,
    ReturnType<typeof atomList>
  >,
);

export const labelSchema = z
  .strictObject({
    nctId: z.string().regex(/^NCT\d{8}$/),
    /** Every kind is listed; an empty list means "the trial states nothing of this kind". */
    facts: factsSchema,
    /** Atom → the trial's words that justify it (≤ 200 characters). */
    quotes: z.record(z.string(), quote).default({}),
    /** Where the labeller hesitated, and why. */
    unsure: z.array(z.string().min(5)).default([]),
    profiles: z.array(verdictCaseSchema).min(1),
  })
  .superRefine((l, ctx) => {
    const scope = l.facts.scope.filter((a) => a.startsWith('scope:'));
    if (scope.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['facts', 'scope'],
        message: 'exactly one scope:<value> atom',
      });
    }
    const all = new Set(Object.values(l.facts).flat());
    for (const atom of Object.keys(l.quotes)) {
      if (!all.has(atom)) {
        ctx.addIssue({
          code: 'custom',
          path: ['quotes', atom],
          message: `quote for an atom not in facts: "${atom}"`,
        });
      }
    }
  });
export type Label = z.infer<typeof labelSchema>;

export class LabelError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`invalid label ${file}: ${detail}`);
    this.name = 'LabelError';
  }
}

/** Parse one label file's text; throws LabelError naming the file and each failing path. */
export function parseLabel(file: string, text: string): Label {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LabelError(file, `not JSON (${(e as Error).message})`);
  }
  const r = labelSchema.safeParse(raw);
  if (!r.success) {
    throw new LabelError(
      file,
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  const expectedName = `${r.data.nctId}.json`;
  if (!file.endsWith(expectedName)) {
    throw new LabelError(file, `file name must be ${expectedName}`);
  }
  return r.data;
}

/** All labels in `dir`, sorted by NCT id. */
export function loadLabels(dir: string = LABELS_DIR): Label[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((f) => parseLabel(f, readFileSync(join(dir, f), 'utf8')));
}

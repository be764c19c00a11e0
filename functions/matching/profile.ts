/**
 * The public contract of `POST /v1/match` (shared/product/PROFILE.md): the zod schema of the
 * request body, and `parseMatchRequest`, which validates it, normalises synonyms to the
 * product's codes and returns the profile "as understood" for the response to echo.
 *
 * The schema validates shape and bounds; vocabulary (genes, alterations, drugs accept
 * free-text spellings) is checked by refinements on the same schema so that one 400 names
 * every problem by path.
 *
 * Unknown drug names are accepted, not refused: patients often list investigational agents
 * that no lexicon knows, and refusing them would make the profile unusable. An unrecognised
 * drug is kept as "a systemic treatment of unknown class": it counts towards treatment
 * history and lines, matches a trial that names it, and leaves any class-based criterion
 * (e.g. "no prior EGFR TKI") `unknown` rather than met, so a typo ("osimertinb") can never
 * turn into a false `eligible`. The response notes every unrecognised name.
 */
import * as z from 'zod';
import { normaliseBiomarker } from '#vocabulary/biomarkers.ts';
import {
  ALTERATIONS_BY_GENE,
  type Alteration,
  BRAIN_METASTASES,
  type BrainMetastases,
  DEFAULT_STATUSES,
  GENES,
  type Gene,
  HISTOLOGIES,
  type Histology,
  OVERALL_STATUSES,
  PHASES,
  type Phase,
  SEXES,
  type Sex,
  STAGES,
  type Stage,
  THERAPY_CLASSES,
  THERAPY_SETTINGS,
  type TherapyClass,
  type TherapySetting,
} from '#vocabulary/codes.ts';
import { lookupDrug, lookupTherapyClass } from '#vocabulary/drugs.ts';
import { PostalCodeError, resolveLocation } from './geo.ts';
import { impliedClasses } from './therapy-classes.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

const shortText = (max = 100) => z.string().trim().min(1).max(max);

// ---------------------------------------------------------------------------------------
// Request schema
// ---------------------------------------------------------------------------------------

const HISTOLOGY_INPUTS = [...HISTOLOGIES, 'non_squamous'] as const;

const diagnosisSchema = z
  .strictObject({
    cancer: shortText(60).describe(
      'The cancer type. Only `nsclc` (non-small cell lung cancer) is in scope; any other value (e.g. `sclc`) is refused with 422.',
    ),
    histology: z
      .enum(HISTOLOGY_INPUTS)
      .optional()
      .describe('`non_squamous` is understood as "adenocarcinoma, large cell or NSCLC NOS".'),
    stage: z.enum(STAGES).optional().describe('AJCC 8th edition stage group, or the coarse I–IV.'),
    recurrent: z
      .boolean()
      .optional()
      .describe('true when the cancer came back after treatment with curative intent.'),
    resected: z
      .boolean()
      .optional()
      .describe('true when the tumour was completely removed by surgery.'),
  })
  .describe('The diagnosis; the only required part of the profile.');

const GENE_LIST = [...GENES, 'HER2'].join(', ');

const biomarkerSchema = z
  .strictObject({
    gene: shortText(40).describe(
      `Gene or marker: ${GENE_LIST}. Common spellings are normalised (HER2 → ERBB2, c-MET → MET, "EML4-ALK" → ALK fusion).`,
    ),
    alteration: shortText(60)
      .optional()
      .describe(
        'Alteration code for the gene (EGFR: exon19del, L858R, T790M, C797S, exon20ins, G719X, L861Q, S768I, other; ALK/ROS1/RET/NTRK1-3/NRG1: fusion; BRAF: V600E, non_V600; KRAS: G12C, G12D, G12V, other; MET: exon14_skipping, amplification, overexpression; ERBB2: mutation, exon20ins, amplification, overexpression; others: mutation, amplification). Free-text spellings (Ex19del, p.Leu858Arg, METex14) are normalised.',
      ),
    status: z
      .enum(['positive', 'negative'])
      .optional()
      .describe(
        '`positive` (default; without an alteration it means "altered, kind not known") or `negative` (tested and not found).',
      ),
    tps: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('PD-L1 tumour proportion score, 0–100 (%). Only for PD-L1.'),
    value: z
      .number()
      .min(0)
      .max(10_000)
      .optional()
      .describe('Tumour mutational burden in mutations/Mb. Only for TMB.'),
  })
  .superRefine((b, ctx) => {
    const n = normaliseBiomarker(b.gene, b.alteration);
    if (!n) {
      const gene = normaliseBiomarker(b.gene);
      if (!gene) {
        ctx.addIssue({
          code: 'custom',
          path: ['gene'],
          message: `unknown gene '${b.gene}'; expected one of ${GENE_LIST}`,
        });
      } else {
        const codes = ALTERATIONS_BY_GENE[gene.gene] as readonly string[];
        ctx.addIssue({
          code: 'custom',
          path: ['alteration'],
          message:
            codes.length === 0
              ? `${gene.gene} takes no alteration`
              : `'${b.alteration}' is not a ${gene.gene} alteration; expected one of ${codes.join(', ')}`,
        });
      }
      return;
    }
    if (b.tps !== undefined && n.gene !== 'PD-L1') {
      ctx.addIssue({ code: 'custom', path: ['tps'], message: 'tps is only for PD-L1' });
    }
    if (b.value !== undefined && n.gene !== 'TMB') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'value is only for TMB' });
    }
    if (n.gene === 'PD-L1' && b.tps !== undefined && b.status === 'negative' && b.tps >= 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `PD-L1 'negative' contradicts tps ${b.tps} (negative means TPS < 1%)`,
      });
    }
  })
  .describe('One biomarker result.');

const CLASS_LIST = THERAPY_CLASSES.join(', ');

const priorTherapySchema = z
  .strictObject({
    drug: shortText(100)
      .optional()
      .describe(
        'A generic, brand or code name (osimertinib, Tagrisso, AZD9291), normalised to one canonical drug. An unrecognised name is accepted as a systemic treatment of unknown class (see the response notes).',
      ),
    class: shortText(60).optional().describe(`Instead of a drug, a therapy class: ${CLASS_LIST}.`),
    setting: z
      .enum(THERAPY_SETTINGS)
      .optional()
      .describe('neoadjuvant, adjuvant, consolidation, or metastatic (advanced disease).'),
    progressed: z
      .boolean()
      .optional()
      .describe('true when the cancer grew on or after this treatment.'),
    line: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Line of treatment for advanced disease (1, 2, …); drugs with the same line were one regimen.',
      ),
  })
  .superRefine((t, ctx) => {
    if ((t.drug === undefined) === (t.class === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of `drug` or `class`',
      });
      return;
    }
    if (t.class !== undefined && !toTherapyClass(t.class)) {
      ctx.addIssue({
        code: 'custom',
        path: ['class'],
        message: `unknown therapy class '${t.class}'; expected one of ${CLASS_LIST}`,
      });
    }
  })
  .describe('One prior cancer treatment (a drug or a class).');

const locationSchema = z
  .strictObject({
    postalCode: shortText(12)
      .optional()
      .describe('A postal code (US ZIP codes are supported), with `country`.'),
    country: shortText(60).optional().describe('ISO country code of the postal code, e.g. `US`.'),
    lat: z.number().min(-90).max(90).optional().describe('Latitude in degrees.'),
    lon: z.number().min(-180).max(180).optional().describe('Longitude in degrees.'),
    maxDistanceKm: z
      .number()
      .positive()
      .max(20_040)
      .optional()
      .describe('Drop trials with no recruiting site within this distance.'),
  })
  .superRefine((l, ctx) => {
    const hasPostal = l.postalCode !== undefined || l.country !== undefined;
    const hasPoint = l.lat !== undefined || l.lon !== undefined;
    if (hasPostal && hasPoint) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give either postalCode + country or lat + lon, not both',
      });
    } else if (hasPoint && (l.lat === undefined || l.lon === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [l.lat === undefined ? 'lat' : 'lon'],
        message: 'lat and lon go together',
      });
    } else if (hasPostal && (l.postalCode === undefined || l.country === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [l.postalCode === undefined ? 'postalCode' : 'country'],
        message: 'postalCode and country go together',
      });
    } else if (!hasPostal && !hasPoint) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give postalCode + country or lat + lon',
      });
    } else if (hasPostal) {
      try {
        resolveLocation(l);
      } catch (err) {
        if (!(err instanceof PostalCodeError)) throw err;
        ctx.addIssue({ code: 'custom', path: [err.field], message: err.message });
      }
    }
  })
  .describe('Where the patient is: a postal code with its country, or latitude/longitude.');

const filtersSchema = z
  .strictObject({
    statuses: z
      .array(z.enum(OVERALL_STATUSES))
      .min(1)
      .max(OVERALL_STATUSES.length)
      .optional()
      .describe(
        `ClinicalTrials.gov overallStatus values to include; default ${DEFAULT_STATUSES.join(', ')}.`,
      ),
    phases: z
      .array(z.enum(PHASES))
      .min(1)
      .max(PHASES.length)
      .optional()
      .describe('ClinicalTrials.gov phases to include (a trial with any of them); default all.'),
  })
  .describe('Filters: they select trials, never change a verdict.');

const optionsSchema = z
  .strictObject({
    includeExcluded: z
      .boolean()
      .optional()
      .describe('Also return excluded trials with the criteria that exclude them (default false).'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .optional()
      .describe(`Maximum number of results (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).`),
  })
  .describe('Request options.');

/** The example profile of shared/product/PROFILE.md, published in the OpenAPI document. */
export const PROFILE_EXAMPLE = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA', recurrent: false },
  biomarkers: [
    { gene: 'EGFR', alteration: 'L858R' },
    { gene: 'EGFR', alteration: 'T790M', status: 'negative' },
    { gene: 'ALK', status: 'negative' },
    { gene: 'PD-L1', tps: 20 },
  ],
  priorTherapies: [{ drug: 'osimertinib', setting: 'metastatic', progressed: true }],
  brainMetastases: 'treated_stable',
  ecog: 1,
  age: 58,
  sex: 'male',
  location: { postalCode: '02115', country: 'US', maxDistanceKm: 300 },
  filters: { statuses: ['RECRUITING', 'NOT_YET_RECRUITING'], phases: ['PHASE2', 'PHASE3'] },
};

export const matchRequestSchema = z
  .strictObject({
    diagnosis: diagnosisSchema,
    biomarkers: z
      .array(biomarkerSchema)
      .max(50)
      .superRefine((list, ctx) => {
        for (const e of biomarkerContradictions(
          list.map((b) => normaliseBiomarkerInput(b).biomarker),
        )) {
          ctx.addIssue({ code: 'custom', path: [e.index], message: e.message });
        }
      })
      .optional()
      .describe('Biomarker results. A gene not listed is unknown (never negative).'),
    priorTherapies: z
      .array(priorTherapySchema)
      .max(50)
      .optional()
      .describe(
        'The complete list of cancer treatments: a drug or class not listed was not given. [] means treatment-naive; leaving the field out means unknown.',
      ),
    brainMetastases: z
      .enum(BRAIN_METASTASES)
      .optional()
      .describe(
        'none; treated_stable (treated, stable, off steroids); untreated_asymptomatic; active (symptomatic or progressing); leptomeningeal.',
      ),
    ecog: z.number().int().min(0).max(4).optional().describe('ECOG performance status, 0–4.'),
    age: z.number().int().min(0).max(120).optional().describe('Age in whole years.'),
    sex: z.enum(SEXES).optional(),
    location: locationSchema.optional(),
    filters: filtersSchema.optional(),
    options: optionsSchema.optional(),
  })
  .describe(
    'A patient profile (shared/product/PROFILE.md). Every field is optional except diagnosis; a field left out is unknown, never false.',
  )
  .meta({ examples: [PROFILE_EXAMPLE] });

export type MatchRequestInput = z.input<typeof matchRequestSchema>;

// ---------------------------------------------------------------------------------------
// Normalised request
// ---------------------------------------------------------------------------------------

export type ProfileHistology = Histology | 'non_squamous';

export interface ProfileBiomarker {
  gene: Gene;
  alteration?: Alteration | undefined;
  status: 'positive' | 'negative';
  tps?: number | undefined;
  value?: number | undefined;
}

export interface ProfileTherapy {
  /** Canonical drug name, or the name as given when `recognised` is false. */
  drug?: string | undefined;
  class?: TherapyClass | undefined;
  /** Every class the drug or class implies (carboplatin → platinum_chemotherapy, chemotherapy). */
  classes: TherapyClass[];
  /** false for a drug name no lexicon knows: a systemic treatment of unknown class. */
  recognised: boolean;
  setting?: TherapySetting | undefined;
  progressed?: boolean | undefined;
  line?: number | undefined;
}

export interface Profile {
  diagnosis: {
    cancer: 'nsclc';
    histology?: ProfileHistology | undefined;
    stage?: Stage | undefined;
    recurrent?: boolean | undefined;
    resected?: boolean | undefined;
  };
  biomarkers?: ProfileBiomarker[] | undefined;
  priorTherapies?: ProfileTherapy[] | undefined;
  brainMetastases?: BrainMetastases | undefined;
  ecog?: number | undefined;
  age?: number | undefined;
  sex?: Sex | undefined;
}

export interface ResolvedLocation {
  lat: number;
  lon: number;
  postalCode?: string | undefined;
  country?: string | undefined;
  maxDistanceKm?: number | undefined;
}

export interface Note {
  path: string;
  message: string;
}

/** The profile as the matcher understood it, echoed in the response. */
export interface Understood extends Profile {
  location?: ResolvedLocation | undefined;
  filters: { statuses: string[]; phases?: Phase[] | undefined };
  options: { includeExcluded: boolean; limit: number };
  /** Each normalisation made ("HER2" → ERBB2) and each name not recognised. */
  notes: Note[];
}

export interface NormalisedRequest {
  profile: Profile;
  location?: ResolvedLocation | undefined;
  filters: { statuses: string[]; phases?: Phase[] | undefined };
  options: { includeExcluded: boolean; limit: number };
  understood: Understood;
}

export interface RequestError {
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; request: NormalisedRequest; understood: Understood }
  | { ok: false; status: 400 | 422; errors: RequestError[] };

const pathOf = (path: readonly PropertyKey[]): string =>
  path.map((p) => (typeof p === 'symbol' ? p.toString() : String(p))).join('.');

const CANCER_IN_SCOPE = new Set(['nsclc', 'nonsmallcelllungcancer', 'nonsmallcelllungcarcinoma']);
const compactText = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function toTherapyClass(input: string): TherapyClass | undefined {
  const code = input
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if ((THERAPY_CLASSES as readonly string[]).includes(code)) return code as TherapyClass;
  return lookupTherapyClass(input);
}

/** Validate and normalise a request body. Never throws. */
export function parseMatchRequest(body: unknown): ParseResult {
  const parsed = matchRequestSchema.safeParse(body);
  if (!parsed.success) {
    const errors: RequestError[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          errors.push({ path: pathOf([...issue.path, key]), message: `unknown field '${key}'` });
        }
      } else {
        errors.push({ path: pathOf(issue.path), message: issue.message });
      }
    }
    return { ok: false, status: 400, errors };
  }
  const input = parsed.data;
  if (!CANCER_IN_SCOPE.has(compactText(input.diagnosis.cancer))) {
    return {
      ok: false,
      status: 422,
      errors: [
        {
          path: 'diagnosis.cancer',
          message: `'${input.diagnosis.cancer}' is outside this product's scope: it matches trials for non-small cell lung cancer (nsclc) only`,
        },
      ],
    };
  }

  const notes: Note[] = [];
  const errors: RequestError[] = [];

  const biomarkers = input.biomarkers?.map((b, i): ProfileBiomarker => {
    const n = normaliseBiomarkerInput(b);
    for (const message of n.notes) notes.push({ path: `biomarkers.${i}`, message });
    return n.biomarker;
  });

  const priorTherapies = input.priorTherapies?.map((t, i): ProfileTherapy => {
    const base = {
      ...(t.setting !== undefined ? { setting: t.setting } : {}),
      ...(t.progressed !== undefined ? { progressed: t.progressed } : {}),
      ...(t.line !== undefined ? { line: t.line } : {}),
    };
    if (t.class !== undefined) {
      const cls = toTherapyClass(t.class) ?? 'chemotherapy';
      if (cls !== t.class) {
        notes.push({
          path: `priorTherapies.${i}.class`,
          message: `'${t.class}' understood as ${cls}`,
        });
      }
      return { class: cls, classes: impliedClasses([cls]), recognised: true, ...base };
    }
    const name = t.drug ?? '';
    const found = lookupDrug(name);
    if (!found) {
      notes.push({
        path: `priorTherapies.${i}.drug`,
        message: `'${name}' is not a drug we recognise: counted as a systemic treatment of unknown class, so criteria about drug classes stay unknown`,
      });
      return { drug: name, classes: [], recognised: false, ...base };
    }
    if (found.drug !== name) {
      notes.push({
        path: `priorTherapies.${i}.drug`,
        message: `'${name}' understood as ${found.drug}${found.classes.length ? ` (${found.classes.join(', ')})` : ''}`,
      });
    }
    return { drug: found.drug, classes: impliedClasses(found.classes), recognised: true, ...base };
  });

  let location: ResolvedLocation | undefined;
  if (input.location) {
    try {
      location = resolveLocation(input.location);
    } catch (err) {
      if (!(err instanceof PostalCodeError)) throw err;
      errors.push({ path: `location.${err.field}`, message: err.message });
    }
  }
  if (errors.length > 0) return { ok: false, status: 400, errors };

  const d = input.diagnosis;
  if (d.histology === 'non_squamous') {
    notes.push({
      path: 'diagnosis.histology',
      message: 'non_squamous understood as adenocarcinoma, large cell or NSCLC NOS',
    });
  }
  const profile: Profile = {
    diagnosis: {
      cancer: 'nsclc',
      ...(d.histology !== undefined ? { histology: d.histology } : {}),
      ...(d.stage !== undefined ? { stage: d.stage } : {}),
      ...(d.recurrent !== undefined ? { recurrent: d.recurrent } : {}),
      ...(d.resected !== undefined ? { resected: d.resected } : {}),
    },
    ...(biomarkers !== undefined ? { biomarkers } : {}),
    ...(priorTherapies !== undefined ? { priorTherapies } : {}),
    ...(input.brainMetastases !== undefined ? { brainMetastases: input.brainMetastases } : {}),
    ...(input.ecog !== undefined ? { ecog: input.ecog } : {}),
    ...(input.age !== undefined ? { age: input.age } : {}),
    ...(input.sex !== undefined ? { sex: input.sex } : {}),
  };
  const filters = {
    statuses: [...new Set(input.filters?.statuses ?? DEFAULT_STATUSES)],
    ...(input.filters?.phases ? { phases: [...new Set(input.filters.phases)] } : {}),
  };
  const options = {
    includeExcluded: input.options?.includeExcluded ?? false,
    limit: input.options?.limit ?? DEFAULT_LIMIT,
  };
  const understood: Understood = {
    ...profile,
    ...(location ? { location } : {}),
    filters,
    options,
    notes,
  };
  const request: NormalisedRequest = {
    profile,
    ...(location ? { location } : {}),
    filters,
    options,
    understood,
  };
  return { ok: true, request, understood };
}

type BiomarkerInput = z.output<typeof biomarkerSchema>;

/** One biomarker input in the product's codes, with what was normalised. */
function normaliseBiomarkerInput(b: BiomarkerInput): {
  biomarker: ProfileBiomarker;
  notes: string[];
} {
  const notes: string[] = [];
  // The schema's refinement has checked that this resolves.
  const n = normaliseBiomarker(b.gene, b.alteration) ?? { gene: 'EGFR' as Gene };
  const codes = ALTERATIONS_BY_GENE[n.gene] as readonly Alteration[];
  let alteration = n.alteration;
  const status =
    b.status ??
    (n.gene === 'PD-L1' && b.tps !== undefined
      ? b.tps >= 1
        ? 'positive'
        : 'negative'
      : n.gene === 'TMB' && b.value !== undefined
        ? b.value >= 10
          ? 'positive'
          : 'negative'
        : 'positive');
  if (n.gene !== b.gene) notes.push(`'${b.gene}' understood as ${n.gene}`);
  if (b.alteration !== undefined && alteration !== b.alteration) {
    notes.push(
      alteration
        ? `'${b.alteration}' understood as ${alteration}`
        : `'${b.alteration}' understood as ${n.gene} altered, kind not known`,
    );
  }
  // A gene with a single alteration code: "ALK-positive" is an ALK fusion.
  if (alteration === undefined && status === 'positive' && codes.length === 1) {
    alteration = codes[0];
  }
  if (
    b.alteration === undefined &&
    b.status === undefined &&
    b.tps === undefined &&
    b.value === undefined
  ) {
    notes.push(`${n.gene} with neither alteration nor status understood as positive`);
  }
  return {
    biomarker: {
      gene: n.gene,
      ...(alteration !== undefined ? { alteration } : {}),
      status,
      ...(b.tps !== undefined ? { tps: b.tps } : {}),
      ...(b.value !== undefined ? { value: b.value } : {}),
    },
    notes,
  };
}

/** Contradictions a profile cannot mean: "EGFR negative" beside "EGFR L858R". */
function biomarkerContradictions(list: ProfileBiomarker[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  list.forEach((b, i) => {
    list.forEach((o, j) => {
      if (j <= i || o.gene !== b.gene) return;
      if (o.gene === 'PD-L1' && o.tps !== undefined && b.tps !== undefined && o.tps !== b.tps) {
        out.push({ index: j, message: `contradicts biomarkers.${i}: two PD-L1 TPS values` });
        return;
      }
      if (o.status === b.status) return;
      const geneLevelNegative =
        (b.status === 'negative' && b.alteration === undefined) ||
        (o.status === 'negative' && o.alteration === undefined);
      if (geneLevelNegative || o.alteration === b.alteration) {
        out.push({
          index: j,
          message: `contradicts biomarkers.${i}: ${b.gene} cannot be both positive and negative${
            b.alteration && o.alteration ? ` for ${b.alteration}` : ''
          }`,
        });
      }
    });
  });
  return out;
}

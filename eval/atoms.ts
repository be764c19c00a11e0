/**
 * Atoms: the unit in which the evaluation compares extracted facts with hand labels.
 *
 * A trial's facts become, per fact kind, a set of short strings ("atoms") that a clinician can
 * check one by one against the criteria text. Atoms ignore cohorts and quotes: they say *what*
 * the trial requires or forbids somewhere, not where. Equivalent spellings of one meaning are
 * normalised to one atom (both for the extractor's output and for labels, see `normaliseAtom`),
 * so that the score measures understanding, not representation:
 *
 * - stages: coarse groups expand to their sub-groups (`IV` → `IVA`, `IVB`; `I` → `IA1`…`IB`);
 *   setting `metastatic` is stage IV (PROFILE rule 10), so it becomes `IVA` + `IVB`; setting
 *   `advanced` is met by stage IV or recurrent disease (rule 10), so it also stands for `IVA`,
 *   `IVB` and `setting:recurrent` ("locally advanced or metastatic" written as `advanced` alone
 *   or as `advanced` + stage IV is one fact).
 * - histology: a forbidden list becomes the allowed complement ("non-squamous" under
 *   inclusion and "squamous" under exclusion are the same fact).
 * - biomarkers: fusion-only genes (ALK, ROS1, RET, NTRK1-3, NRG1) drop `:fusion`; knownOnly
 *   forbids are `forbid-known:` (PROFILE rule 2); "HER2 mutation" includes HER2 exon 20
 *   insertions, so `ERBB2:mutation` also stands for `ERBB2:exon20ins` (not the reverse).
 * - PD-L1: an excluded range becomes the allowed complement (exclusion "TPS ≥ 50%" is
 *   `pdl1:max:<50`).
 * - lines: `max_lines:0` is `require:naive`; a forbidden naive status is `min_lines:1`; an
 *   excluded line count ("prior lines ≥ 2") is its complement (`max_lines:1`).
 * - brain metastases: a required set of states becomes the forbidden complement over all five
 *   states (`forbid:brain:none` = the trial is for patients with brain metastases).
 *
 * Atom grammar, per kind:
 *   scope            scope:<nsclc|lung|basket|not_nsclc|unknown>, forbid:nsclc (a cohort/part excludes NSCLC)
 *   histology        require:histology:<histology>
 *   stage            require|forbid:stage:<group>, require|forbid:setting:<setting>
 *   biomarker        require|forbid|forbid-known:<GENE>[:<alteration>], tested:<GENE>, tmb:min:<n>, tmb:max:<n>
 *   pdl1             pdl1:min:<n>, pdl1:min:><n>, pdl1:max:<n>, pdl1:max:<<n>, tested:PD-L1
 *   prior_therapy    require|forbid:class:<class>, require|forbid:drug:<drug>, require:naive,
 *                    min_lines:<n>, max_lines:<n>
 *   brain_metastases forbid:brain:<state>
 *   ecog             ecog_max:<n>, ecog_min:<n> (only when > 0)
 *   age_sex          age_min:<n>, age_max:<n>, sex:<female|male>
 */
import type { Criterion, TrialFacts } from '#eligibility/facts.ts';
import { BRAIN_METASTASES, HISTOLOGIES, type Histology } from '#vocabulary/codes.ts';

export const KINDS = [
  'scope',
  'histology',
  'stage',
  'biomarker',
  'pdl1',
  'prior_therapy',
  'brain_metastases',
  'ecog',
  'age_sex',
] as const;
export type Kind = (typeof KINDS)[number];

export type Atoms = Record<Kind, Set<string>>;

export const emptyAtoms = (): Atoms =>
  Object.fromEntries(KINDS.map((k) => [k, new Set<string>()])) as Atoms;

const FUSION_ONLY_GENES = new Set(['ALK', 'ROS1', 'RET', 'NTRK1', 'NTRK2', 'NTRK3', 'NRG1']);

const STAGE_EXPANSION: Record<string, string[]> = {
  I: ['IA1', 'IA2', 'IA3', 'IB'],
  IA: ['IA1', 'IA2', 'IA3'],
  II: ['IIA', 'IIB'],
  III: ['IIIA', 'IIIB', 'IIIC'],
  IV: ['IVA', 'IVB'],
};

const expandStage = (stage: string): string[] => STAGE_EXPANSION[stage] ?? [stage];

/**
 * One written atom → the canonical atoms it stands for (usually itself). Applied to labels and
 * to converted facts alike, so a label may use the coarse spelling a trial uses ("stage:IV").
 */
export function normaliseAtom(kind: Kind, atom: string): string[] {
  const [sign = '', what = '', value = '', ...rest] = atom.split(':');
  const three = rest.length === 0 && value !== '';
  if (kind === 'stage' && three && what === 'stage') {
    return expandStage(value).map((s) => `${sign}:stage:${s}`);
  }
  if (kind === 'stage' && three && what === 'setting' && value === 'metastatic') {
    return [`${sign}:stage:IVA`, `${sign}:stage:IVB`];
  }
  if (kind === 'stage' && three && what === 'setting' && value === 'advanced') {
    return [atom, `${sign}:stage:IVA`, `${sign}:stage:IVB`, `${sign}:setting:recurrent`];
  }
  if (kind === 'biomarker' && three && value === 'fusion' && FUSION_ONLY_GENES.has(what)) {
    return [`${sign}:${what}`];
  }
  if (kind === 'biomarker' && three && what === 'ERBB2' && value === 'mutation') {
    return [atom, `${sign}:ERBB2:exon20ins`];
  }
  if (kind === 'prior_therapy' && atom === 'max_lines:0') return ['require:naive'];
  return [atom];
}

export function normaliseAtoms(kind: Kind, atoms: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const a of atoms) for (const n of normaliseAtom(kind, a)) out.add(n);
  return out;
}

const bound = (n: number, exclusive: boolean | undefined, op: '<' | '>'): string =>
  exclusive ? `${op}${n}` : `${n}`;

function pdl1Atoms(c: Extract<Criterion, { kind: 'pdl1' }>): string[] {
  const hasMin = c.min !== undefined;
  const hasMax = c.max !== undefined;
  if (c.effect === 'require') {
    const out: string[] = [];
    if (c.min !== undefined) out.push(`pdl1:min:${bound(c.min, c.minExclusive, '>')}`);
    if (c.max !== undefined) out.push(`pdl1:max:${bound(c.max, c.maxExclusive, '<')}`);
    return out;
  }
  // forbid: the complement of a one-sided range is the other side.
  if (hasMin && !hasMax && c.min !== undefined) {
    return [`pdl1:max:${c.minExclusive ? `${c.min}` : `<${c.min}`}`];
  }
  if (hasMax && !hasMin && c.max !== undefined) {
    return [`pdl1:min:${c.maxExclusive ? `${c.max}` : `>${c.max}`}`];
  }
  return [`forbid:pdl1:${c.min ?? ''}-${c.max ?? ''}`];
}

function linesAtoms(c: Extract<Criterion, { kind: 'prior_lines' }>): string[] {
  const out: string[] = [];
  if (c.effect === 'require') {
    if (c.min !== undefined && c.min > 0) out.push(`min_lines:${c.min}`);
    if (c.max !== undefined) out.push(`max_lines:${c.max}`);
    return out;
  }
  // forbid "lines ≥ n" = at most n-1; forbid "lines ≤ n" = at least n+1.
  if (c.min !== undefined && c.max === undefined) out.push(`max_lines:${c.min - 1}`);
  else if (c.max !== undefined && c.min === undefined) out.push(`min_lines:${c.max + 1}`);
  else out.push(`forbid:lines:${c.min ?? ''}-${c.max ?? ''}`);
  return out;
}

function brainAtoms(c: Extract<Criterion, { kind: 'brain_metastases' }>): string[] {
  const states = new Set<string>(c.states);
  const forbidden =
    c.effect === 'forbid' ? [...states] : BRAIN_METASTASES.filter((s) => !states.has(s));
  return forbidden.map((s) => `forbid:brain:${s}`);
}

/** The atoms one criterion stands for, with its kind (undefined: no atom, e.g. unclassified). */
export function criterionAtoms(c: Criterion): { kind: Kind; atoms: string[] } | undefined {
  switch (c.kind) {
    case 'diagnosis':
      return c.effect === 'forbid' ? { kind: 'scope', atoms: ['forbid:nsclc'] } : undefined;
    case 'histology': {
      const listed = new Set<Histology>(c.histologies);
      const allowed =
        c.effect === 'require' ? [...listed] : HISTOLOGIES.filter((h) => !listed.has(h));
      return { kind: 'histology', atoms: allowed.map((h) => `require:histology:${h}`) };
    }
    case 'stage':
      return {
        kind: 'stage',
        atoms: [
          ...c.stages.map((s) => `${c.effect}:stage:${s}`),
          ...c.settings.map((s) => `${c.effect}:setting:${s}`),
        ],
      };
    case 'biomarker': {
      const prefix = c.effect === 'forbid' && c.knownOnly ? 'forbid-known' : c.effect;
      return {
        kind: 'biomarker',
        atoms: c.anyOf.map((b) => `${prefix}:${b.gene}${b.alteration ? `:${b.alteration}` : ''}`),
      };
    }
    case 'biomarker_tested':
      // PD-L1 testing belongs with the PD-L1 facts; other genes with the biomarkers.
      return undefined;
    case 'pdl1':
      return { kind: 'pdl1', atoms: pdl1Atoms(c) };
    case 'tmb': {
      const atoms: string[] = [];
      if (c.effect === 'require') {
        if (c.min !== undefined) atoms.push(`tmb:min:${c.min}`);
        if (c.max !== undefined) atoms.push(`tmb:max:${c.max}`);
      } else {
        if (c.min !== undefined) atoms.push(`tmb:max:<${c.min}`);
        if (c.max !== undefined) atoms.push(`tmb:min:>${c.max}`);
      }
      return { kind: 'biomarker', atoms };
    }
    case 'prior_therapy':
      return {
        kind: 'prior_therapy',
        atoms: c.anyOf.map((t) =>
          t.class ? `${c.effect}:class:${t.class}` : `${c.effect}:drug:${t.drug ?? '?'}`,
        ),
      };
    case 'treatment_naive':
      return {
        kind: 'prior_therapy',
        atoms: [c.effect === 'require' ? 'require:naive' : 'min_lines:1'],
      };
    case 'prior_lines':
      return { kind: 'prior_therapy', atoms: linesAtoms(c) };
    case 'brain_metastases':
      return { kind: 'brain_metastases', atoms: brainAtoms(c) };
    case 'ecog': {
      const atoms = [`ecog_max:${c.max}`];
      if (c.min !== undefined && c.min > 0) atoms.push(`ecog_min:${c.min}`);
      return { kind: 'ecog', atoms };
    }
    case 'age': {
      const atoms: string[] = [];
      if (c.min !== undefined) atoms.push(`age_min:${c.min}`);
      if (c.max !== undefined) atoms.push(`age_max:${c.max}`);
      return { kind: 'age_sex', atoms };
    }
    case 'sex':
      return { kind: 'age_sex', atoms: [`sex:${c.sex}`] };
    case 'unclassified':
      return undefined;
  }
}

/** The extractor's TrialFacts as atoms per kind (normalised; cohorts and quotes ignored). */
export function factsToAtoms(facts: TrialFacts): Atoms {
  const out = emptyAtoms();
  out.scope.add(`scope:${facts.scope.value}`);
  for (const c of facts.criteria) {
    if (c.kind === 'biomarker_tested') {
      for (const g of c.genes) {
        const kind: Kind = g === 'PD-L1' ? 'pdl1' : 'biomarker';
        if (c.effect === 'require') out[kind].add(`tested:${g}`);
      }
      continue;
    }
    const r = criterionAtoms(c);
    if (!r) continue;
    for (const a of r.atoms) for (const n of normaliseAtom(r.kind, a)) out[r.kind].add(n);
  }
  return out;
}

/**
 * Three-valued evaluation of one extracted criterion against a profile, by PROFILE.md's rules
 * of interpretation. A criterion is a predicate about the patient plus an effect:
 * `evaluatePredicate` says whether the patient has the predicate (true / false / unknown),
 * `criterionStatus` applies the effect (require: true → met; forbid: true → not_met).
 * Unknown is never false: a fact the profile leaves out yields `unknown` (rule 1).
 */
import type {
  BiomarkerRef,
  DiseaseSetting,
  Predicate,
  PredicateOf,
  ProfileTopic,
  TherapyRef,
} from '#eligibility/facts.ts';
import { type Alteration, type Gene, type Histology, STAGE_LEAVES } from '#vocabulary/codes.ts';
import { drugClasses } from '#vocabulary/drugs.ts';
import type { Profile, ProfileTherapy } from './profile.ts';
import { LOCAL_CLASSES } from './therapy-classes.ts';

export type Tri = 'true' | 'false' | 'unknown';

/** A profile topic in words, for criteria the extractor could not read. */
export const TOPIC_WORDS: Record<ProfileTopic, string> = {
  biomarker: 'biomarkers',
  prior_therapy: 'prior treatment',
  stage: 'stage or disease setting',
  brain_metastases: 'brain metastases',
  performance: 'performance status',
  histology: 'histology',
};
export type CriterionStatus = 'met' | 'not_met' | 'unknown';

const or = (values: Iterable<Tri>): Tri => {
  let out: Tri = 'false';
  for (const v of values) {
    if (v === 'true') return 'true';
    if (v === 'unknown') out = 'unknown';
  }
  return out;
};
const and = (...values: Tri[]): Tri => {
  let out: Tri = 'true';
  for (const v of values) {
    if (v === 'false') return 'false';
    if (v === 'unknown') out = 'unknown';
  }
  return out;
};
const tri = (b: boolean): Tri => (b ? 'true' : 'false');

// ---------------------------------------------------------------------------------------
// The profile, prepared once per request
// ---------------------------------------------------------------------------------------

interface GeneState {
  /** "EGFR negative": tested, nothing found. */
  negative: boolean;
  /** "HER2-positive" without an alteration: altered, kind not known. */
  positiveUnknownKind: boolean;
  positive: Set<Alteration>;
  negativeAlterations: Set<Alteration>;
}

/** A closed numeric interval the patient's value lies in. */
type Interval = readonly [number, number];

export interface ProfileView {
  profile: Profile;
  histologies?: ReadonlySet<Histology> | undefined;
  stageLeaves?: ReadonlySet<string> | undefined;
  genes: ReadonlyMap<Gene, GeneState>;
  pdl1?: Interval | undefined;
  tmb?: Interval | undefined;
  /** Systemic lines for advanced disease, without and with perioperative treatment counted. */
  lines: Interval;
  linesWithPerioperative: Interval;
}

const NON_SQUAMOUS: readonly Histology[] = ['adenocarcinoma', 'large_cell', 'nsclc_nos'];
const PERIOPERATIVE = new Set(['neoadjuvant', 'adjuvant', 'consolidation']);

const isSystemic = (t: ProfileTherapy): boolean =>
  !t.recognised || t.classes.length === 0 || t.classes.some((c) => !LOCAL_CLASSES.has(c));

/** Whether a therapy was given for advanced disease: a `line` or the metastatic setting says so. */
const forAdvanced = (t: ProfileTherapy): Tri =>
  t.setting === 'metastatic' || (t.setting === undefined && t.line !== undefined)
    ? 'true'
    : t.setting !== undefined
      ? 'false'
      : 'unknown';

function countLines(therapies: ProfileTherapy[] | undefined, perioperative: boolean): Interval {
  if (!therapies) return [0, Number.POSITIVE_INFINITY];
  const lines = new Set<number>();
  let unnumberedAdvanced = false;
  let ambiguous = false;
  let periop = false;
  for (const t of therapies) {
    if (!isSystemic(t)) continue;
    if (t.setting !== undefined && PERIOPERATIVE.has(t.setting)) {
      periop = true;
      continue;
    }
    if (t.line !== undefined) lines.add(t.line);
    else if (t.setting === 'metastatic') unnumberedAdvanced = true;
    else ambiguous = true;
  }
  // Lines are numbered 1, 2, …: "line 2" implies a line 1 even if it is not itemised.
  let lo = lines.size === 0 ? 0 : Math.max(lines.size, ...lines);
  let hi = unnumberedAdvanced || ambiguous ? Number.POSITIVE_INFINITY : lo;
  if (unnumberedAdvanced) lo = Math.max(lo, 1);
  if (perioperative && periop) {
    lo += 1;
    hi += 1;
  }
  return [lo, hi];
}

export function prepareProfile(profile: Profile): ProfileView {
  const genes = new Map<Gene, GeneState>();
  let pdl1: Interval | undefined;
  let tmb: Interval | undefined;
  for (const b of profile.biomarkers ?? []) {
    let g = genes.get(b.gene);
    if (!g) {
      g = {
        negative: false,
        positiveUnknownKind: false,
        positive: new Set(),
        negativeAlterations: new Set(),
      };
      genes.set(b.gene, g);
    }
    if (b.status === 'negative') {
      if (b.alteration) g.negativeAlterations.add(b.alteration);
      else g.negative = true;
    } else if (b.alteration) g.positive.add(b.alteration);
    else g.positiveUnknownKind = true;
    if (b.gene === 'PD-L1') {
      pdl1 =
        b.tps !== undefined ? [b.tps, b.tps] : b.status === 'negative' ? [0, 0.999999] : [1, 100];
    }
    if (b.gene === 'TMB') {
      tmb =
        b.value !== undefined
          ? [b.value, b.value]
          : b.status === 'negative'
            ? [0, 9.999999]
            : [10, Number.POSITIVE_INFINITY];
    }
  }
  const h = profile.diagnosis.histology;
  const stage = profile.diagnosis.stage;
  return {
    profile,
    histologies: h === undefined ? undefined : new Set(h === 'non_squamous' ? NON_SQUAMOUS : [h]),
    stageLeaves: stage === undefined ? undefined : new Set(STAGE_LEAVES[stage]),
    genes,
    pdl1,
    tmb,
    lines: countLines(profile.priorTherapies, false),
    linesWithPerioperative: countLines(profile.priorTherapies, true),
  };
}

// ---------------------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------------------

/** Is the set `have` inside `allowed` (true), apart from it (false), or overlapping (unknown)? */
function setFit(have: ReadonlySet<string>, allowed: ReadonlySet<string>): Tri {
  let inside = 0;
  for (const x of have) if (allowed.has(x)) inside++;
  if (inside === have.size) return 'true';
  return inside === 0 ? 'false' : 'unknown';
}

function histology(c: PredicateOf<'histology'>, v: ProfileView): Tri {
  if (!v.histologies) return 'unknown';
  return setFit(v.histologies, new Set(c.histologies));
}

type Band = 'I' | 'II' | 'III' | 'IV';
const bandOf = (leaves: ReadonlySet<string>): Band | undefined => {
  const bands = new Set<Band>();
  for (const l of leaves)
    bands.add(
      l.startsWith('IV') ? 'IV' : l.startsWith('III') ? 'III' : l.startsWith('II') ? 'II' : 'I',
    );
  return bands.size === 1 ? [...bands][0] : undefined;
};

/** Rule 10: what each disease-setting term means for a profile. */
function setting(s: DiseaseSetting, v: ProfileView): Tri {
  const d = v.profile.diagnosis;
  const band = v.stageLeaves ? bandOf(v.stageLeaves) : undefined;
  const recurrent = d.recurrent === true;
  switch (s) {
    case 'metastatic':
      if (band === 'IV') return 'true';
      // A recurrence may be distant: the stage at diagnosis does not settle it.
      if (recurrent || band === undefined) return 'unknown';
      return 'false';
    case 'advanced':
      if (band === 'IV' || recurrent) return 'true';
      if (band === 'I' || band === 'II') return 'false';
      return 'unknown';
    case 'locally_advanced_unresectable':
      if (d.resected === true && !recurrent) return 'false';
      if (band === 'III' || recurrent || band === undefined) return 'unknown';
      return 'false';
    case 'recurrent':
      return d.recurrent === undefined ? 'unknown' : tri(d.recurrent);
    case 'resected':
      if (band === 'IV') return 'false';
      return d.resected === undefined ? 'unknown' : tri(d.resected);
    case 'resectable':
      if (band === 'IV') return 'false';
      return 'unknown';
    case 'early':
      if (band === 'IV') return 'false';
      if ((band === 'I' || band === 'II') && !recurrent) return 'true';
      return 'unknown';
  }
}

function stage(c: PredicateOf<'stage'>, v: ProfileView): Tri {
  const results: Tri[] = [];
  if (c.stages.length > 0) {
    if (!v.stageLeaves) results.push('unknown');
    else {
      const allowed = new Set(c.stages.flatMap((s) => STAGE_LEAVES[s] ?? []));
      results.push(setFit(v.stageLeaves, allowed));
    }
  }
  for (const s of c.settings) results.push(setting(s, v));
  return or(results);
}

/** Rules 2–5: does the patient have this gene/alteration? */
export function hasBiomarker(ref: BiomarkerRef, v: ProfileView): Tri {
  const g = v.genes.get(ref.gene);
  if (!g) return 'unknown';
  if (ref.alteration === undefined) {
    if (g.positive.size > 0 || g.positiveUnknownKind) return 'true';
    return g.negative ? 'false' : 'unknown';
  }
  if (g.positive.has(ref.alteration)) return 'true';
  if (g.negative || g.negativeAlterations.has(ref.alteration)) return 'false';
  if (g.positiveUnknownKind) return 'unknown';
  // Acquired resistance mutations arise beside the founding one (L858R + T790M): a profile
  // that names only the founding mutation has not told us about these.
  if (CO_OCCURRING.has(`${ref.gene}:${ref.alteration}`)) return 'unknown';
  // Same gene, other alteration stated: it conflicts (rule 4).
  if (g.positive.size > 0) return 'false';
  return 'unknown';
}

const CO_OCCURRING = new Set(['EGFR:T790M', 'EGFR:C797S']);

function biomarker(c: PredicateOf<'biomarker'>, v: ProfileView): Tri {
  const r = or(c.anyOf.map((ref) => hasBiomarker(ref, v)));
  if (!c.knownOnly || r !== 'unknown') return r;
  // "Known" speaks only of what is stated (rule 2). A requirement for a *documented*
  // alteration is not met by a biomarker list that leaves it out (EXAMPLES.md 14B); without
  // any biomarker list the profile is silent and the requirement stays unknown (rule 1).
  if (c.effect === 'require' && v.profile.biomarkers === undefined) return 'unknown';
  return 'false';
}

function inRange(
  x: Interval,
  min: number | undefined,
  max: number | undefined,
  minExclusive = false,
  maxExclusive = false,
): Tri {
  const ok = (n: number) =>
    (min === undefined || (minExclusive ? n > min : n >= min)) &&
    (max === undefined || (maxExclusive ? n < max : n <= max));
  const [lo, hi] = x;
  if (ok(lo) && ok(hi)) return 'true';
  const below = min !== undefined && (minExclusive ? hi <= min : hi < min);
  const above = max !== undefined && (maxExclusive ? lo >= max : lo > max);
  return below || above ? 'false' : 'unknown';
}

const pdl1 = (c: PredicateOf<'pdl1'>, v: ProfileView): Tri =>
  v.pdl1 ? inRange(v.pdl1, c.min, c.max, c.minExclusive, c.maxExclusive) : 'unknown';

const tmb = (c: PredicateOf<'tmb'>, v: ProfileView): Tri =>
  v.tmb ? inRange(v.tmb, c.min, c.max) : 'unknown';

/** Was therapy `t` the drug or class `ref`? Unrecognised drugs match only by name. */
export function therapyIs(t: ProfileTherapy, ref: TherapyRef): Tri {
  if (ref.class !== undefined) {
    if (t.classes.includes(ref.class)) return 'true';
    return t.recognised ? 'false' : 'unknown';
  }
  const drug = ref.drug;
  if (drug === undefined) return 'false';
  if (t.drug !== undefined) return tri(t.drug.toLowerCase() === drug.toLowerCase());
  // The profile names a class: it was this drug only if the class is the drug itself.
  if (t.class === undefined) return 'false';
  if ((t.class as string) === drug) return 'true';
  return drugClasses(drug).includes(t.class) ? 'unknown' : 'false';
}

function priorTherapy(c: PredicateOf<'prior_therapy'>, v: ProfileView): Tri {
  const list = v.profile.priorTherapies;
  if (!list) return 'unknown';
  return or(
    list.map((t) =>
      and(
        c.settings === 'advanced' ? forAdvanced(t) : 'true',
        or(c.anyOf.map((ref) => therapyIs(t, ref))),
        c.progressed && c.effect === 'require'
          ? t.progressed === undefined
            ? 'unknown'
            : tri(t.progressed)
          : 'true',
      ),
    ),
  );
}

/** Predicate "no prior systemic therapy for advanced disease" (or at all, if perioperative counts). */
function treatmentNaive(c: PredicateOf<'treatment_naive'>, v: ProfileView): Tri {
  const list = v.profile.priorTherapies;
  if (!list) return 'unknown';
  return and(
    ...list.filter(isSystemic).map((t): Tri => {
      if (c.includesPerioperative) return 'false';
      const adv = forAdvanced(t);
      return adv === 'true' ? 'false' : adv === 'false' ? 'true' : 'unknown';
    }),
  );
}

const priorLines = (c: PredicateOf<'prior_lines'>, v: ProfileView): Tri =>
  inRange(c.countsPerioperative ? v.linesWithPerioperative : v.lines, c.min, c.max);

function brainMetastases(c: PredicateOf<'brain_metastases'>, v: ProfileView): Tri {
  const state = v.profile.brainMetastases;
  if (state === undefined) return 'unknown';
  return tri((c.states as readonly string[]).includes(state));
}

const ecog = (c: PredicateOf<'ecog'>, v: ProfileView): Tri =>
  v.profile.ecog === undefined
    ? 'unknown'
    : inRange([v.profile.ecog, v.profile.ecog], c.min, c.max);

const age = (c: PredicateOf<'age'>, v: ProfileView): Tri =>
  v.profile.age === undefined ? 'unknown' : inRange([v.profile.age, v.profile.age], c.min, c.max);

/** Whether the patient has the criterion's predicate. `unclassified` has none: unknown. */
export function evaluatePredicate(c: Predicate, v: ProfileView): Tri {
  switch (c.kind) {
    case 'diagnosis':
      return 'true'; // every profile is NSCLC (others are refused at the door)
    case 'histology':
      return histology(c, v);
    case 'stage':
      return stage(c, v);
    case 'biomarker':
      return biomarker(c, v);
    case 'biomarker_tested':
      // An unstated gene is not "untested", only unstated: unknown, never false (rule 1).
      return c.genes.every((g) => v.genes.has(g)) ? 'true' : 'unknown';
    case 'pdl1':
      return pdl1(c, v);
    case 'tmb':
      return tmb(c, v);
    case 'prior_therapy':
      return priorTherapy(c, v);
    case 'treatment_naive':
      return treatmentNaive(c, v);
    case 'prior_lines':
      return priorLines(c, v);
    case 'brain_metastases':
      return brainMetastases(c, v);
    case 'ecog':
      return ecog(c, v);
    case 'age':
      return age(c, v);
    case 'sex':
      return v.profile.sex === undefined ? 'unknown' : tri(v.profile.sex === c.sex);
    case 'unclassified':
      return 'unknown';
  }
}

export function applyEffect(c: Predicate, p: Tri): CriterionStatus {
  if (p === 'unknown') return 'unknown';
  return (p === 'true') === (c.effect === 'require') ? 'met' : 'not_met';
}

export function criterionStatus(c: Predicate, v: ProfileView): CriterionStatus {
  return applyEffect(c, evaluatePredicate(c, v));
}

/** What the profile would need to state to settle a criterion left unknown. */
export function needsOf(c: Predicate): string {
  switch (c.kind) {
    case 'diagnosis':
      return 'whether the trial enrols NSCLC';
    case 'histology':
      return 'histology';
    case 'stage':
      return c.settings.some((s) => s !== 'recurrent' && s !== 'resected')
        ? 'stage, and whether curative treatment is still an option'
        : 'stage';
    case 'biomarker':
      return `${[...new Set(c.anyOf.map((r) => r.gene))].join(', ')} result`;
    case 'biomarker_tested':
      return `${c.genes.join(', ')} result`;
    case 'pdl1':
      return 'PD-L1 TPS';
    case 'tmb':
      return 'TMB';
    case 'prior_therapy':
      return c.progressed
        ? 'prior treatments, with setting and progression'
        : 'prior treatments and their setting';
    case 'treatment_naive':
      return 'prior treatments and their setting';
    case 'prior_lines':
      return 'the line of each prior treatment';
    case 'brain_metastases':
      return 'brain metastases';
    case 'ecog':
      return 'ECOG performance status';
    case 'age':
      return 'age';
    case 'sex':
      return 'sex';
    case 'unclassified':
      return c.topic
        ? `${TOPIC_WORDS[c.topic]} (a criterion the matcher could not read: see the trial's words)`
        : 'discussion with your doctor';
  }
}

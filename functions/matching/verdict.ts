/**
 * From criterion statuses to one verdict per trial (PROFILE.md "Verdicts", rule 7):
 * each cohort is judged whole (the global criteria plus its own); any not_met → excluded,
 * else any unknown → possible, else eligible; the best cohort wins. A trial that does not
 * enrol NSCLC is excluded, quoting the evidence.
 *
 * `compileTrial` prepares a trial once (cohort groups, synthesised age/sex criteria from the
 * structured fields); `decide` and `explain` take the criterion statuses as codes (1 met,
 * 2 not_met, 3 unknown, by criterion index), which the matcher serves from a per-request
 * cache and `evaluateTrial` computes directly: both paths run the same code.
 */
import type {
  Criterion,
  CriterionKind,
  Evidence,
  NsclcScope,
  Predicate,
  Section,
  TrialFacts,
} from '#eligibility/facts.ts';
import {
  type CriterionStatus,
  criterionStatus,
  needsOf,
  type ProfileView,
  prepareProfile,
} from './evaluate.ts';
import { criterionLabel } from './labels.ts';
import type { Profile } from './profile.ts';

export type Verdict = 'eligible' | 'possible' | 'excluded';

export interface Reason {
  criterion: { kind: CriterionKind | 'scope'; label: string };
  /** Whether the patient satisfies the criterion as the trial means it. */
  status: CriterionStatus;
  effect: 'require' | 'forbid';
  /** The trial's own words. */
  quote: string;
  section: Section;
  /** The cohort this criterion belongs to, when it is cohort-specific. */
  cohort?: string | undefined;
  /** For unknowns: what the profile would need to state. */
  needs?: string | undefined;
}

export interface DiscussItem {
  quote: string;
  section: Section;
  cohort?: string | undefined;
}

export interface CohortVerdict {
  cohort: string;
  verdict: Verdict;
  notMet: string[];
}

export interface TrialVerdict {
  verdict: Verdict;
  /** The cohort the verdict is for, when the trial has cohorts. */
  cohort?: string | undefined;
  reasons: Reason[];
  unknowns: string[];
  toDiscuss: DiscussItem[];
  cohorts?: CohortVerdict[] | undefined;
}

export interface Group {
  cohort?: string | undefined;
  /** Indices into CompiledTrial.criteria of the decidable criteria that apply. */
  members: number[];
  /** Indices of the unclassified items that apply. */
  discuss: number[];
}

export interface CompiledTrial<C extends Predicate = Predicate> {
  criteria: readonly C[];
  groups: Group[];
  scope: NsclcScope;
  /** Every group's members back to back (criterion indices), and where each group starts. */
  flat: Int32Array;
  starts: Int32Array;
}

export const STATUS_CODE = { met: 1, not_met: 2, unknown: 3 } as const;
export type StatusCode = 1 | 2 | 3;
const CODE_STATUS: Record<StatusCode, CriterionStatus> = { 1: 'met', 2: 'not_met', 3: 'unknown' };

/** "18 Years", "6 Months" → years. */
export function parseAgeYears(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)/i.exec(text ?? '');
  if (!m?.[1] || !m[2]) return undefined;
  const n = Number(m[1]);
  const per: Record<string, number> = {
    year: 1,
    month: 12,
    week: 52.1775,
    day: 365.25,
    hour: 8766,
    minute: 525960,
  };
  return n / (per[m[2].toLowerCase()] ?? 1);
}

export interface StructuredEligibility {
  minimumAge?: string | undefined;
  maximumAge?: string | undefined;
  sex?: string | undefined;
}

/**
 * Criteria from the record's structured fields, for when the extractor yielded none of that
 * kind (it may already have turned them into criteria; then they are not duplicated).
 */
function structuredCriteria(facts: TrialFacts, s: StructuredEligibility): Criterion[] {
  const out: Criterion[] = [];
  const has = (k: CriterionKind) => facts.criteria.some((c) => c.kind === k);
  const min = parseAgeYears(s.minimumAge);
  const max = parseAgeYears(s.maximumAge);
  if (!has('age') && (min !== undefined || max !== undefined)) {
    const words = [
      s.minimumAge ? `Minimum age: ${s.minimumAge}` : '',
      s.maximumAge ? `Maximum age: ${s.maximumAge}` : '',
    ].filter(Boolean);
    out.push({
      kind: 'age',
      effect: 'require',
      ...(min !== undefined ? { min: Math.ceil(min - 1e-9) } : {}),
      // "Maximum age: 75 Years" admits a 75-year-old until the next birthday.
      ...(max !== undefined ? { max: Math.floor(max + 1e-9) } : {}),
      evidence: { quote: words.join('; '), section: 'inclusion' },
    });
  }
  const sex = s.sex?.toUpperCase();
  if (!has('sex') && (sex === 'FEMALE' || sex === 'MALE')) {
    out.push({
      kind: 'sex',
      effect: 'require',
      sex: sex === 'FEMALE' ? 'female' : 'male',
      evidence: { quote: `Sex: ${s.sex}`, section: 'inclusion' },
    });
  }
  return out;
}

/** The trial's criteria as the matcher decides them: the extracted ones, then the structured ones. */
export function allCriteria(
  facts: TrialFacts,
  structured: StructuredEligibility = {},
): Criterion[] {
  return [...facts.criteria, ...structuredCriteria(facts, structured)];
}

/** Cohort groups over a trial's criteria (PROFILE rule 7): the global ones plus each cohort's own. */
export function compileCriteria<C extends Predicate>(
  criteria: readonly C[],
  cohorts: readonly string[],
  scope: NsclcScope,
): CompiledTrial<C> {
  const labels: string[] = [...cohorts];
  for (const c of criteria)
    for (const l of c.cohorts ?? []) if (!labels.includes(l)) labels.push(l);
  const applies = (c: C, cohort: string | undefined) =>
    !c.cohorts || c.cohorts.length === 0 || (cohort !== undefined && c.cohorts.includes(cohort));
  const groupFor = (cohort: string | undefined): Group => {
    const members: number[] = [];
    const discuss: number[] = [];
    criteria.forEach((c, i) => {
      if (!applies(c, cohort)) return;
      // An unread item about a profile fact is undecided (unknown), not a topic to discuss.
      if (c.kind === 'unclassified' && !c.topic) discuss.push(i);
      else members.push(i);
    });
    return cohort === undefined ? { members, discuss } : { cohort, members, discuss };
  };
  const groups = labels.length === 0 ? [groupFor(undefined)] : labels.map(groupFor);
  const starts = new Int32Array(groups.length + 1);
  groups.forEach((g, i) => {
    starts[i + 1] = (starts[i] as number) + g.members.length;
  });
  return {
    criteria,
    groups,
    scope,
    flat: Int32Array.from(groups.flatMap((g) => g.members)),
    starts,
  };
}

export function compileTrial(
  facts: TrialFacts,
  structured: StructuredEligibility = {},
): CompiledTrial<Criterion> {
  return compileCriteria(allCriteria(facts, structured), facts.cohorts, facts.scope.value);
}

/** A trial's own words: the quote behind each criterion (by index) and behind its scope. */
export interface TrialWords {
  scope?: Evidence | undefined;
  evidence: readonly Evidence[];
}

export const wordsOf = (facts: TrialFacts, criteria: readonly Criterion[]): TrialWords => ({
  scope: facts.scope.evidence,
  evidence: criteria.map((c) => c.evidence),
});

export interface Decision {
  verdict: Verdict;
  /** Index of the winning group; -1 when the trial does not enrol NSCLC. */
  group: number;
  notMet: number;
  unknown: number;
}

const VERDICT_RANK: Record<Verdict, number> = { eligible: 0, possible: 1, excluded: 2 };
export const verdictRank = (v: Verdict): number => VERDICT_RANK[v];

/**
 * The best cohort's verdict: fewest conflicts, then fewest unknowns, then the first.
 * Groups are `flat[starts[g]..starts[g+1])`, each entry an index into `codes` (criterion
 * indices for one trial, or the index's interned ids for the matcher's per-request cache).
 */
export function decideFlat(
  starts: Int32Array,
  flat: ArrayLike<number>,
  codes: ArrayLike<number>,
  scopeUnknown: number,
): Decision {
  let bestGroup = -1;
  let bestNotMet = 0;
  let bestUnknown = 0;
  const groups = starts.length - 1;
  for (let g = 0; g < groups; g++) {
    let notMet = 0;
    let unknown = scopeUnknown;
    for (let k = starts[g] as number, end = starts[g + 1] as number; k < end; k++) {
      const s = codes[flat[k] as number];
      if (s === 2) notMet++;
      else if (s === 3) unknown++;
    }
    if (bestGroup < 0 || notMet < bestNotMet || (notMet === bestNotMet && unknown < bestUnknown)) {
      bestGroup = g;
      bestNotMet = notMet;
      bestUnknown = unknown;
      if (notMet === 0 && unknown === 0) break;
    }
  }
  if (bestGroup < 0) return { verdict: 'eligible', group: 0, notMet: 0, unknown: scopeUnknown };
  return {
    verdict: bestNotMet > 0 ? 'excluded' : bestUnknown > 0 ? 'possible' : 'eligible',
    group: bestGroup,
    notMet: bestNotMet,
    unknown: bestUnknown,
  };
}

export const NOT_NSCLC: Decision = { verdict: 'excluded', group: -1, notMet: 1, unknown: 0 };

/** The trial's verdict from its criterion statuses (codes by criterion index). */
export function decide(t: CompiledTrial, codes: ArrayLike<number>): Decision {
  if (t.scope === 'not_nsclc') return NOT_NSCLC;
  return decideFlat(t.starts, t.flat, codes, t.scope === 'unknown' ? 1 : 0);
}

const ORDER: Record<CriterionStatus, number> = { not_met: 0, unknown: 1, met: 2 };

function scopeReason(words: TrialWords, status: CriterionStatus): Reason {
  const ev: Evidence | undefined = words.scope;
  return {
    criterion: {
      kind: 'scope',
      label:
        status === 'not_met'
          ? 'Enrols people with NSCLC (this trial does not)'
          : 'Enrols people with NSCLC (cannot tell from the record)',
    },
    status,
    effect: 'require',
    quote: ev?.quote ?? '',
    section: ev?.section ?? 'inclusion',
    ...(status === 'unknown' ? { needs: 'whether the trial enrols NSCLC' } : {}),
  };
}

/** Reasons, unknowns and "to discuss" items of the decided cohort. */
export function explain(
  t: CompiledTrial,
  d: Decision,
  codes: ArrayLike<number>,
  words: TrialWords,
  /** Labels by criterion index, when the caller has them cached. */
  labelOf: (i: number) => string = (i) => criterionLabel(t.criteria[i] as Predicate),
): TrialVerdict {
  const evidenceOf = (i: number): Evidence =>
    words.evidence[i] ?? { quote: '', section: 'inclusion' };
  if (d.group < 0) {
    return {
      verdict: d.verdict,
      reasons: [scopeReason(words, 'not_met')],
      unknowns: [],
      toDiscuss: [],
    };
  }
  const group = t.groups[d.group] as Group;
  const reasons: Reason[] = [];
  if (t.scope === 'unknown') reasons.push(scopeReason(words, 'unknown'));
  for (const i of group.members) {
    const c = t.criteria[i] as Predicate;
    const status = CODE_STATUS[codes[i] as StatusCode];
    const ev = evidenceOf(i);
    const reason: Reason = {
      criterion: { kind: c.kind, label: labelOf(i) },
      status,
      effect: c.effect,
      quote: ev.quote,
      section: ev.section,
    };
    // Plain assignments, not conditional spreads: this runs for every reason of every result.
    if (c.cohorts?.length && group.cohort) reason.cohort = group.cohort;
    if (status === 'unknown') reason.needs = needsOf(c);
    reasons.push(reason);
  }
  reasons.sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const unknowns = [
    ...new Set(
      reasons.filter((r) => r.status === 'unknown').map((r) => r.needs ?? r.criterion.label),
    ),
  ];
  const toDiscuss = group.discuss.map((i): DiscussItem => {
    const c = t.criteria[i] as Predicate;
    const ev = evidenceOf(i);
    return {
      quote: ev.quote,
      section: ev.section,
      ...(c.cohorts?.length && group.cohort ? { cohort: group.cohort } : {}),
    };
  });
  const out: TrialVerdict = {
    verdict: d.verdict,
    ...(group.cohort !== undefined ? { cohort: group.cohort } : {}),
    reasons,
    unknowns,
    toDiscuss,
  };
  if (t.groups.length > 1) {
    out.cohorts = t.groups.map((g): CohortVerdict => {
      let unknown = 0;
      const notMet: string[] = [];
      for (const i of g.members) {
        const s = codes[i];
        if (s === 2) notMet.push(labelOf(i));
        else if (s === 3) unknown++;
      }
      return {
        cohort: g.cohort ?? '',
        verdict:
          notMet.length > 0
            ? 'excluded'
            : unknown > 0 || t.scope === 'unknown'
              ? 'possible'
              : 'eligible',
        notMet,
      };
    });
  }
  return out;
}

/** Evaluate one trial's facts against a profile, directly (no index, no cache). */
export function evaluateTrial(
  facts: TrialFacts,
  profile: Profile | ProfileView,
  structured: StructuredEligibility = {},
): TrialVerdict {
  const view = 'genes' in profile ? profile : prepareProfile(profile);
  const t = compileTrial(facts, structured);
  const statuses = t.criteria.map((c) => STATUS_CODE[criterionStatus(c, view)]);
  return explain(t, decide(t, statuses), statuses, wordsOf(facts, t.criteria));
}

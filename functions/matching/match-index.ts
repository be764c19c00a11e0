/**
 * The matcher's in-memory index: every trial compiled once (cohort groups, labels), its
 * recruiting sites as unit vectors (nearest site = largest dot product, no trigonometry per
 * request), and every distinct criterion interned to an id, so one request evaluates each
 * distinct criterion once however many trials share it.
 */
import type { BiomarkerRef, Criterion } from '#eligibility/facts.ts';
import type { MatchIndexEntry, Site } from '#store/types.ts';
import { RECRUITING_SITE_STATUSES } from '#vocabulary/codes.ts';
import { unitVector } from './geo.ts';
import { type CompiledTrial, compileTrial } from './verdict.ts';

const PHASE_RANK: Record<string, number> = {
  EARLY_PHASE1: 1,
  PHASE1: 2,
  PHASE2: 3,
  PHASE3: 4,
  PHASE4: 5,
};

export interface IndexedTrial {
  entry: MatchIndexEntry;
  compiled: CompiledTrial;
  /** Per criterion of `compiled.criteria`: its interned id in MatchIndex.criteria. */
  criterionIds: Int32Array;
  /** `compiled.flat` through `criterionIds`: each cohort's criteria as interned ids. */
  memberIds: Int32Array;
  /** 1 when the record cannot tell whether the trial enrols NSCLC (an unknown for every cohort). */
  scopeUnknown: number;
  /** Position in NCT id order, the last tie-break of the ranking. */
  ordinal: number;
  /** The trial does not enrol NSCLC: excluded whatever the profile. */
  notNsclc: boolean;
  /** Highest phase (PHASE3 > PHASE2 …), for ranking. */
  phaseRank: number;
  /** Phases for filtering; a trial without phases counts as NA. */
  phases: readonly string[];
  /** Driver targets (PD-L1/TMB are not drivers). */
  targets: readonly BiomarkerRef[];
  /** Sites a patient can be referred to. */
  sites: readonly Site[];
  /** x, y, z per site that has coordinates, and which site each triple belongs to. */
  siteVectors: Float64Array;
  siteOfVector: Int32Array;
}

export interface MatchIndex {
  trials: readonly IndexedTrial[];
  /** One representative per distinct criterion (predicate + effect), by id. */
  criteria: readonly Criterion[];
  byStatus: ReadonlyMap<string, readonly IndexedTrial[]>;
}

const referable = (s: Site): boolean =>
  s.status === undefined || RECRUITING_SITE_STATUSES.includes(s.status.toUpperCase());

export function buildMatchIndex(entries: readonly MatchIndexEntry[]): MatchIndex {
  const ids = new Map<string, number>();
  const criteria: Criterion[] = [];
  const trials: IndexedTrial[] = [];
  const byStatus = new Map<string, IndexedTrial[]>();
  for (const entry of entries) {
    const compiled = compileTrial(entry.facts, entry);
    const criterionIds = new Int32Array(compiled.criteria.length);
    compiled.criteria.forEach((c, i) => {
      const key = canonical(c);
      let id = ids.get(key);
      if (id === undefined) {
        id = criteria.length;
        ids.set(key, id);
        criteria.push(c);
      }
      criterionIds[i] = id;
    });
    const sites = entry.sites.filter(referable);
    const withCoords = sites
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => typeof s.lat === 'number' && typeof s.lon === 'number');
    const siteVectors = new Float64Array(withCoords.length * 3);
    const siteOfVector = new Int32Array(withCoords.length);
    withCoords.forEach(({ s, i }, k) => {
      const [x, y, z] = unitVector(s.lat as number, s.lon as number);
      siteVectors[k * 3] = x;
      siteVectors[k * 3 + 1] = y;
      siteVectors[k * 3 + 2] = z;
      siteOfVector[k] = i;
    });
    const phases = entry.phases.length > 0 ? entry.phases : ['NA'];
    const trial: IndexedTrial = {
      entry,
      compiled,
      criterionIds,
      memberIds: compiled.flat.map((i) => criterionIds[i] as number),
      scopeUnknown: entry.facts.scope.value === 'unknown' ? 1 : 0,
      ordinal: 0,
      notNsclc: entry.facts.scope.value === 'not_nsclc',
      phaseRank: Math.max(0, ...phases.map((p) => PHASE_RANK[p] ?? 0)),
      phases,
      targets: entry.facts.targets.filter((t) => t.gene !== 'PD-L1' && t.gene !== 'TMB'),
      sites,
      siteVectors,
      siteOfVector,
    };
    trials.push(trial);
    const status = entry.overallStatus.toUpperCase();
    const list = byStatus.get(status);
    if (list) list.push(trial);
    else byStatus.set(status, [trial]);
  }
  [...trials]
    .sort((a, b) => (a.entry.nctId < b.entry.nctId ? -1 : a.entry.nctId > b.entry.nctId ? 1 : 0))
    .forEach((t, i) => {
      t.ordinal = i;
    });
  return { trials, criteria, byStatus };
}

/** A criterion's identity for evaluation: all but its words and cohort labels, keys sorted. */
function canonical(c: Criterion): string {
  const { evidence: _e, cohorts: _c, ...rest } = c;
  return stable(rest);
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

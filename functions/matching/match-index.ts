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
import { criterionLabel } from './labels.ts';
import { buildSiteGrid, type GridSite, type SiteGrid } from './site-grid.ts';
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
  /** 1 for an observational study (a registry, a cohort): ranked after treatment trials. */
  observational: number;
  /** Phases for filtering; a trial without phases counts as NA. */
  phases: readonly string[];
  /** The same as bits (see phaseMask). */
  phaseMask: number;
  /** Driver targets (PD-L1/TMB are not drivers). */
  targets: readonly BiomarkerRef[];
  /** Sites a patient can be referred to. */
  sites: readonly Site[];
  /** x, y, z per site that has coordinates, and which site each triple belongs to. */
  siteVectors: Float64Array;
  siteOfVector: Int32Array;
}

export interface MatchIndex {
  /** In NCT id order: a trial's position is its ordinal. */
  trials: readonly IndexedTrial[];
  /** One representative per distinct criterion (predicate + effect), by id. */
  criteria: readonly Criterion[];
  /** Its label, by id. */
  labels: readonly string[];
  /** Ordinals of the trials with each overallStatus. */
  byStatus: ReadonlyMap<string, Int32Array>;
  /** Per ordinal, so that filters skip a trial without touching its object. */
  phaseMasks: Uint8Array;
  notNsclc: Uint8Array;
  /** Every referable site with coordinates, by grid cell (for `maxDistanceKm`). */
  grid: SiteGrid;
}

const PHASE_BITS: readonly string[] = [
  'EARLY_PHASE1',
  'PHASE1',
  'PHASE2',
  'PHASE3',
  'PHASE4',
  'NA',
];
/** Phases as a bit set: a trial passes a phase filter when the masks intersect. */
export function phaseMask(phases: readonly string[]): number {
  let mask = 0;
  for (const p of phases) {
    const bit = PHASE_BITS.indexOf(p);
    mask |= bit >= 0 ? 1 << bit : 1 << PHASE_BITS.length;
  }
  return mask;
}

const referable = (s: Site): boolean =>
  s.status === undefined || RECRUITING_SITE_STATUSES.includes(s.status.toUpperCase());

export function buildMatchIndex(entries: readonly MatchIndexEntry[]): MatchIndex {
  const ids = new Map<string, number>();
  const criteria: Criterion[] = [];
  const trials: IndexedTrial[] = [];
  const sorted = [...entries].sort((a, b) => (a.nctId < b.nctId ? -1 : a.nctId > b.nctId ? 1 : 0));
  const statusLists = new Map<string, number[]>();
  for (const entry of sorted) {
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
      ordinal: trials.length,
      notNsclc: entry.facts.scope.value === 'not_nsclc',
      phaseRank: Math.max(0, ...phases.map((p) => PHASE_RANK[p] ?? 0)),
      observational: entry.studyType === 'OBSERVATIONAL' ? 1 : 0,
      phases,
      phaseMask: phaseMask(phases),
      targets: entry.facts.targets.filter((t) => t.gene !== 'PD-L1' && t.gene !== 'TMB'),
      sites,
      siteVectors,
      siteOfVector,
    };
    const status = entry.overallStatus.toUpperCase();
    const list = statusLists.get(status);
    if (list) list.push(trial.ordinal);
    else statusLists.set(status, [trial.ordinal]);
    trials.push(trial);
  }
  const byStatus = new Map<string, Int32Array>();
  for (const [status, list] of statusLists) byStatus.set(status, Int32Array.from(list));
  const gridSites: GridSite[] = [];
  for (const t of trials) {
    for (let k = 0; k < t.siteOfVector.length; k++) {
      const i = t.siteOfVector[k] as number;
      const s = t.sites[i] as Site;
      gridSites.push({ trial: t.ordinal, site: i, lat: s.lat as number, lon: s.lon as number });
    }
  }
  return {
    trials,
    criteria,
    labels: criteria.map(criterionLabel),
    byStatus,
    phaseMasks: Uint8Array.from(trials, (t) => t.phaseMask),
    notNsclc: Uint8Array.from(trials, (t) => (t.notNsclc ? 1 : 0)),
    grid: buildSiteGrid(gridSites),
  };
}

/**
 * A criterion's identity for evaluation: all but its words and cohort labels. Key order is
 * whatever the extractor wrote; two equal criteria written in different orders only cost a
 * second evaluation, never a wrong one.
 */
function canonical(c: Criterion): string {
  if (c.kind === 'unclassified') return c.effect;
  const { evidence: _e, cohorts: _c, ...rest } = c;
  return JSON.stringify(rest);
}

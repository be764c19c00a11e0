/**
 * The matcher's in-memory index, built from the index core (index-core.ts): every trial
 * compiled once (cohort groups), its recruiting sites as unit vectors (nearest site = largest
 * dot product, no trigonometry per request), and the core's interned predicates with their
 * labels, so one request evaluates each distinct criterion once however many trials share it.
 */
import type { BiomarkerRef, Predicate } from '#eligibility/facts.ts';
import { unitVector } from './geo.ts';
import type { CoreTrial, IndexCore } from './index-core.ts';
import { criterionLabel } from './labels.ts';
import { gridCell, gridFromColumns, type SiteColumns, type SiteGrid } from './site-grid.ts';
import { type CompiledTrial, compileCriteria } from './verdict.ts';

const PHASE_RANK: Record<string, number> = {
  EARLY_PHASE1: 1,
  PHASE1: 2,
  PHASE2: 3,
  PHASE3: 4,
  PHASE4: 5,
};

export interface IndexedTrial {
  core: CoreTrial;
  /** Criteria as predicates (interned objects; copies with cohort labels where scoped). */
  compiled: CompiledTrial;
  /** Per criterion of `compiled.criteria`: its interned id in MatchIndex.criteria. */
  criterionIds: Int32Array;
  /** `compiled.flat` through `criterionIds`: each cohort's criteria as interned ids. */
  memberIds: Int32Array;
  /** 1 when the record cannot tell whether the trial enrols NSCLC (an unknown for every cohort). */
  scopeUnknown: number;
  /** Position in NCT id order, the last tie-break of the ranking; also addresses its display. */
  ordinal: number;
  /** The trial does not enrol NSCLC: excluded whatever the profile. */
  notNsclc: boolean;
  /** Highest phase (PHASE3 > PHASE2 …), for ranking. */
  phaseRank: number;
  /** 1 for a study that tests no treatment (CoreTrial.notTreatment): ranked after treatment trials. */
  notTreatment: number;
  /** Phases for filtering; a trial without phases counts as NA. */
  phases: readonly string[];
  /** The same as bits (see phaseMask). */
  phaseMask: number;
  /** Driver targets (PD-L1/TMB are not drivers). */
  targets: readonly BiomarkerRef[];
  /** x, y, z per site that has coordinates, and which site (of the display's) each belongs to. */
  siteVectors: Float64Array;
  siteOfVector: Int32Array;
}

export interface MatchIndex {
  /** In NCT id order: a trial's position is its ordinal. */
  trials: readonly IndexedTrial[];
  /** One representative per distinct criterion (predicate + effect), by id. */
  criteria: readonly Predicate[];
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

/** The trial's criteria as objects: the interned predicate, or a copy carrying its cohorts. */
function trialCriteria(core: CoreTrial, predicates: readonly Predicate[]): Predicate[] {
  const criteria = core.criteria.map((id) => predicates[id] as Predicate);
  for (const [i, cohorts] of core.scoped ?? []) {
    const p = criteria[i];
    if (p) criteria[i] = { ...p, cohorts };
  }
  return criteria;
}

export function buildMatchIndex(core: IndexCore): MatchIndex {
  const trials: IndexedTrial[] = [];
  const statusLists = new Map<string, number[]>();
  // Every site of every trial, filled in place: one unit vector per site serves both the
  // trial's nearest-site scan and the grid.
  let total = 0;
  for (const t of core.trials) total += t.geo.length / 3;
  const grid: SiteColumns = {
    trial: new Int32Array(total),
    site: new Int32Array(total),
    xyz: new Float64Array(total * 3),
    cell: new Int32Array(total),
  };
  let g = 0;
  for (const t of core.trials) {
    const compiled = compileCriteria(trialCriteria(t, core.predicates), t.cohorts, t.scope);
    const criterionIds = Int32Array.from(t.criteria);
    const vectors = t.geo.length / 3;
    const ordinal = trials.length;
    const first = g;
    for (let k = 0; k < vectors; k++, g++) {
      const lat = t.geo[k * 3] as number;
      const lon = t.geo[k * 3 + 1] as number;
      const [x, y, z] = unitVector(lat, lon);
      grid.xyz[g * 3] = x;
      grid.xyz[g * 3 + 1] = y;
      grid.xyz[g * 3 + 2] = z;
      grid.trial[g] = ordinal;
      grid.site[g] = t.geo[k * 3 + 2] as number;
      grid.cell[g] = gridCell(lat, lon);
    }
    // Views on the columns, not copies (the grid takes sorted copies of its own).
    const siteVectors = grid.xyz.subarray(first * 3, g * 3);
    const siteOfVector = grid.site.subarray(first, g);
    const phases = t.phases.length > 0 ? t.phases : ['NA'];
    const trial: IndexedTrial = {
      core: t,
      compiled,
      criterionIds,
      memberIds: compiled.flat.map((i) => criterionIds[i] as number),
      scopeUnknown: t.scope === 'unknown' ? 1 : 0,
      ordinal,
      notNsclc: t.scope === 'not_nsclc',
      phaseRank: Math.max(0, ...phases.map((p) => PHASE_RANK[p] ?? 0)),
      notTreatment: t.notTreatment ?? 0,
      phases,
      phaseMask: phaseMask(phases),
      targets: t.targets.filter((r) => r.gene !== 'PD-L1' && r.gene !== 'TMB'),
      siteVectors,
      siteOfVector,
    };
    const status = t.status.toUpperCase();
    const list = statusLists.get(status);
    if (list) list.push(ordinal);
    else statusLists.set(status, [ordinal]);
    trials.push(trial);
  }
  const byStatus = new Map<string, Int32Array>();
  for (const [status, list] of statusLists) byStatus.set(status, Int32Array.from(list));
  return {
    trials,
    criteria: core.predicates,
    labels: core.predicates.map(criterionLabel),
    byStatus,
    phaseMasks: Uint8Array.from(trials, (t) => t.phaseMask),
    notNsclc: Uint8Array.from(trials, (t) => (t.notNsclc ? 1 : 0)),
    grid: gridFromColumns(grid),
  };
}

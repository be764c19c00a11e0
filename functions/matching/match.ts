/**
 * `matchTrials`: a normalised request against the in-memory index → ranked results. Pure and
 * deterministic: same request, index and clock, same response.
 *
 * Order of work, cheapest first: status and phase filters (they never change a verdict,
 * rule 11); verdicts from a per-request cache of criterion statuses; distance to the nearest
 * referable site; ranking (`rankTrials`, on the index core alone); and only for the results
 * returned, the reasons, quotes and sites (`presentMatch`, from the trials' displays, which a
 * caller whose displays live in the store fetches in between: index-core.ts).
 *
 * Ranking (a clinician's order): eligible before possible (before excluded, when asked for);
 * a trial built for the patient's driver before an all-comers trial; a treatment trial before
 * a study that tests no treatment (registries, supportive care…); fewer unknowns; nearer
 * site; later phase; then NCT id so ties are stable.
 */
import type { BiomarkerRef, Predicate } from '#eligibility/facts.ts';
import type { MatchIndexEntry, Site } from '#store/types.ts';
import { criterionStatus, type ProfileView, prepareProfile } from './evaluate.ts';
import { dotToKm, unitVector } from './geo.ts';
import { type DisplayLookup, displayLookup, splitEntries } from './index-core.ts';
import { buildMatchIndex, type IndexedTrial, type MatchIndex, phaseMask } from './match-index.ts';
import type { NormalisedRequest, Understood } from './profile.ts';
import { nearestWithin } from './site-grid.ts';
import {
  type CohortVerdict,
  type Decision,
  type DiscussItem,
  decideFlat,
  explain,
  NOT_NSCLC,
  type Reason,
  STATUS_CODE,
  type Verdict,
  verdictRank,
} from './verdict.ts';

export { buildMatchIndex, type MatchIndex } from './match-index.ts';

/** An index whose displays are all in memory (tests, eval, benches, the GSI fallback). */
export interface ReadyIndex {
  index: MatchIndex;
  display: DisplayLookup;
}

/** Index and displays straight from full entries, in one pass. */
export function indexEntries(entries: readonly MatchIndexEntry[]): ReadyIndex {
  const { core, displays } = splitEntries(entries);
  return {
    index: buildMatchIndex(core),
    display: displayLookup((o) => displays[o]),
  };
}

export interface NearestSite {
  facility?: string | undefined;
  city?: string | undefined;
  state?: string | undefined;
  country?: string | undefined;
  zip?: string | undefined;
  status?: string | undefined;
  distanceKm: number;
  contact?:
    | { name?: string | undefined; phone?: string | undefined; email?: string | undefined }
    | undefined;
}

export interface MatchResult {
  nctId: string;
  title: string;
  url: string;
  status: string;
  phases: string[];
  lastUpdatePostDate: string;
  verdict: Verdict;
  /** The cohort the verdict is for, when the trial has cohorts. */
  cohort?: string | undefined;
  /** The trial is built for one of the patient's drivers (facts.targets). */
  targetsPatientDriver: boolean;
  /** False for a study that tests no treatment: a registry, supportive care, diagnosis… */
  treatmentStudy: boolean;
  reasons: Reason[];
  /** What the profile would need to state to settle the open criteria. */
  unknowns: string[];
  /** Criteria no profile can decide: to discuss with your doctor. */
  toDiscuss: DiscussItem[];
  /** Every cohort's verdict, when the trial has several. */
  cohorts?: CohortVerdict[] | undefined;
  /** Nearest referable site; null without a location or without sites with coordinates. */
  nearestSite: NearestSite | null;
  recruitingSiteCount: number;
}

export interface MatchResponse {
  results: MatchResult[];
  /** Trials passing the filters, by verdict (excluded counted even when not returned). */
  total: { eligible: number; possible: number; excluded: number };
  profile: Understood;
  dataSyncedAt: string | null;
  generatedAt: string;
}

interface Candidate {
  trial: IndexedTrial;
  decision: Decision;
  targeted: boolean;
  distanceKm: number;
  site: number;
}

const ctgovUrl = (nctId: string) => `https://clinicaltrials.gov/study/${nctId}`;

/** Does a target ref name one of the patient's positive drivers? */
function targetsDriver(targets: readonly BiomarkerRef[], view: ProfileView): boolean {
  for (const t of targets) {
    const g = view.genes.get(t.gene);
    if (!g) continue;
    if (t.alteration === undefined) {
      if (g.positive.size > 0 || g.positiveUnknownKind) return true;
    } else if (g.positive.has(t.alteration) || g.positiveUnknownKind) return true;
  }
  return false;
}

function nearest(
  trial: IndexedTrial,
  x: number,
  y: number,
  z: number,
): { km: number; site: number } {
  const v = trial.siteVectors;
  let bestDot = -2;
  let best = -1;
  for (let k = 0, n = v.length; k < n; k += 3) {
    const dot = (v[k] as number) * x + (v[k + 1] as number) * y + (v[k + 2] as number) * z;
    if (dot > bestDot) {
      bestDot = dot;
      best = k / 3;
    }
  }
  if (best < 0) return { km: Number.POSITIVE_INFINITY, site: -1 };
  return { km: dotToKm(bestDot), site: trial.siteOfVector[best] as number };
}

function siteView(s: Site, km: number): NearestSite {
  const out: NearestSite = { distanceKm: Math.round(km * 10) / 10 };
  if (s.facility !== undefined) out.facility = s.facility;
  if (s.city !== undefined) out.city = s.city;
  if (s.state !== undefined) out.state = s.state;
  if (s.country !== undefined) out.country = s.country;
  if (s.zip !== undefined) out.zip = s.zip;
  if (s.status !== undefined) out.status = s.status;
  if (s.contact !== undefined) out.contact = s.contact;
  return out;
}

/**
 * The ranking as one number per candidate, smaller first: verdict, driver and treatment
 * trial before a study that tests no treatment (4 bits), unknowns (8 bits, capped), distance in whole km
 * (15 bits), later phase first (3 bits), and the NCT-id ordinal (21 bits) so ties are stable.
 * 51 bits: exact in a double, and a native
 * numeric sort of a Float64Array is far cheaper than an object comparator.
 */
function rankKey(c: Candidate): number {
  const combo =
    (verdictRank(c.decision.verdict) * 2 + (c.targeted ? 0 : 1)) * 2 + c.trial.notTreatment;
  const unknown = Math.min(c.decision.unknown, 255);
  const km = Number.isFinite(c.distanceKm) ? Math.min(Math.round(c.distanceKm), 32_766) : 32_767;
  const phase = 7 - c.trial.phaseRank;
  return (((combo * 256 + unknown) * 32_768 + km) * 8 + phase) * 2_097_152 + c.trial.ordinal;
}

/** The returned trials in rank order, before their words are looked up. */
export interface Ranking {
  request: NormalisedRequest;
  index: MatchIndex;
  top: Candidate[];
  total: MatchResponse['total'];
  /** A trial's criterion statuses by criterion index, from this request's cache. */
  codesOf: (trial: IndexedTrial) => Uint8Array;
}

/** The ordinals whose displays `presentMatch` will read. */
export const rankedOrdinals = (r: Ranking): number[] => r.top.map((c) => c.trial.ordinal);

export function matchTrials(
  request: NormalisedRequest,
  ready: ReadyIndex,
  now: Date,
  ctx: { dataSyncedAt?: string | undefined } = {},
): MatchResponse {
  return presentMatch(rankTrials(request, ready.index), ready.display, now, ctx);
}

export function rankTrials(request: NormalisedRequest, index: MatchIndex): Ranking {
  const view = prepareProfile(request.profile);
  const cache = new Uint8Array(index.criteria.length);
  const loc = request.location;
  const [lx, ly, lz] = loc ? unitVector(loc.lat, loc.lon) : [0, 0, 0];
  const maxKm = loc?.maxDistanceKm;
  const total = { eligible: 0, possible: 0, excluded: 0 };
  const kept: Candidate[] = [];
  const criteria = index.criteria;
  const statusOfId = (id: number): number => {
    const code = STATUS_CODE[criterionStatus(criteria[id] as Predicate, view)];
    cache[id] = code;
    return code;
  };
  let codes = new Uint8Array(64);
  /** A trial's criterion statuses by criterion index (for its reasons). */
  const codesOf = (trial: IndexedTrial): Uint8Array => {
    const ids = trial.criterionIds;
    if (codes.length < ids.length) codes = new Uint8Array(ids.length * 2);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      codes[i] = cache[id] || statusOfId(id);
    }
    return codes;
  };

  // With a distance limit, the site grid finds every trial's nearest site within range at once.
  const within =
    loc && maxKm !== undefined
      ? nearestWithin(index.grid, loc.lat, loc.lon, maxKm, index.trials.length)
      : undefined;
  const wantedPhases = request.filters.phases ? phaseMask(request.filters.phases) : 0;

  const { phaseMasks, notNsclc, trials } = index;
  const includeExcluded = request.options.includeExcluded;
  for (const status of request.filters.statuses) {
    const ordinals = index.byStatus.get(status);
    if (!ordinals) continue;
    for (let k = 0; k < ordinals.length; k++) {
      const o = ordinals[k] as number;
      if (wantedPhases !== 0 && ((phaseMasks[o] as number) & wantedPhases) === 0) continue;
      let site = -1;
      if (within) {
        site = within.site[o] as number;
        if (site < 0) continue;
      }
      if (notNsclc[o] === 1) {
        total.excluded++;
        if (!includeExcluded) continue;
      }
      const trial = trials[o] as IndexedTrial;
      let decision = NOT_NSCLC;
      if (notNsclc[o] !== 1) {
        // Each distinct criterion is evaluated once per request, then read from the cache.
        const ids = trial.memberIds;
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i] as number;
          if (cache[id] === 0) statusOfId(id);
        }
        decision = decideFlat(trial.compiled.starts, ids, cache, trial.scopeUnknown);
        total[decision.verdict]++;
        if (decision.verdict === 'excluded' && !includeExcluded) continue;
      }
      let distanceKm = Number.POSITIVE_INFINITY;
      if (within) distanceKm = dotToKm(within.dot[o] as number);
      else if (loc) {
        const n = nearest(trial, lx, ly, lz);
        site = n.site;
        distanceKm = n.km;
      }
      kept.push({
        trial,
        decision,
        targeted: targetsDriver(trial.targets, view),
        distanceKm,
        site,
      });
    }
  }

  // Rank: numeric keys, native sort; the NCT ordinal in the key leads back to the candidate.
  const keys = new Float64Array(kept.length);
  const byOrdinal = new Int32Array(index.trials.length);
  for (let i = 0; i < kept.length; i++) {
    const c = kept[i] as Candidate;
    keys[i] = rankKey(c);
    byOrdinal[c.trial.ordinal] = i;
  }
  keys.sort();
  const take = Math.min(request.options.limit, keys.length);
  const top: Candidate[] = [];
  for (let i = 0; i < take; i++) {
    top.push(kept[byOrdinal[(keys[i] as number) % 2_097_152] as number] as Candidate);
  }

  return { request, index, top, total, codesOf };
}

export function presentMatch(
  ranking: Ranking,
  display: DisplayLookup,
  now: Date,
  ctx: { dataSyncedAt?: string | undefined } = {},
): MatchResponse {
  const { index, codesOf } = ranking;
  const results = ranking.top.map((c): MatchResult => {
    const { trial, decision } = c;
    const ids = trial.criterionIds;
    const words = display(trial.ordinal);
    const why = explain(
      trial.compiled,
      decision,
      codesOf(trial),
      words,
      (i) => index.labels[ids[i] as number] ?? '',
    );
    const t = trial.core;
    const site = c.site >= 0 ? words.sites[c.site] : undefined;
    const result: MatchResult = {
      nctId: t.nctId,
      title: t.title,
      url: ctgovUrl(t.nctId),
      status: t.status,
      phases: t.phases.slice(),
      lastUpdatePostDate: t.lastUpdatePostDate,
      verdict: why.verdict,
      targetsPatientDriver: c.targeted,
      treatmentStudy: trial.notTreatment === 0,
      reasons: why.reasons,
      unknowns: why.unknowns,
      toDiscuss: why.toDiscuss,
      nearestSite: site ? siteView(site, c.distanceKm) : null,
      recruitingSiteCount: t.siteCount,
    };
    if (why.cohort !== undefined) result.cohort = why.cohort;
    if (why.cohorts) result.cohorts = why.cohorts;
    return result;
  });

  return {
    results,
    total: ranking.total,
    profile: ranking.request.understood,
    dataSyncedAt: ctx.dataSyncedAt ?? null,
    generatedAt: now.toISOString(),
  };
}

/**
 * The matcher's index in two halves, so that a cold container loads only what deciding and
 * ranking take:
 * - the core (`IndexCore`): per trial its status, phases, scope, cohorts, targets, criterion
 *   predicates (interned: the same predicate across trials is stored and evaluated once) and
 *   site coordinates. A few hundred bytes a trial.
 * - the words (`TrialDisplay`): per trial the quote behind each criterion and the referable
 *   sites with their names and contacts. Most of the bytes, and needed only for the results a
 *   response returns, so they are fetched for those (`DisplaySource`: from each study's own
 *   stored entry, checked against the entry hash the core recorded) and kept once fetched.
 * Both halves come from the same entries in one pass (`splitEntries`), trials in NCT id order,
 * so a trial's position (its ordinal) addresses both.
 */
import type { BiomarkerRef, NsclcScope, Predicate } from '#eligibility/facts.ts';
import type { MatchIndexEntry, Site } from '#store/types.ts';
import { RECRUITING_SITE_STATUSES } from '#vocabulary/codes.ts';
import { allCriteria, type TrialWords } from './verdict.ts';

/** Changes when the core's shape changes: a stored core of another format is not read. */
export const INDEX_CORE_FORMAT = 2;

export interface CoreTrial {
  nctId: string;
  title: string;
  status: string;
  phases: string[];
  lastUpdatePostDate: string;
  /**
   * 1 when the study does not test a treatment: observational (registries, cohorts), or
   * interventional for supportive care, diagnosis, screening, prevention… Ranked after
   * treatment trials of the same verdict and driver, and said so in the result.
   */
  notTreatment?: 1 | undefined;
  scope: NsclcScope;
  /** TrialFacts.cohorts. */
  cohorts: string[];
  /** Interned predicate ids (IndexCore.predicates) of the trial's criteria, in order. */
  criteria: number[];
  /** Cohort labels of the criteria that have them, as [criterion index, labels]. */
  scoped?: [number, string[]][] | undefined;
  targets: BiomarkerRef[];
  /** lat, lon and site index (into TrialDisplay.sites) of every referable site with coordinates. */
  geo: number[];
  /** Referable sites, with or without coordinates. */
  siteCount: number;
  /** The stored entry's hash (a prefix): its words are fetched only from that same entry. */
  hash?: string | undefined;
}

export interface IndexCore {
  format: typeof INDEX_CORE_FORMAT;
  predicates: Predicate[];
  /** In NCT id order. */
  trials: CoreTrial[];
}

/** A trial's words and referable sites, aligned with its CoreTrial. */
export interface TrialDisplay extends TrialWords {
  sites: Site[];
}

export type DisplayLookup = (ordinal: number) => TrialDisplay;

/** Where the words of returned results come from: memory, or fetched once per group. */
export interface DisplaySource {
  load(ordinals: readonly number[]): Promise<DisplayLookup>;
}

const referable = (s: Site): boolean =>
  s.status === undefined || RECRUITING_SITE_STATUSES.includes(s.status.toUpperCase());

/** About 11 m: finer than any site's address, and it keeps the core small. */
const coordinate = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * A predicate's identity for evaluation: everything but its words and cohort labels. Key order
 * is whatever the extractor wrote; two equal predicates written in different orders only cost
 * a second evaluation, never a wrong one.
 */
function predicateKey(p: Predicate): string {
  if (p.kind === 'unclassified') return `${p.effect}:${p.topic ?? ''}`;
  const { cohorts: _c, ...rest } = p;
  return JSON.stringify(rest);
}

/** Entry hashes are compared, never trusted for security: 64 bits tell versions apart. */
export const HASH_CHARS = 16;

export function splitEntries(
  entries: readonly MatchIndexEntry[],
  /** The stored entry's hash, recorded in the core for fetching its words later. */
  hashOf?: (entry: MatchIndexEntry) => string,
): {
  core: IndexCore;
  displays: TrialDisplay[];
} {
  const ids = new Map<string, number>();
  const predicates: Predicate[] = [];
  const trials: CoreTrial[] = [];
  const displays: TrialDisplay[] = [];
  const sorted = [...entries].sort((a, b) => (a.nctId < b.nctId ? -1 : a.nctId > b.nctId ? 1 : 0));
  for (const entry of sorted) {
    const criteria = allCriteria(entry.facts, entry);
    const criterionIds: number[] = [];
    const scoped: [number, string[]][] = [];
    criteria.forEach((c, i) => {
      const { evidence: _e, cohorts, ...rest } = c;
      const predicate = rest as Predicate;
      const key = predicateKey(predicate);
      let id = ids.get(key);
      if (id === undefined) {
        id = predicates.length;
        ids.set(key, id);
        predicates.push(predicate);
      }
      criterionIds.push(id);
      if (cohorts && cohorts.length > 0) scoped.push([i, cohorts]);
    });
    const sites = entry.sites.filter(referable);
    const geo: number[] = [];
    sites.forEach((s, i) => {
      if (typeof s.lat === 'number' && typeof s.lon === 'number')
        geo.push(coordinate(s.lat), coordinate(s.lon), i);
    });
    const trial: CoreTrial = {
      nctId: entry.nctId,
      title: entry.title,
      status: entry.overallStatus,
      phases: entry.phases,
      lastUpdatePostDate: entry.lastUpdatePostDate,
      scope: entry.facts.scope.value,
      cohorts: entry.facts.cohorts,
      criteria: criterionIds,
      targets: entry.facts.targets,
      geo,
      siteCount: sites.length,
    };
    if (!isTreatmentStudy(entry)) trial.notTreatment = 1;
    if (scoped.length > 0) trial.scoped = scoped;
    if (hashOf) trial.hash = hashOf(entry).slice(0, HASH_CHARS);
    trials.push(trial);
    displays.push(displayOf(entry, criteria, sites));
  }
  return { core: { format: INDEX_CORE_FORMAT, predicates, trials }, displays };
}

/** A treatment trial: interventional, for treatment (or without a stated purpose). */
export const isTreatmentStudy = (e: Pick<MatchIndexEntry, 'studyType' | 'primaryPurpose'>) =>
  e.studyType !== 'OBSERVATIONAL' &&
  (e.primaryPurpose === undefined || e.primaryPurpose === 'TREATMENT');

/** One entry's words, in the order splitEntries gives its criteria and sites. */
export function displayOf(
  entry: MatchIndexEntry,
  criteria = allCriteria(entry.facts, entry),
  sites = entry.sites.filter(referable),
): TrialDisplay {
  const display: TrialDisplay = { evidence: criteria.map((c) => c.evidence), sites };
  if (entry.facts.scope.evidence) display.scope = entry.facts.scope.evidence;
  return display;
}

export function displaysInMemory(displays: readonly TrialDisplay[]): DisplaySource {
  const lookup = displayLookup((o) => displays[o]);
  return { load: async () => lookup };
}

/** A lookup over displays in hand; asking for one not loaded is a bug of the caller. */
export function displayLookup(find: (ordinal: number) => TrialDisplay | undefined): DisplayLookup {
  return (ordinal) => {
    const d = find(ordinal);
    if (!d) throw new RangeError(`no display loaded for trial ordinal ${ordinal}`);
    return d;
  };
}

/** The words are gone from the store (a newer snapshot replaced them): reload the index. */
export class DisplayGoneError extends Error {
  override name = 'DisplayGoneError';
}

/** A stored entry as fetched for its words, with the hash it was stored under. */
export interface StoredEntry {
  hash: string;
  entry: MatchIndexEntry;
}

/**
 * Displays fetched from each trial's stored entry on first need, and kept. An entry whose hash
 * differs from the core's has changed since the index was built: its words may no longer fit
 * the criteria in memory, so it is refused (DisplayGoneError) and the caller reloads. A failed
 * fetch is not kept, so the next request tries again.
 */
export function displaysFromStore(
  core: IndexCore,
  fetch: (nctIds: string[]) => Promise<Map<string, StoredEntry>>,
): DisplaySource {
  const kept = new Map<number, Promise<TrialDisplay>>();
  return {
    async load(ordinals) {
      const missing = [...new Set(ordinals)].filter((o) => !kept.has(o) && core.trials[o]);
      if (missing.length > 0) {
        const fetched = fetch(missing.map((o) => (core.trials[o] as CoreTrial).nctId));
        for (const o of missing) {
          const t = core.trials[o] as CoreTrial;
          const one = fetched.then((found) => {
            const stored = found.get(t.nctId);
            if (!stored || (t.hash !== undefined && !stored.hash.startsWith(t.hash)))
              throw new DisplayGoneError(`${t.nctId} changed since the index was built`);
            return displayOf(stored.entry);
          });
          one.catch(() => kept.delete(o));
          kept.set(o, one);
        }
      }
      const loaded = new Map<number, TrialDisplay>();
      for (const o of ordinals) {
        const d = kept.get(o);
        if (d) loaded.set(o, await d);
      }
      return displayLookup((o) => loaded.get(o));
    },
  };
}

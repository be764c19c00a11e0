/**
 * The matcher's index in two halves, so that a cold container loads only what deciding and
 * ranking take:
 * - the core (`IndexCore`): per trial its status, phases, scope, cohorts, targets, criterion
 *   predicates (interned: the same predicate across trials is stored and evaluated once) and
 *   site coordinates. A few hundred bytes a trial.
 * - the words (`TrialDisplay`): per trial the quote behind each criterion and the referable
 *   sites with their names and contacts. Most of the bytes, and needed only for the results a
 *   response returns, so they are fetched for those (`DisplaySource`) and kept once fetched.
 * Both halves come from the same entries in one pass (`splitEntries`), trials in NCT id order,
 * so a trial's position (its ordinal) addresses both.
 */
import type { BiomarkerRef, NsclcScope, Predicate } from '#eligibility/facts.ts';
import type { MatchIndexEntry, Site } from '#store/types.ts';
import { RECRUITING_SITE_STATUSES } from '#vocabulary/codes.ts';
import { allCriteria, type TrialWords } from './verdict.ts';

/** Changes when the core's shape changes: a stored core of another format is not read. */
export const INDEX_CORE_FORMAT = 1;

export interface CoreTrial {
  nctId: string;
  title: string;
  status: string;
  phases: string[];
  lastUpdatePostDate: string;
  /** 1 for an observational study (registries, cohorts): ranked after treatment trials. */
  observational?: 1 | undefined;
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
  if (p.kind === 'unclassified') return p.effect;
  const { cohorts: _c, ...rest } = p;
  return JSON.stringify(rest);
}

export function splitEntries(entries: readonly MatchIndexEntry[]): {
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
    if (entry.studyType === 'OBSERVATIONAL') trial.observational = 1;
    if (scoped.length > 0) trial.scoped = scoped;
    trials.push(trial);
    const display: TrialDisplay = { evidence: criteria.map((c) => c.evidence), sites };
    if (entry.facts.scope.evidence) display.scope = entry.facts.scope.evidence;
    displays.push(display);
  }
  return { core: { format: INDEX_CORE_FORMAT, predicates, trials }, displays };
}

export function displaysInMemory(displays: readonly TrialDisplay[]): DisplaySource {
  const lookup = displayLookup((o) => displays[o]);
  return { load: async () => lookup };
}

function displayLookup(find: (ordinal: number) => TrialDisplay | undefined): DisplayLookup {
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

/**
 * Displays stored in groups of `groupSize` consecutive ordinals, fetched group by group on
 * first need and kept: a snapshot never changes, so nothing fetched goes out of date. A failed
 * fetch is forgotten, so the next request tries again.
 */
export function displaysInGroups(
  groupSize: number,
  fetchGroups: (groups: number[]) => Promise<Map<number, TrialDisplay[]>>,
): DisplaySource {
  const groups = new Map<number, Promise<TrialDisplay[]>>();
  return {
    async load(ordinals) {
      const wanted = [...new Set(ordinals.map((o) => Math.floor(o / groupSize)))];
      const missing = wanted.filter((g) => !groups.has(g));
      if (missing.length > 0) {
        const fetched = fetchGroups(missing);
        for (const g of missing) {
          const one = fetched.then((m) => {
            const list = m.get(g);
            if (!list) throw new DisplayGoneError(`display group ${g} is not in the store`);
            return list;
          });
          one.catch(() => groups.delete(g));
          groups.set(g, one);
        }
      }
      const loaded = new Map<number, TrialDisplay[]>();
      for (const g of wanted) loaded.set(g, await (groups.get(g) as Promise<TrialDisplay[]>));
      return displayLookup((o) => loaded.get(Math.floor(o / groupSize))?.[o % groupSize]);
    },
  };
}

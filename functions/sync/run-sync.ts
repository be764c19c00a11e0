/**
 * One sync run: ClinicalTrials.gov → schema → extractor → store, a page at a time.
 *
 * Resumable: after every page the cursor (query key + next pageToken + running counts) is
 * written to SYNC/STATE, so a run cut short (Lambda deadline, crash) continues where it
 * stopped on the next invocation. Re-reading a page is harmless because upserts are
 * idempotent; that is also why a dead page token simply restarts its query from page one.
 * Nothing here knows about AWS or HTTP details: the client and the repository are injected.
 */
import type { CtgovClient, StudiesQuery } from '#ctgov/client-types.ts';
import { nsclcQueries, queryKey, queryName } from '#ctgov/nsclc-query.ts';
import type { Study } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import type { SyncRepository, SyncState } from '#store/types.ts';

export type SyncMode = 'incremental' | 'full';
export type SyncLog = (line: Record<string, unknown>) => void;

export interface SyncProgress {
  mode: SyncMode;
  query: string;
  queryIndex: number;
  queries: number;
  /** Pages done in this run (across resumed invocations). */
  pages: number;
  studies: number;
  written: number;
  /** The current query's total, when the API reported it. */
  totalCount?: number | undefined;
}

export interface RunSyncOptions {
  client: CtgovClient;
  repo: SyncRepository;
  extract: (study: Study) => TrialFacts;
  /** 'auto': a full sweep when the last one is over `fullSweepEveryDays` old, else incremental. */
  mode: SyncMode | 'auto';
  fullSweepEveryDays?: number | undefined;
  /** Aborting stops the run at its next checkpoint (like the deadline), to be resumed later. */
  signal?: AbortSignal | undefined;
  /** Wall-clock for dates written to the state. */
  now?: () => Date;
  log?: SyncLog;
  /** Epoch ms by which this invocation must have stopped (Lambda: now + remaining time). */
  deadlineMs?: number | undefined;
  /** Milliseconds clock the deadline is compared with (tests drive it). Default Date.now. */
  clock?: () => number;
  /** Stop when less than this is left before the deadline; default max(15 s, 2 × slowest page). */
  reserveMs?: number | undefined;
  /** Run even if the API's dataTimestamp has not changed. */
  force?: boolean | undefined;
  onProgress?: (p: SyncProgress) => void;
  /** The query set; default nsclcQueries. */
  queries?: (updatedSince?: string) => StudiesQuery[];
  pageSize?: number | undefined;
  /** Days the incremental window overlaps the previous run (LastUpdatePostDate is per day). */
  overlapDays?: number | undefined;
  /** Earlier rejected records re-fetched (one request each) at the start of a new run. */
  retryRejectedLimit?: number | undefined;
}

export interface SyncSummary {
  status: 'completed' | 'skipped' | 'paused';
  mode: SyncMode;
  resumed: boolean;
  dataTimestamp: string;
  pages: number;
  studies: number;
  written: number;
  unchanged: number;
  older: number;
  rejected: number;
  rejectedIds: string[];
  restarts: number;
  staleMarked: string[];
  indexVersion?: string | undefined;
  indexPublished: boolean;
  trialCount?: number | undefined;
  elapsedMs: number;
}

type Counts = Required<NonNullable<SyncState['counts']>>;
type Cursor = NonNullable<SyncState['cursor']>;
type Rejected = NonNullable<SyncState['rejected']>[number];

const zeroCounts = (): Counts => ({
  studies: 0,
  written: 0,
  unchanged: 0,
  stale: 0,
  pages: 0,
  older: 0,
  rejected: 0,
  restarts: 0,
});

/** How many rejected records the state keeps (ids and a short reason). */
const MAX_REJECTED = 200;

function resolveMode(options: RunSyncOptions, state: SyncState, at: Date): SyncMode {
  if (options.mode !== 'auto') return options.mode;
  if (!state.lastFullSweepAt) return 'full';
  const ageDays = (at.getTime() - Date.parse(state.lastFullSweepAt)) / 86_400_000;
  return ageDays >= (options.fullSweepEveryDays ?? 7) ? 'full' : 'incremental';
}

export function dayMinus(iso: string, days: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** A 400 on a request that carried a pageToken: the token died (data refresh), not our query. */
function isDeadToken(err: unknown): boolean {
  const status = (err as { status?: unknown; details?: { status?: unknown } })?.status;
  return status === 400;
}

const nctIdOf = (s: Study) => s.protocolSection.identificationModule.nctId;

export async function runSync(options: RunSyncOptions): Promise<SyncSummary> {
  const progress: { counts?: Counts } = {};
  try {
    return await runSteps(options, progress);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    const now = options.now ?? (() => new Date());
    // The cursor stays: the next invocation resumes from the last checkpoint.
    await options.repo
      .putSyncState({
        running: false,
        lastError: { at: now().toISOString(), message: message.slice(0, 1000) },
      })
      .catch(() => {});
    options.log?.({
      level: 'error',
      event: 'sync.failed',
      message: message.slice(0, 500),
      ...(progress.counts ? countsLine(progress.counts) : {}),
    });
    throw err;
  }
}

async function runSteps(
  options: RunSyncOptions,
  progress: { counts?: Counts },
): Promise<SyncSummary> {
  const { client, repo, extract } = options;
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? Date.now;
  const log: SyncLog = options.log ?? (() => {});
  const buildQueries = options.queries ?? nsclcQueries;
  const startedMs = clock();

  const state = await repo.getSyncState();
  const version = await client.version();

  const requested = resolveMode(options, state, now());
  let cursor: Cursor | undefined = state.cursor;
  // The weekly sweep supersedes an unfinished incremental run; an unfinished sweep is
  // finished before anything else, whatever mode was asked for.
  if (cursor && requested === 'full' && cursor.mode === 'incremental') cursor = undefined;
  const resumed = cursor !== undefined;
  let counts: Counts;
  let rejected: Rejected[] = [...(state.rejected ?? [])];

  if (!cursor) {
    const mode: SyncMode = requested === 'incremental' && !state.lastSuccessAt ? 'full' : requested;
    const lastSeenTimestamp = mode === 'full' ? state.fullSweepDataTimestamp : state.dataTimestamp;
    if (!options.force && lastSeenTimestamp === version.dataTimestamp) {
      const summary = emptySummary('skipped', mode, version.dataTimestamp, clock() - startedMs);
      log({ level: 'info', event: 'sync.skipped', mode, dataTimestamp: version.dataTimestamp });
      return summary;
    }
    const since = mode === 'incremental' ? state.updatedSince : undefined;
    const first = buildQueries(since)[0];
    cursor = {
      mode,
      query: first ? queryKey(first) : '',
      startedAt: now().toISOString(),
      since,
      dataTimestamp: version.dataTimestamp,
      page: 0,
    };
    counts = zeroCounts();
    await repo.putSyncState({ cursor, counts, running: true });
    log({ level: 'info', event: 'sync.start', mode, since, dataTimestamp: version.dataTimestamp });
    // Records rejected last time are asked for again one by one: the incremental window may
    // never include them again, and schema drift is often fixed upstream within days.
    const retried = await retryRejected(options, rejected, now);
    rejected = retried.rejected;
    counts.written += retried.written;
  } else {
    counts = { ...zeroCounts(), ...state.counts };
    await repo.putSyncState({ running: true });
    log({
      level: 'info',
      event: 'sync.resume',
      mode: cursor.mode,
      query: cursor.query,
      page: cursor.page ?? 0,
    });
  }

  progress.counts = counts;
  const run = cursor;
  const sweepId = run.startedAt;
  let slowestPageMs = 0;
  const seenHere = new Set<string>();
  let rejectedChanged = false;

  const stopForDeadline = () => {
    if (options.signal?.aborted) return true;
    if (options.deadlineMs === undefined) return false;
    const reserve = options.reserveMs ?? Math.max(15_000, 2 * slowestPageMs);
    return clock() + reserve >= options.deadlineMs;
  };

  const queries = buildQueries(run.since);
  let qi = queries.findIndex((q) => queryKey(q) === run.query);
  let token = run.pageToken;
  let page = run.page ?? 0;
  if (page === -1)
    qi = queries.length; // crashed during the wrap-up: only that is left
  else if (qi < 0) {
    // The query set changed under an open cursor: start its sweep over (upserts are idempotent).
    log({ level: 'warn', event: 'sync.cursor-reset', query: run.query });
    qi = 0;
    token = undefined;
    page = 0;
  }

  for (; qi < queries.length; qi++) {
    const base = queries[qi] as StudiesQuery;
    const key = queryKey(base);
    const name = queryName(base);
    const query: StudiesQuery = options.pageSize ? { ...base, pageSize: options.pageSize } : base;
    let restarted = false;
    let totalCount: number | undefined;

    for (;;) {
      if (stopForDeadline()) {
        await repo.putSyncState({
          cursor: { ...run, query: key, pageToken: token, page },
          counts,
          running: false,
          ...(rejectedChanged ? { rejected } : {}),
        });
        const published = await repo.publishIndex();
        const summary = summarise(
          'paused',
          run,
          counts,
          rejected,
          [],
          published?.indexVersion,
          !!published,
          resumed,
          undefined,
          clock() - startedMs,
        );
        log({
          level: 'info',
          event: 'sync.paused',
          query: name,
          page,
          ...countsLine(counts),
          elapsedMs: summary.elapsedMs,
        });
        return summary;
      }

      const pageStarted = clock();
      let result: Awaited<ReturnType<CtgovClient['searchPage']>>;
      try {
        result = await client.searchPage(query, token);
      } catch (err) {
        if (token && isDeadToken(err) && !restarted) {
          restarted = true;
          counts.restarts++;
          log({
            level: 'warn',
            event: 'sync.token-restart',
            query: name,
            page,
            message: (err as Error).message.slice(0, 300),
          });
          token = undefined;
          page = 0;
          continue;
        }
        throw err;
      }
      page++;
      if (result.totalCount !== undefined) totalCount = result.totalCount;

      const items: { study: Study; facts: TrialFacts; rawJson?: string | undefined }[] = [];
      let duplicates = 0;
      result.studies.forEach((study, i) => {
        const id = nctIdOf(study);
        if (seenHere.has(id)) {
          duplicates++;
          return;
        }
        seenHere.add(id);
        try {
          items.push({ study, facts: extract(study), rawJson: result.rawJson?.[i] });
        } catch (err) {
          result.rejected.push({ nctId: id, message: `extractor: ${(err as Error).message}` });
        }
      });
      const outcomes = await repo.upsertStudies(items);
      const pageCounts = { written: 0, unchanged: duplicates, older: 0 };
      for (const o of outcomes) pageCounts[o]++;

      const storedIds = new Set(items.map((i) => nctIdOf(i.study)));
      if (result.rejected.length > 0) {
        rejectedChanged = true;
        const at = now().toISOString();
        const byId = new Map(rejected.map((r) => [r.nctId, r]));
        for (const r of result.rejected)
          byId.set(r.nctId, { nctId: r.nctId, message: r.message.slice(0, 300), at });
        rejected = [...byId.values()].slice(-MAX_REJECTED);
      }
      if (rejected.some((r) => storedIds.has(r.nctId))) {
        rejectedChanged = true;
        rejected = rejected.filter((r) => !storedIds.has(r.nctId));
      }
      if (run.mode === 'full') {
        // Rejected records were seen too: a record that fails the schema has not left the query.
        await repo.recordSeen(sweepId, [
          ...result.studies.map(nctIdOf),
          ...result.rejected.map((r) => r.nctId),
        ]);
      }

      counts.pages++;
      counts.studies += result.studies.length;
      counts.written += pageCounts.written;
      counts.unchanged += pageCounts.unchanged;
      counts.older += pageCounts.older;
      counts.rejected += result.rejected.length;

      token = result.nextPageToken;
      // The API hands out a token whenever a page is full, even if nothing follows.
      const queryDone = !token || (result.studies.length === 0 && result.rejected.length === 0);
      const next = queries[qi + 1];
      const checkpoint: Cursor =
        queryDone && next
          ? { ...run, query: queryKey(next), pageToken: undefined, page: 0 }
          : { ...run, query: key, pageToken: queryDone ? undefined : token, page };
      if (queryDone && !next) checkpoint.page = -1; // every query done; only the wrap-up is left
      await repo.putSyncState({
        cursor: checkpoint,
        counts,
        ...(rejectedChanged ? { rejected } : {}),
      });

      const pageMs = clock() - pageStarted;
      slowestPageMs = Math.max(slowestPageMs, pageMs);
      log({
        level: 'info',
        event: 'sync.page',
        query: name,
        page,
        studies: result.studies.length,
        written: pageCounts.written,
        unchanged: pageCounts.unchanged,
        older: pageCounts.older,
        rejected: result.rejected.map((r) => r.nctId),
        pageMs,
        elapsedMs: clock() - startedMs,
      });
      options.onProgress?.({
        mode: run.mode,
        query: name,
        queryIndex: qi,
        queries: queries.length,
        pages: counts.pages,
        studies: counts.studies,
        written: counts.written,
        totalCount,
      });
      if (queryDone) break;
    }
    token = undefined;
    page = 0;
  }

  // Wrap-up: stale marking (full sweep), the index snapshot, the run's final state.
  let staleMarked: string[] = [];
  let lastError: SyncState['lastError'];
  if (run.mode === 'full') {
    try {
      staleMarked = await repo.markUnseenStale(sweepId);
      counts.stale = staleMarked.length;
    } catch (err) {
      lastError = { at: now().toISOString(), message: (err as Error).message };
      log({ level: 'error', event: 'sync.stale-refused', message: lastError.message });
    }
  }
  const published = await repo.publishIndex();
  const trialCount = await repo.countActive();
  const doneAt = now().toISOString();
  const finalState = await repo.getSyncState();
  const summary = summarise(
    'completed',
    run,
    counts,
    rejected,
    staleMarked,
    published?.indexVersion ?? finalState.indexVersion,
    !!published,
    resumed,
    trialCount,
    clock() - startedMs,
  );
  await repo.putSyncState({
    cursor: undefined,
    running: false,
    dataTimestamp: run.dataTimestamp ?? version.dataTimestamp,
    lastSuccessAt: doneAt,
    updatedSince: dayMinus(run.startedAt, options.overlapDays ?? 1),
    counts,
    trialCount,
    rejected,
    lastRun: { ...summary, staleMarked: staleMarked.slice(0, 200) },
    ...(run.mode === 'full'
      ? {
          lastFullSweepAt: doneAt,
          fullSweepDataTimestamp: run.dataTimestamp ?? version.dataTimestamp,
        }
      : {}),
    ...(lastError ? { lastError } : {}),
  });
  log({
    level: 'info',
    event: 'sync.done',
    ...summary,
    rejectedIds: summary.rejectedIds.slice(0, 50),
    staleMarked: staleMarked.slice(0, 50),
  });
  return summary;
}

async function retryRejected(
  options: RunSyncOptions,
  rejected: Rejected[],
  now: () => Date,
): Promise<{ rejected: Rejected[]; written: number }> {
  const limit = options.retryRejectedLimit ?? 25;
  if (rejected.length === 0 || limit === 0) return { rejected, written: 0 };
  const keep: Rejected[] = [];
  let written = 0;
  for (const [i, r] of rejected.entries()) {
    if (i >= limit) {
      keep.push(r);
      continue;
    }
    try {
      const study = await options.client.getStudy(r.nctId);
      if (!study) continue; // gone from the registry: nothing to keep trying
      const [outcome] = await options.repo.upsertStudies([
        { study, facts: options.extract(study) },
      ]);
      if (outcome === 'written') written++;
    } catch (err) {
      keep.push({
        nctId: r.nctId,
        message: (err as Error).message.slice(0, 300),
        at: now().toISOString(),
      });
    }
  }
  options.log?.({
    level: 'info',
    event: 'sync.rejected-retried',
    asked: Math.min(limit, rejected.length),
    stillRejected: keep.length,
  });
  return { rejected: keep, written };
}

function countsLine(c: Counts) {
  return {
    pages: c.pages,
    studies: c.studies,
    written: c.written,
    unchanged: c.unchanged,
    older: c.older,
    rejected: c.rejected,
  };
}

function emptySummary(
  status: SyncSummary['status'],
  mode: SyncMode,
  dataTimestamp: string,
  elapsedMs: number,
): SyncSummary {
  return {
    status,
    mode,
    resumed: false,
    dataTimestamp,
    pages: 0,
    studies: 0,
    written: 0,
    unchanged: 0,
    older: 0,
    rejected: 0,
    rejectedIds: [],
    restarts: 0,
    staleMarked: [],
    indexPublished: false,
    elapsedMs,
  };
}

function summarise(
  status: SyncSummary['status'],
  run: Cursor,
  c: Counts,
  rejected: Rejected[],
  staleMarked: string[],
  indexVersion: string | undefined,
  indexPublished: boolean,
  resumed: boolean,
  trialCount: number | undefined,
  elapsedMs: number,
): SyncSummary {
  return {
    status,
    mode: run.mode,
    resumed,
    dataTimestamp: run.dataTimestamp ?? '',
    pages: c.pages,
    studies: c.studies,
    written: c.written,
    unchanged: c.unchanged,
    older: c.older,
    rejected: c.rejected,
    rejectedIds: rejected.map((r) => r.nctId),
    restarts: c.restarts,
    staleMarked,
    indexVersion,
    indexPublished,
    trialCount,
    elapsedMs,
  };
}

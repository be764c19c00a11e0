/**
 * The matcher's in-memory index, loaded once per container and refreshed when the sync
 * state's `indexVersion` changes. The sync state is read at most once per interval;
 * concurrent requests share one read and one load; a failed refresh keeps serving the
 * index already in memory (and is logged). Only a container with no index yet fails.
 *
 * A sync bumps the version as it writes and publishes the snapshot when it finishes or
 * pauses. Until then the new version can only be read the slow way (every active entry), so
 * a container waits for the snapshot, for at most `unpublishedGraceMs`: long enough for a
 * sync to finish, short enough that a publish that keeps failing cannot freeze the index.
 * A warm container keeps the index it has; a cold one loads the last published snapshot.
 * Either way it is at most one sync behind, and both serve the same index.
 */
import { ServiceUnavailableError } from '#http/errors.ts';
import { errorFields, type Logger } from '#http/log.ts';
import type { LoadedIndex, StudyRepository, SyncState } from '#store/types.ts';

export interface IndexSnapshot<I> {
  index: I;
  /** The sync state's indexVersion the index was loaded under (undefined before any sync). */
  version: string | undefined;
  loadedAt: number;
  trialCount: number;
  loadMs: number;
  /** Where it was read from: the published snapshot, or every active entry (the fallback). */
  source: LoadedIndex['source'];
}

export interface IndexCacheOptions<I> {
  repo: Pick<StudyRepository, 'loadMatchIndex' | 'getSyncState'>;
  build: (loaded: LoadedIndex) => I;
  /** Epoch milliseconds. */
  now: () => number;
  refreshIntervalMs: number;
  /** How long a loaded container waits for a new version's snapshot before reading it anyway. */
  unpublishedGraceMs: number;
  log: Logger;
}

export class MatchIndexCache<I> {
  private snapshot: IndexSnapshot<I> | undefined;
  private state: SyncState | undefined;
  private stateReadAt = Number.NEGATIVE_INFINITY;
  private reloadTriedAt = Number.NEGATIVE_INFINITY;
  private stateInFlight: Promise<SyncState | undefined> | undefined;
  private loadInFlight: Promise<IndexSnapshot<I>> | undefined;
  /** When a version without a snapshot was first seen (undefined: none pending). */
  private unpublishedSince: number | undefined;

  constructor(private readonly options: IndexCacheOptions<I>) {}

  /** The index to match against, loading or refreshing it first when due. */
  async current(): Promise<IndexSnapshot<I>> {
    const state = await this.syncState();
    const snapshot = this.snapshot;
    if (!snapshot) return this.load(state);
    const changed = state !== undefined && state.indexVersion !== snapshot.version;
    if (!changed || !this.worthLoading(state)) return snapshot;
    const due = this.options.now() - this.reloadTriedAt >= this.options.refreshIntervalMs;
    if (!(due || this.loadInFlight)) return snapshot;
    try {
      return await this.load(state);
    } catch {
      return snapshot; // logged by load(); keep serving what we have
    }
  }

  /** A new version is loaded once its snapshot is published, or when none came in the grace. */
  private worthLoading(state: SyncState): boolean {
    if (state.indexSnapshot?.version === state.indexVersion) {
      this.unpublishedSince = undefined;
      return true;
    }
    const now = this.options.now();
    this.unpublishedSince ??= now;
    return now - this.unpublishedSince >= this.options.unpublishedGraceMs;
  }

  /** The sync state as last read (re-read when older than the interval); undefined if never readable. */
  async syncState(): Promise<SyncState | undefined> {
    if (this.options.now() - this.stateReadAt < this.options.refreshIntervalMs) return this.state;
    this.stateInFlight ??= this.readState().finally(() => {
      this.stateInFlight = undefined;
    });
    return this.stateInFlight;
  }

  /** Records a sync state read elsewhere (e.g. by /health), so every response agrees with it. */
  observeSyncState(state: SyncState): void {
    this.state = state;
    this.stateReadAt = this.options.now();
  }

  /**
   * Re-reads the sync state and loads its index now, whatever the interval: for when the
   * index in memory has been found out of date (its snapshot is gone from the store).
   */
  async reload(): Promise<IndexSnapshot<I>> {
    this.stateReadAt = Number.NEGATIVE_INFINITY;
    // The published snapshot is what went out of date: read the current entries.
    this.unpublishedSince ??= Number.NEGATIVE_INFINITY;
    return this.load(await this.syncState());
  }

  /** What is in memory now, without loading anything (for /health). */
  peek(): IndexSnapshot<I> | undefined {
    return this.snapshot;
  }

  private async readState(): Promise<SyncState | undefined> {
    try {
      this.state = await this.options.repo.getSyncState();
    } catch (error) {
      this.options.log(
        'warn',
        'sync state read failed; using the last one read',
        errorFields(error),
      );
    }
    this.stateReadAt = this.options.now();
    return this.state;
  }

  private load(state: SyncState | undefined): Promise<IndexSnapshot<I>> {
    this.loadInFlight ??= this.doLoad(state).finally(() => {
      this.loadInFlight = undefined;
    });
    return this.loadInFlight;
  }

  private async doLoad(state: SyncState | undefined): Promise<IndexSnapshot<I>> {
    const { now, log, repo, build } = this.options;
    this.reloadTriedAt = now();
    const started = performance.now();
    const previous = this.snapshot;
    try {
      // Until a wait for a publish has run out, the last published snapshot will do.
      const loaded = await repo.loadMatchIndex({
        acceptPublished: this.unpublishedSince === undefined,
      });
      const version = loaded.version ?? state?.indexVersion;
      const behind = state?.indexVersion !== undefined && version !== state.indexVersion;
      this.unpublishedSince = behind ? now() : undefined;
      const index = build(loaded);
      const trials = loaded.core.trials.length;
      const loadMs = Math.round((performance.now() - started) * 10) / 10;
      this.snapshot = {
        index,
        version,
        loadedAt: now(),
        trialCount: trials,
        loadMs,
        source: loaded.source,
      };
      log('info', previous ? 'match index refreshed' : 'match index loaded', {
        indexVersion: version ?? null,
        currentVersion: state?.indexVersion ?? null,
        previousVersion: previous?.version ?? null,
        trials,
        source: loaded.source,
        loadMs,
      });
      return this.snapshot;
    } catch (error) {
      log(
        'error',
        previous
          ? 'match index refresh failed; serving the previous index'
          : 'match index load failed',
        {
          indexVersion: state?.indexVersion ?? null,
          servingVersion: previous?.version ?? null,
          ...errorFields(error),
        },
      );
      if (previous) throw error;
      throw new ServiceUnavailableError('match index could not be loaded', { cause: error });
    }
  }
}

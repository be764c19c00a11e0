/**
 * The store's contract: what the write path (sync) and the read path (API, matcher index)
 * need from persistence. No AWS types here; `dynamo-repository.ts` implements it.
 */

import type { Study } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import type { DisplaySource, IndexCore } from '#matching/index-core.ts';

/** A site as the matcher needs it: compact, with the contact to show. */
export interface Site {
  facility?: string | undefined;
  city?: string | undefined;
  state?: string | undefined;
  zip?: string | undefined;
  country?: string | undefined;
  status?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
  contact?:
    | { name?: string | undefined; phone?: string | undefined; email?: string | undefined }
    | undefined;
}

/** One trial in the matcher's in-memory index: everything `match()` needs, nothing more. */
export interface MatchIndexEntry {
  nctId: string;
  title: string;
  overallStatus: string;
  phases: string[];
  conditions: string[];
  lastUpdatePostDate: string;
  minimumAge?: string | undefined;
  maximumAge?: string | undefined;
  sex?: string | undefined;
  /** INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS (absent in entries stored before it was kept). */
  studyType?: string | undefined;
  /** TREATMENT, SUPPORTIVE_CARE, DIAGNOSTIC, … (interventional studies; absent in older entries). */
  primaryPurpose?: string | undefined;
  facts: TrialFacts;
  /** Only sites that can take a referral (recruiting / not yet / by invitation). */
  sites: Site[];
}

/** One trial in full, for `GET /v1/trials/{nctId}`. */
export interface StoredStudy {
  nctId: string;
  lastUpdatePostDate: string;
  /** The record exactly as the API served it (schema-validated, unknown fields kept). */
  study: Study;
  facts: TrialFacts;
  stale: boolean;
  syncedAt: string;
}

export interface SyncState {
  /** The pageToken to resume from, with the query it belongs to; absent when no run is open. */
  cursor?:
    | {
        mode: 'incremental' | 'full';
        query: string;
        pageToken?: string | undefined;
        startedAt: string;
        /** Added by the sync: the run's LastUpdatePostDate lower bound (incremental), to rebuild its queries. */
        since?: string | undefined;
        /** Added by the sync: the `/version` dataTimestamp the run started on. */
        dataTimestamp?: string | undefined;
        /** Added by the sync: pages already done in the current query. */
        page?: number | undefined;
      }
    | undefined;
  /** ClinicalTrials.gov `/version` dataTimestamp of the last completed run. */
  dataTimestamp?: string | undefined;
  lastSuccessAt?: string | undefined;
  lastFullSweepAt?: string | undefined;
  /** LastUpdatePostDate lower bound for the next incremental run (yyyy-MM-dd). */
  updatedSince?: string | undefined;
  counts?:
    | {
        studies: number;
        written: number;
        unchanged: number;
        stale: number;
        pages: number;
        /** Added by the sync: copies older than the stored record (not written). */
        older?: number | undefined;
        /** Added by the sync: records rejected (schema or extractor), not stored. */
        rejected?: number | undefined;
        /** Added by the sync: queries restarted from page 1 after a dead page token. */
        restarts?: number | undefined;
      }
    | undefined;
  lastError?: { at: string; message: string } | undefined;
  /** Changes whenever stored match facts change; the API refreshes its index when it does. */
  indexVersion?: string | undefined;
  trialCount?: number | undefined;
  running?: boolean | undefined;
  /** Added by the sync: records the schema rejected (reported, not stored), retried next run. */
  rejected?: { nctId: string; message: string; at: string }[] | undefined;
  /** Added by the sync: dataTimestamp of the last completed full sweep (a sweep on it is skipped). */
  fullSweepDataTimestamp?: string | undefined;
  /** Added by the store: the published match-index snapshot (see index-snapshot.ts). */
  indexSnapshot?: IndexSnapshotRef | undefined;
  /** Added by the sync: the last run's summary, counts and ids only. */
  lastRun?: Record<string, unknown> | undefined;
}

/** A published match-index snapshot (store/index-snapshot.ts). */
export interface IndexSnapshotRef {
  version: string;
  /** Items holding the core. */
  parts: number;
  entries: number;
  /** Compressed bytes of the core. */
  bytes: number;
  /** matching/index-core.ts INDEX_CORE_FORMAT (absent: an older snapshot of whole entries). */
  format?: number | undefined;
}

/** The matcher's index as loaded: the core in full, the displays on demand. */
export interface LoadedIndex {
  core: IndexCore;
  displays: DisplaySource;
  /** `snapshot`: the published snapshot; `active`: every active META, read whole (the fallback). */
  source: 'snapshot' | 'active';
  /** The indexVersion it holds: the snapshot's, or the current one read before the entries. */
  version: string | undefined;
}

export type UpsertOutcome = 'written' | 'unchanged' | 'older';

export interface StudyRepository {
  /** Idempotent; never replaces a newer record (by lastUpdatePostDate) with an older one. */
  upsertStudies(items: { study: Study; facts: TrialFacts }[]): Promise<UpsertOutcome[]>;
  getStudy(nctId: string): Promise<StoredStudy | undefined>;
  /**
   * The matcher's index: the published snapshot when current, else built from every active
   * study. With `acceptPublished`, the last published snapshot even when writes have come
   * since (a sync that has not published yet): fast, and at most one sync behind.
   */
  loadMatchIndex(options?: { acceptPublished?: boolean }): Promise<LoadedIndex>;
  /** Every non-stale study's match entry, read whole (the always-correct path). */
  listActiveEntries(): Promise<MatchIndexEntry[]>;
  getSyncState(): Promise<SyncState>;
  putSyncState(patch: Partial<SyncState>): Promise<void>;
}

export interface PublishedIndex {
  indexVersion: string;
  entries: number;
  parts: number;
  /** Compressed bytes of the core. */
  bytes: number;
}

/** Options of a write (added by the store room). */
export interface UpsertOptions {
  /** Keep a stale study stale (re-derivation); by default an upsert means "seen", so not stale. */
  preserveStale?: boolean | undefined;
}

/**
 * What the sync needs beyond StudyRepository (added by the store room): full-sweep
 * bookkeeping, stale marking and publishing the matcher's index.
 */
export interface SyncRepository extends StudyRepository {
  /** `rawJson`: the record's JSON text as served, stored byte for byte (else JSON.stringify(study)). */
  upsertStudies(
    items: { study: Study; facts: TrialFacts; rawJson?: string | undefined }[],
    options?: UpsertOptions,
  ): Promise<UpsertOutcome[]>;
  /** The stored record's JSON text, exactly as it was given. */
  getRawJson(nctId: string): Promise<string | undefined>;
  /** Remembers ids a full sweep saw; survives across invocations of a resumed sweep. */
  recordSeen(sweepId: string, nctIds: string[]): Promise<void>;
  /**
   * Marks stale every non-stale study the sweep did not see, then forgets the sweep's marks.
   * Refuses (throws) when the sweep saw fewer than `minSeenRatio` of the active studies.
   */
  markUnseenStale(sweepId: string, minSeenRatio?: number): Promise<string[]>;
  /** Number of non-stale studies. */
  countActive(): Promise<number>;
  /** Writes the index snapshot for the current indexVersion (no-op when already published). */
  publishIndex(): Promise<PublishedIndex | undefined>;
  /** Ids whose stored facts come from another extractor version than `version`. */
  listOutdatedFacts(version: string): Promise<string[]>;
  /** Every site of a study, compact (all statuses), for a detail view. */
  getSites(nctId: string): Promise<Site[] | undefined>;
}

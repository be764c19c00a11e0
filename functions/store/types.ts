/**
 * The store's contract: what the write path (sync) and the read path (API, matcher index)
 * need from persistence. No AWS types here; `dynamo-repository.ts` implements it.
 */
import type { TrialFacts } from '#eligibility/facts.ts';
import type { Study } from '#ctgov/study-schema.ts';

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
  contact?: { name?: string | undefined; phone?: string | undefined; email?: string | undefined } | undefined;
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
  cursor?: { mode: 'incremental' | 'full'; query: string; pageToken?: string | undefined; startedAt: string } | undefined;
  /** ClinicalTrials.gov `/version` dataTimestamp of the last completed run. */
  dataTimestamp?: string | undefined;
  lastSuccessAt?: string | undefined;
  lastFullSweepAt?: string | undefined;
  /** LastUpdatePostDate lower bound for the next incremental run (yyyy-MM-dd). */
  updatedSince?: string | undefined;
  counts?: { studies: number; written: number; unchanged: number; stale: number; pages: number } | undefined;
  lastError?: { at: string; message: string } | undefined;
  /** Changes whenever stored match facts change; the API refreshes its index when it does. */
  indexVersion?: string | undefined;
  trialCount?: number | undefined;
  running?: boolean | undefined;
}

export type UpsertOutcome = 'written' | 'unchanged' | 'older';

export interface StudyRepository {
  /** Idempotent; never replaces a newer record (by lastUpdatePostDate) with an older one. */
  upsertStudies(items: { study: Study; facts: TrialFacts }[]): Promise<UpsertOutcome[]>;
  getStudy(nctId: string): Promise<StoredStudy | undefined>;
  /** All non-stale studies' compact match facts, for the matcher's index. */
  loadMatchIndex(): Promise<MatchIndexEntry[]>;
  getSyncState(): Promise<SyncState>;
  putSyncState(patch: Partial<SyncState>): Promise<void>;
}

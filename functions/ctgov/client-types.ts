/** The ClinicalTrials.gov client as the sync sees it; `client.ts` implements it on undici. */
import type { Study } from './study-schema.ts';

export interface StudiesQuery {
  /** query.cond */
  cond?: string | undefined;
  /** query.term */
  term?: string | undefined;
  /** filter.overallStatus (comma-joined by the client) */
  statuses?: string[] | undefined;
  /** filter.advanced, e.g. AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX] */
  advanced?: string | undefined;
  pageSize?: number | undefined;
}

export interface StudiesPage {
  studies: Study[];
  nextPageToken?: string | undefined;
  totalCount?: number | undefined;
  /** Records on this page that failed the schema: reported, not stored. */
  rejected: { nctId: string; message: string }[];
  /**
   * The JSON text of each accepted study exactly as served, parallel to `studies` (for
   * storing the raw record byte for byte). Optional: other implementations may omit it.
   */
  rawJson?: string[] | undefined;
}

export interface ApiVersion {
  apiVersion: string;
  dataTimestamp: string;
}

export interface CtgovClient {
  version(): Promise<ApiVersion>;
  /** One page; pass the previous page's nextPageToken to continue. */
  searchPage(query: StudiesQuery, pageToken?: string): Promise<StudiesPage>;
  getStudy(nctId: string): Promise<Study | undefined>;
  close(): Promise<void>;
}

/** Faults the replay server can inject, each firing `times` times and then disarming. */

export type Endpoint = 'studies' | 'study' | 'version';

export interface ReplayRequestInfo {
  endpoint: Endpoint;
  /** For `study`: the NCT id asked for. */
  nctId?: string | undefined;
  query: URLSearchParams;
}

export interface FaultMatch {
  endpoint?: Endpoint | undefined;
  /** true: only requests that carry a pageToken; false: only first pages. */
  withPageToken?: boolean | undefined;
}

export type Fault = (
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number | undefined }
  /** HTTP 200 with an HTML maintenance page, as the real API serves during outages. */
  | { kind: 'html' }
  /** Wait `delayMs` before the headers ('headers') or in the middle of the body ('body'). */
  | { kind: 'slow'; delayMs: number; phase?: 'headers' | 'body' | undefined }
  /** Send the headers and part of the body, then destroy the socket. */
  | { kind: 'reset' }
  /** HTTP 200, JSON content-type, a body cut short but cleanly ended. */
  | { kind: 'truncated' }
  /** The pageToken stops working: 400 plain text (only fires on requests with a token). */
  | { kind: 'bad-token' }
  /**
   * Schema drift: a served record has a used field of another type (overallStatus becomes a
   * number). `nctId` picks the record; otherwise the first record of the response.
   */
  | { kind: 'drift'; nctId?: string | undefined }
) & {
  /** How many matching requests it affects; default 1. */
  times?: number | undefined;
  match?: FaultMatch | ((req: ReplayRequestInfo) => boolean) | undefined;
};

interface Armed {
  fault: Fault;
  left: number;
}

export class FaultBook {
  private armed: Armed[] = [];

  inject(fault: Fault): void {
    this.armed.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault to apply to this request, if any (decrements its count). */
  take(req: ReplayRequestInfo, hasRecord: (nctId: string) => boolean): Fault | undefined {
    for (const a of this.armed) {
      if (a.left <= 0 || !applies(a.fault, req, hasRecord)) continue;
      a.left--;
      this.armed = this.armed.filter((x) => x.left > 0);
      return a.fault;
    }
    return undefined;
  }

  get pending(): number {
    return this.armed.reduce((n, a) => n + a.left, 0);
  }
}

function applies(
  fault: Fault,
  req: ReplayRequestInfo,
  hasRecord: (nctId: string) => boolean,
): boolean {
  const m = fault.match;
  if (typeof m === 'function') {
    if (!m(req)) return false;
  } else if (m) {
    if (m.endpoint && m.endpoint !== req.endpoint) return false;
    if (m.withPageToken !== undefined && m.withPageToken !== req.query.has('pageToken'))
      return false;
  }
  if (fault.kind === 'bad-token') return req.endpoint === 'studies' && req.query.has('pageToken');
  if (fault.kind === 'drift') {
    if (req.endpoint === 'version') return false;
    if (fault.nctId && req.endpoint === 'study') return req.nctId === fault.nctId;
    if (fault.nctId) return hasRecord(fault.nctId);
  }
  return true;
}

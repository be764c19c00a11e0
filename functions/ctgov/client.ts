/**
 * ClinicalTrials.gov API v2 client on undici: one keep-alive agent, explicit timeouts,
 * polite pacing, retries with exponential backoff and jitter, and a zod check of every
 * record (a record that fails is rejected loudly, the rest of its page continues).
 */
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import * as z from 'zod';
import type { ApiVersion, CtgovClient, StudiesPage, StudiesQuery } from './client-types.ts';
import { CtgovRequestError, CtgovSchemaError } from './errors.ts';
import { splitStudiesText } from './raw-split.ts';
import { nctIdOf, parseStudy, type Study, StudySchemaError } from './study-schema.ts';

export { CtgovRequestError, CtgovSchemaError } from './errors.ts';

export const DEFAULT_BASE_URL = 'https://clinicaltrials.gov/api/v2';

export type RetryReason =
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'connection'
  | 'html'
  | 'invalid-json';

export interface RetryInfo {
  url: string;
  /** The attempt that failed (1 = first). */
  attempt: number;
  reason: RetryReason;
  status?: number | undefined;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Error code or short message of the failed attempt. */
  detail?: string | undefined;
}

export interface RejectedRecord {
  nctId: string;
  message: string;
}

export interface LargeRecord {
  nctId: string;
  bytes: number;
}

export interface CtgovClientOptions {
  /** Default: process.env.CTGOV_BASE_URL ?? https://clinicaltrials.gov/api/v2 */
  baseUrl?: string | undefined;
  /** Minimum gap between the starts of two requests (retries included). Default 1000 ms. */
  minIntervalMs?: number | undefined;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number | undefined;
  /** First backoff; doubles per retry, with jitter. Default 1000 ms. */
  baseBackoffMs?: number | undefined;
  /** Cap on one backoff delay (and on an honoured Retry-After). Default 60 s. */
  maxBackoffMs?: number | undefined;
  /** undici checks these on ~1 s ticks: a value under a second fires within about 1.5 s. */
  timeouts?:
    | {
        /** TCP/TLS connect. Default 10 s. */
        connectMs?: number | undefined;
        /** Until the response headers arrive. Default 30 s. */
        headersMs?: number | undefined;
        /** Longest silence while the body streams. Default 60 s. */
        bodyMs?: number | undefined;
      }
    | undefined;
  /** Default 1000 (the API's maximum). */
  pageSize?: number | undefined;
  /** Ask for totalCount on first pages. Default true. */
  countTotal?: boolean | undefined;
  /** A record whose JSON exceeds this is kept but reported via onLargeRecord. Default 350,000. */
  maxRecordBytes?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  onRejected?: ((info: RejectedRecord) => void) | undefined;
  onLargeRecord?: ((info: LargeRecord) => void) | undefined;
  userAgent?: string | undefined;
  /**
   * The clock used for pacing and backoff waits (a seam for tests that check the schedule
   * without waiting it out). Default: Date.now and setTimeout.
   */
  clock?: { now(): number; sleep(ms: number): Promise<void> } | undefined;
}

/** What `createCtgovClient` returns: the CtgovClient contract plus the raw text of a study. */
export interface UndiciCtgovClient extends CtgovClient {
  /** The study's JSON exactly as served, or undefined on 404. */
  getStudyJson(nctId: string): Promise<string | undefined>;
  readonly baseUrl: string;
}

const pageEnvelope = z.looseObject({
  studies: z.array(z.unknown()),
  nextPageToken: z.string().optional(),
  totalCount: z.number().int().nonnegative().optional(),
});

const versionSchema = z.looseObject({ apiVersion: z.string(), dataTimestamp: z.string() });

const NON_RETRYABLE_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_ABORTED',
  'ERR_INVALID_URL',
  'UND_ERR_REDIRECT',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

class RetryableFailure extends Error {
  constructor(
    readonly reason: RetryReason,
    readonly detail: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(detail);
  }
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve();

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()) {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const errorCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
};

export function studiesSearchParams(
  query: StudiesQuery,
  pageSize: number,
  pageToken: string | undefined,
  countTotal: boolean,
): URLSearchParams {
  const p = new URLSearchParams({ format: 'json' });
  if (query.cond) p.set('query.cond', query.cond);
  if (query.term) p.set('query.term', query.term);
  if (query.statuses?.length) p.set('filter.overallStatus', query.statuses.join(','));
  if (query.advanced) p.set('filter.advanced', query.advanced);
  p.set('pageSize', String(query.pageSize ?? pageSize));
  if (pageToken) p.set('pageToken', pageToken);
  else if (countTotal) p.set('countTotal', 'true');
  return p;
}

export function createCtgovClient(options: CtgovClientOptions = {}): UndiciCtgovClient {
  const baseUrl = (options.baseUrl ?? process.env.CTGOV_BASE_URL ?? DEFAULT_BASE_URL).replace(
    /\/+$/,
    '',
  );
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const maxRetries = options.maxRetries ?? 5;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const pageSize = options.pageSize ?? 1000;
  const countTotal = options.countTotal ?? true;
  const maxRecordBytes = options.maxRecordBytes ?? 350_000;
  const userAgent = options.userAgent ?? 'nsclc-trial-matcher/0.1 (ClinicalTrials.gov sync)';

  const now = options.clock?.now ?? Date.now;
  const wait = options.clock?.sleep ?? sleep;

  const agent = new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connectTimeout: options.timeouts?.connectMs ?? 10_000,
    headersTimeout: options.timeouts?.headersMs ?? 30_000,
    bodyTimeout: options.timeouts?.bodyMs ?? 60_000,
    connections: 4,
  });
  // The API answers an NCT alias with a 301 to the canonical record.
  const dispatcher: Dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 3 }));

  let nextSlot = 0;
  /** Reserve the next request slot synchronously, so concurrent callers are paced too. */
  const pace = async () => {
    const t = now();
    const at = Math.max(t, nextSlot);
    nextSlot = at + minIntervalMs;
    if (at > t) await wait(at - t);
  };

  const backoff = (attempt: number, retryAfterMs: number | undefined): number => {
    const exp = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
    // "Equal jitter": never less than half the exponential step, spread over the rest.
    const jittered = exp / 2 + Math.random() * (exp / 2);
    const honoured = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, maxBackoffMs);
    return Math.round(Math.max(jittered, honoured));
  };

  type Outcome =
    | { kind: 'json'; text: string; value: unknown }
    | { kind: 'not-found'; text: string };

  /** One GET with retries. 404 is returned (the caller decides); other 4xx throw. */
  const getJson = async (url: string, meta: { pageToken?: string | undefined } = {}) => {
    for (let attempt = 1; ; attempt++) {
      await pace();
      try {
        return await attemptOnce(url);
      } catch (err) {
        if (!(err instanceof RetryableFailure)) throw decorate(err, attempt, meta);
        if (attempt > maxRetries) {
          throw new CtgovRequestError(
            `ClinicalTrials.gov request failed after ${attempt} attempts (${err.reason}: ${err.detail}): ${url}`,
            { url, status: err.status, attempts: attempt, reason: err.reason },
          );
        }
        const delayMs = backoff(attempt, err.retryAfterMs);
        options.onRetry?.({
          url,
          attempt,
          reason: err.reason,
          status: err.status,
          delayMs,
          detail: err.detail,
        });
        await wait(delayMs);
      }
    }
  };

  const decorate = (
    err: unknown,
    attempt: number,
    meta: { pageToken?: string | undefined },
  ): Error => {
    if (err instanceof CtgovRequestError) {
      err.details.attempts = attempt;
      if (meta.pageToken && err.details.status === 400) {
        err.message += ' (the request carried a pageToken: it may have expired; restart the sweep)';
      }
      return err;
    }
    return err instanceof Error ? err : new Error(String(err));
  };

  const attemptOnce = async (url: string): Promise<Outcome> => {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        dispatcher,
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': userAgent },
      });
    } catch (err) {
      throw classifyNetworkError(err);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw classifyNetworkError(err);
    }
    const status = res.statusCode;
    if (status === 429) {
      throw new RetryableFailure(
        'rate-limited',
        'HTTP 429',
        status,
        parseRetryAfter(res.headers['retry-after']),
      );
    }
    if (status >= 500) throw new RetryableFailure('server-error', `HTTP ${status}`, status);
    if (status === 408) throw new RetryableFailure('timeout', 'HTTP 408', status);
    if (status === 404) return { kind: 'not-found', text };
    if (status < 200 || status >= 300) {
      const body = text.trim().slice(0, 1000);
      throw new CtgovRequestError(
        `ClinicalTrials.gov answered ${status}: ${body || '(no message)'}`,
        {
          url,
          status,
          body,
          attempts: 1,
        },
      );
    }
    const type = String(res.headers['content-type'] ?? '');
    if (!/json/i.test(type)) {
      throw new RetryableFailure('html', `HTTP ${status} with content-type '${type}'`, status);
    }
    try {
      return { kind: 'json', text, value: JSON.parse(text) as unknown };
    } catch (err) {
      const looksHtml = /^\s*</.test(text);
      throw new RetryableFailure(
        looksHtml ? 'html' : 'invalid-json',
        `unparsable body of ${text.length} chars: ${(err as Error).message}`,
        status,
      );
    }
  };

  const classifyNetworkError = (err: unknown): Error => {
    const code = errorCode(err);
    const message = (err as Error)?.message ?? String(err);
    if (code && NON_RETRYABLE_CODES.has(code)) return err as Error;
    if (code && TIMEOUT_CODES.has(code)) return new RetryableFailure('timeout', code);
    return new RetryableFailure('connection', code ? `${code}: ${message}` : message);
  };

  const acceptPage = (url: string, outcome: { text: string; value: unknown }): StudiesPage => {
    const env = pageEnvelope.safeParse(outcome.value);
    if (!env.success) {
      const issues = env.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new CtgovSchemaError(
        `unexpected page shape from ${url}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
        url,
        issues,
      );
    }
    const texts = splitStudiesText(outcome.text);
    const rawTexts = texts?.length === env.data.studies.length ? texts : undefined;
    const studies: Study[] = [];
    const rawJson: string[] = [];
    const rejected: RejectedRecord[] = [];
    env.data.studies.forEach((raw, i) => {
      const study = checkStudy(raw, rejected);
      if (!study) return;
      const json = rawTexts?.[i] ?? JSON.stringify(raw);
      reportIfLarge(study, json);
      studies.push(study);
      rawJson.push(json);
    });
    return {
      studies,
      rawJson,
      nextPageToken: env.data.nextPageToken || undefined,
      totalCount: env.data.totalCount,
      rejected,
    };
  };

  /** The record itself (unknown fields kept, key order untouched) once it passes the schema. */
  const checkStudy = (raw: unknown, rejected: RejectedRecord[]): Study | undefined => {
    try {
      parseStudy(raw);
      return raw as Study;
    } catch (err) {
      if (!(err instanceof StudySchemaError)) throw err;
      const r = { nctId: err.nctId, message: err.message };
      rejected.push(r);
      options.onRejected?.(r);
      return undefined;
    }
  };

  const reportIfLarge = (study: Study, json: string) => {
    if (json.length * 3 < maxRecordBytes) return; // cheap bound: UTF-8 is ≤ 3 bytes per UTF-16 unit
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxRecordBytes) options.onLargeRecord?.({ nctId: nctIdOf(study), bytes });
  };

  const studyUrl = (nctId: string) => `${baseUrl}/studies/${encodeURIComponent(nctId)}?format=json`;

  const fetchStudy = async (nctId: string) => {
    const url = studyUrl(nctId);
    const out = await getJson(url);
    return out.kind === 'not-found' ? undefined : { url, ...out };
  };

  return {
    baseUrl,
    async version(): Promise<ApiVersion> {
      const url = `${baseUrl}/version`;
      const out = await getJson(url);
      if (out.kind === 'not-found') {
        throw new CtgovRequestError(`ClinicalTrials.gov answered 404: ${url}`, {
          url,
          status: 404,
          attempts: 1,
        });
      }
      const v = versionSchema.safeParse(out.value);
      if (!v.success) {
        const issues = v.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new CtgovSchemaError(`unexpected /version shape from ${url}`, url, issues);
      }
      return { apiVersion: v.data.apiVersion, dataTimestamp: v.data.dataTimestamp };
    },

    async searchPage(query: StudiesQuery, pageToken?: string): Promise<StudiesPage> {
      const params = studiesSearchParams(query, pageSize, pageToken, countTotal);
      const url = `${baseUrl}/studies?${params}`;
      const out = await getJson(url, { pageToken });
      if (out.kind === 'not-found') {
        throw new CtgovRequestError(`ClinicalTrials.gov answered 404: ${out.text.trim()}`, {
          url,
          status: 404,
          body: out.text.trim(),
          attempts: 1,
        });
      }
      return acceptPage(url, out);
    },

    async getStudy(nctId: string): Promise<Study | undefined> {
      const out = await fetchStudy(nctId);
      if (!out) return undefined;
      let study: Study;
      try {
        parseStudy(out.value);
        study = out.value as Study;
      } catch (err) {
        // One asked-for record that fails the schema must not look like "absent": report, throw.
        if (err instanceof StudySchemaError)
          options.onRejected?.({ nctId: err.nctId, message: err.message });
        throw err;
      }
      reportIfLarge(study, out.text);
      return study;
    },

    async getStudyJson(nctId: string): Promise<string | undefined> {
      return (await fetchStudy(nctId))?.text;
    },

    async close(): Promise<void> {
      await agent.close();
    },
  };
}

/**
 * Replay server: serves a directory of ClinicalTrials.gov v2 study records as the v2 API on
 * 127.0.0.1, with the real API's paging quirks and injectable faults. A dev tool used by the
 * tests, `npm start -- --replay DIR`, the benchmarks and `tsx local/replay/cli.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import { type CorpusEntry, entryFromJson, loadCorpus } from './corpus.ts';
import { type Endpoint, type Fault, FaultBook, type ReplayRequestInfo } from './faults.ts';
import {
  matchesSearch,
  parseSearch,
  type SearchNode,
  SearchSyntaxError,
} from './search-expression.ts';

export type { Fault, FaultMatch, ReplayRequestInfo } from './faults.ts';

export interface ReplayServerOptions {
  /** Directory of v2 study JSON files, one study per file. */
  dir: string;
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  /** Overrides the /version dataTimestamp (default: newest versionHolder, at 09:00:00). */
  dataTimestamp?: string | undefined;
}

export interface ReplayStats {
  requests: number;
  studies: number;
  study: number;
  version: number;
  /** Responses by HTTP status (faults included). */
  byStatus: Record<number, number>;
  faultsFired: number;
  /** Study records served (pages and single studies). */
  recordsServed: number;
}

export interface ReplayServer {
  /** http://127.0.0.1:PORT/api/v2 */
  baseUrl: string;
  port: number;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Faults still armed (sum of remaining `times`). */
  readonly pendingFaults: number;
  /** Live counters. */
  readonly stats: ReplayStats;
  resetStats(): void;
  /** Add or replace a record (raw v2 object or its JSON text). Returns its NCT id. */
  putStudy(raw: unknown): string;
  /** Remove a record; true if it was there. */
  removeStudy(nctId: string): boolean;
  /** Simulate a new daily data refresh. */
  setDataTimestamp(ts: string): void;
  readonly dataTimestamp: string;
  readonly size: number;
  close(): Promise<void>;
}

const STATUSES: ReadonlySet<string> = new Set(OVERALL_STATUSES);

const KNOWN_PARAMS = new Set([
  'format',
  'markupFormat',
  'query.cond',
  'query.term',
  'filter.overallStatus',
  'filter.advanced',
  'countTotal',
  'pageSize',
  'pageToken',
]);

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>ClinicalTrials.gov - Maintenance</title></head>' +
  '<body><h1>ClinicalTrials.gov is temporarily unavailable</h1>' +
  '<p>We are performing scheduled maintenance. Please try again later.</p></body></html>';

class BadRequest extends Error {}

interface Cursor {
  /** Last NCT id served: keyset paging survives records added or removed mid-sweep. */
  after: string;
  /** Identity of the query the token was issued for. */
  q: string;
}

const encodeToken = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeToken(token: string, q: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.after === 'string' && c.q === q) return c;
  } catch {
    // fall through
  }
  throw new BadRequest(`The pageToken '${token}' is invalid or has expired`);
}

type DateBound = { min?: string; max?: string };

function parseAdvanced(expr: string): DateBound {
  const m = /^\s*AREA\[LastUpdatePostDate\]\s*RANGE\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]\s*$/.exec(
    expr,
  );
  const isDate = (s: string) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(s);
  if (!m) {
    throw new BadRequest(
      `Error parsing query in filter.advanced: the replay server only supports AREA[LastUpdatePostDate]RANGE[a,b]: '${expr}'`,
    );
  }
  const lo = m[1] as string;
  const hi = m[2] as string;
  if ((lo !== 'MIN' && !isDate(lo)) || (hi !== 'MAX' && !isDate(hi))) {
    throw new BadRequest(
      `Error parsing query in filter.advanced: incorrect format of range '${expr}'`,
    );
  }
  return { ...(lo !== 'MIN' && { min: lo }), ...(hi !== 'MAX' && { max: hi }) };
}

function inRange(date: string | undefined, b: DateBound): boolean {
  // The real API drops records where the field is missing.
  if (!date) return false;
  if (b.min && date < b.min) return false;
  // A bound like 2026-01 covers that whole month.
  if (b.max && date.slice(0, b.max.length) > b.max) return false;
  return true;
}

interface StudiesRequest {
  cond?: SearchNode | undefined;
  term?: SearchNode | undefined;
  statuses?: Set<string> | undefined;
  range?: DateBound | undefined;
  pageSize: number;
  countTotal: boolean;
  cursor?: Cursor | undefined;
  queryKey: string;
}

function parseStudiesRequest(q: URLSearchParams): StudiesRequest {
  for (const k of q.keys()) {
    if (!KNOWN_PARAMS.has(k)) throw new BadRequest(`Unknown parameter: ${k}`);
  }
  const format = q.get('format');
  if (format && format !== 'json')
    throw new BadRequest(`the replay server serves format=json only`);
  let pageSize = 10;
  const ps = q.get('pageSize');
  if (ps !== null) {
    if (!/^\d+$/.test(ps)) throw new BadRequest(`Invalid value in parameter \`pageSize\`: ${ps}`);
    pageSize = Number(ps);
    if (pageSize > 1000) throw new BadRequest(`pageSize must be between 0 and 1000: ${ps}`);
    if (pageSize === 0) pageSize = 10;
  }
  const parseArea = (name: string): SearchNode | undefined => {
    const v = q.get(name);
    if (v === null || v.trim() === '') return undefined;
    try {
      return parseSearch(v);
    } catch (err) {
      if (err instanceof SearchSyntaxError) {
        throw new BadRequest(`Error parsing query in ${name}: ${err.message}`);
      }
      throw err;
    }
  };
  let statuses: Set<string> | undefined;
  const st = q.get('filter.overallStatus');
  if (st) {
    statuses = new Set();
    for (const s of st.split(/[,|]/).map((x) => x.trim())) {
      if (!STATUSES.has(s)) {
        throw new BadRequest(`Invalid value in parameter \`filter.overallStatus\`: ${s}`);
      }
      statuses.add(s);
    }
  }
  const adv = q.get('filter.advanced');
  const countTotal = q.get('countTotal');
  if (countTotal !== null && countTotal !== 'true' && countTotal !== 'false') {
    throw new BadRequest(`Invalid value in parameter \`countTotal\`: ${countTotal}`);
  }
  // Same query (minus paging) ⇒ same key: a token only works with the query it came from.
  const keyParams = ['query.cond', 'query.term', 'filter.overallStatus', 'filter.advanced'].map(
    (k) => `${k}=${q.get(k) ?? ''}`,
  );
  const queryKey = hashKey(keyParams.join('&'));
  const token = q.get('pageToken');
  return {
    cond: parseArea('query.cond'),
    term: parseArea('query.term'),
    statuses,
    range: adv ? parseAdvanced(adv) : undefined,
    pageSize,
    countTotal: countTotal === 'true',
    cursor: token ? decodeToken(token, queryKey) : undefined,
    queryKey,
  };
}

function hashKey(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return `h${(h >>> 0).toString(36)}:${s.length}`;
}

/** Index of the first entry whose NCT id sorts after `nctId` (entries sorted by id). */
function firstAfter(entries: CorpusEntry[], nctId: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as CorpusEntry).nctId <= nctId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const matches = (e: CorpusEntry, r: StudiesRequest): boolean =>
  (!r.statuses || r.statuses.has(e.overallStatus)) &&
  (!r.range || inRange(e.lastUpdatePostDate, r.range)) &&
  (!r.cond || matchesSearch(r.cond, e.condText)) &&
  (!r.term || matchesSearch(r.term, e.fullText));

/** A drifted copy: overallStatus turned into a number (a used field changing type). */
function drifted(bytes: Buffer): Buffer {
  const raw = JSON.parse(bytes.toString('utf8')) as {
    protocolSection: { statusModule: { overallStatus: unknown } };
  };
  raw.protocolSection.statusModule.overallStatus = 7;
  return Buffer.from(JSON.stringify(raw));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function defaultTimestamp(entries: Iterable<CorpusEntry>): string {
  let newest = '';
  for (const e of entries)
    if (e.versionHolder && e.versionHolder > newest) newest = e.versionHolder;
  return `${newest || '2026-01-01'}T09:00:00`;
}

function normaliseNctId(id: string): string | undefined {
  const m = /^[Nn][Cc][Tt]0*([1-9]\d{0,7})$/.exec(id);
  return m ? `NCT${(m[1] as string).padStart(8, '0')}` : undefined;
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const loaded = await loadCorpus(options.dir);
  // Kept sorted by NCT id; rebuilt lazily after putStudy/removeStudy.
  const byId = new Map(loaded.map((e) => [e.nctId, e]));
  let sorted: CorpusEntry[] | undefined = loaded;
  const ordered = (): CorpusEntry[] => {
    sorted ??= [...byId.values()].sort((a, b) => (a.nctId < b.nctId ? -1 : 1));
    return sorted;
  };
  const aliasOf = new Map<string, string>();
  const indexAliases = () => {
    aliasOf.clear();
    for (const e of byId.values()) for (const a of e.aliases) aliasOf.set(a, e.nctId);
  };
  indexAliases();

  let timestampOverride = options.dataTimestamp;
  const faults = new FaultBook();
  const sockets = new Set<Socket>();
  const freshStats = (): ReplayStats => ({
    requests: 0,
    studies: 0,
    study: 0,
    version: 0,
    byStatus: {},
    faultsFired: 0,
    recordsServed: 0,
  });
  let stats = freshStats();

  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };
  const sendText = (res: ServerResponse, status: number, text: string) =>
    send(res, status, 'text/plain;charset=UTF-8', text);

  /** Applies the fault; returns true when the response was fully handled by it. */
  const applyFault = async (
    fault: Fault,
    res: ServerResponse,
    body: () => Buffer,
  ): Promise<'handled' | 'continue'> => {
    stats.faultsFired++;
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> =
          fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
        stats.byStatus[fault.status] = (stats.byStatus[fault.status] ?? 0) + 1;
        const text = fault.status === 429 ? 'Too Many Requests' : 'Service Unavailable';
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...headers });
        res.end(text);
        return 'handled';
      }
      case 'html':
        send(res, 200, 'text/html;charset=UTF-8', HTML_PAGE);
        return 'handled';
      case 'truncated': {
        const b = body();
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        // No content-length: a chunked body that ends cleanly but mid-JSON.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(b.subarray(0, Math.max(1, Math.floor(b.length / 2))));
        return 'handled';
      }
      case 'reset': {
        const b = body();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length });
        res.write(b.subarray(0, Math.max(1, Math.floor(b.length / 2))));
        await sleep(5);
        res.socket?.destroy();
        return 'handled';
      }
      case 'slow': {
        if ((fault.phase ?? 'headers') === 'headers') {
          await sleep(fault.delayMs);
          return 'continue';
        }
        const b = body();
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length });
        res.write(b.subarray(0, Math.floor(b.length / 2)));
        await sleep(fault.delayMs);
        if (!res.destroyed) res.end(b.subarray(Math.floor(b.length / 2)));
        return 'handled';
      }
      case 'bad-token':
        sendText(res, 400, 'The pageToken is invalid or has expired');
        return 'handled';
      case 'drift':
        return 'continue';
    }
  };

  const handleStudies = async (q: URLSearchParams, res: ServerResponse) => {
    let r: StudiesRequest;
    try {
      r = parseStudiesRequest(q);
    } catch (err) {
      if (err instanceof BadRequest) return sendText(res, 400, err.message);
      throw err;
    }
    const all = ordered();
    const page: CorpusEntry[] = [];
    let total = 0;
    const wantTotal = r.countTotal && !r.cursor;
    for (let i = r.cursor ? firstAfter(all, r.cursor.after) : 0; i < all.length; i++) {
      const e = all[i] as CorpusEntry;
      if (page.length >= r.pageSize && !wantTotal) break;
      if (!matches(e, r)) continue;
      total++;
      if (page.length < r.pageSize) page.push(e);
    }
    const last = page[page.length - 1];
    // The real API's quirk: a full page always carries a token, even when nothing follows.
    const nextPageToken =
      page.length === r.pageSize && last
        ? encodeToken({ after: last.nctId, q: r.queryKey })
        : undefined;
    const info: ReplayRequestInfo = { endpoint: 'studies', query: q };
    const fault = faults.take(info, (id) => page.some((e) => e.nctId === id));
    let driftId: string | undefined;
    if (fault?.kind === 'drift') driftId = fault.nctId ?? page[0]?.nctId;
    const body = () => {
      const parts: Buffer[] = [Buffer.from('{')];
      if (wantTotal) parts.push(Buffer.from(`"totalCount":${total},`));
      parts.push(Buffer.from('"studies":['));
      page.forEach((e, i) => {
        if (i > 0) parts.push(Buffer.from(','));
        parts.push(e.nctId === driftId ? drifted(e.bytes) : e.bytes);
      });
      parts.push(Buffer.from(']'));
      if (nextPageToken) parts.push(Buffer.from(`,"nextPageToken":"${nextPageToken}"`));
      parts.push(Buffer.from('}'));
      return Buffer.concat(parts);
    };
    if (fault && (await applyFault(fault, res, body)) === 'handled') return;
    stats.recordsServed += page.length;
    send(res, 200, 'application/json', body());
  };

  const handleStudy = async (rawId: string, res: ServerResponse, q: URLSearchParams) => {
    const nctId = normaliseNctId(rawId);
    if (!nctId) return sendText(res, 400, `The NCT number '${rawId}' is in incorrect format`);
    const fault = faults.take({ endpoint: 'study', nctId, query: q }, (id) => id === nctId);
    const entry = byId.get(nctId);
    const body = () =>
      entry ? (fault?.kind === 'drift' ? drifted(entry.bytes) : entry.bytes) : Buffer.alloc(0);
    if (fault && (await applyFault(fault, res, body)) === 'handled') return;
    if (!entry) {
      const canonical = aliasOf.get(nctId);
      if (canonical) {
        stats.byStatus[301] = (stats.byStatus[301] ?? 0) + 1;
        res.writeHead(301, { location: `/api/v2/studies/${canonical}`, 'content-length': 0 });
        return res.end();
      }
      return sendText(res, 404, `Study ${nctId} not found`);
    }
    stats.recordsServed++;
    send(res, 200, 'application/json', body());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method !== 'GET') return sendText(res, 405, 'Method not allowed');
    let endpoint: Endpoint | undefined;
    if (path === '/api/v2/studies') endpoint = 'studies';
    else if (path === '/api/v2/version') endpoint = 'version';
    else if (path.startsWith('/api/v2/studies/')) endpoint = 'study';
    if (endpoint) stats[endpoint]++;
    if (endpoint === 'studies') return handleStudies(url.searchParams, res);
    if (endpoint === 'study') {
      return handleStudy(
        decodeURIComponent(path.slice('/api/v2/studies/'.length)),
        res,
        url.searchParams,
      );
    }
    if (endpoint === 'version') {
      const fault = faults.take({ endpoint, query: url.searchParams }, () => false);
      const body = () =>
        Buffer.from(JSON.stringify({ apiVersion: '2.0.5', dataTimestamp: server.dataTimestamp }));
      if (fault && (await applyFault(fault, res, body)) === 'handled') return;
      return send(res, 200, 'application/json', body());
    }
    return sendText(res, 404, `Not found: ${path}`);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `replay server error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  http.keepAliveTimeout = 5_000;
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  const server: ReplayServer = {
    baseUrl: `http://127.0.0.1:${port}/api/v2`,
    port,
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    get pendingFaults() {
      return faults.pending;
    },
    get stats() {
      return stats;
    },
    resetStats: () => {
      stats = freshStats();
    },
    putStudy(raw) {
      const entry = entryFromJson(typeof raw === 'string' ? raw : JSON.stringify(raw));
      byId.set(entry.nctId, entry);
      sorted = undefined;
      indexAliases();
      return entry.nctId;
    },
    removeStudy(nctId) {
      const had = byId.delete(nctId);
      if (had) {
        sorted = undefined;
        indexAliases();
      }
      return had;
    },
    setDataTimestamp(ts) {
      timestampOverride = ts;
    },
    get dataTimestamp() {
      return timestampOverride ?? defaultTimestamp(byId.values());
    },
    get size() {
      return byId.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        http.close(() => resolve());
      }),
  };
  return server;
}

/**
 * What people tell the service must never reach a log, at any level, by any path —
 * beyond test/integration/api-http.test.ts (which checks the handler's injected logger on
 * four requests), this covers:
 *   - the handler's default logger (console at every level, raw stdout/stderr writes),
 *     on 200, 400 (invalid JSON, wrong types, unknown keys), 413, 415, 422, 404, 405,
 *     a 500 inside the matcher and a 503 from the store;
 *   - the local HTTP server (npm start's adapter and its per-request log callback),
 *     query strings included;
 *   - the sync's log lines: no contact name, phone or e-mail of a study site;
 *   - security headers on every status, and CORS for random origins against configurations.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { extractFacts } from '#eligibility/extract.ts';
import { buildHttpEvent, type EventInput } from '#http/event-builder.ts';
import type { HttpResult } from '#http/types.ts';
import type { StudyRepository } from '#store/types.ts';
import { runSync } from '#sync/run-sync.ts';
import { createApiHandler } from '../../functions/api/handler.ts';
import { createLocalServer, type HttpApiHandler } from '../../local/server/adapter.ts';
import { type ApiHarness, startApi } from '../fixtures/api/harness.ts';
import { FIXTURE_TRIALS } from '../fixtures/api/trials.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import { fastClient, startReplay } from '../fixtures/sync/sync-setup.ts';
import { fixtureCorpus } from './support/corpus.ts';

/** Every value a person could type, each unique so that any echo is found. */
const M = {
  cancer: 'PRIVcancerQ1',
  gene: 'PRIVgeneQ2',
  drug: 'PRIVdrugQ3',
  postal: 'PRIV4Q',
  country: 'PRIVctyQ5',
  extra: 'PRIVextraQ6',
  header: 'PRIVheaderQ7',
  query: 'PRIVqueryQ8',
};
const MARK = /PRIV\w*Q\d/;

/** Captures everything written to the console (all levels) and to stdout/stderr. */
function captureOutput() {
  const lines: string[] = [];
  const push = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(push),
    vi.spyOn(console, 'info').mockImplementation(push),
    vi.spyOn(console, 'warn').mockImplementation(push),
    vi.spyOn(console, 'error').mockImplementation(push),
    vi.spyOn(console, 'debug').mockImplementation(push),
    vi.spyOn(console, 'trace').mockImplementation(push),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      push(String(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      push(String(chunk));
      return true;
    }),
  ];
  return {
    lines,
    restore: () => {
      for (const s of spies) s.mockRestore();
    },
  };
}

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ trials: FIXTURE_TRIALS, lastSuccessAt: '2026-11-26T03:00:00.000Z' });
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const profile = {
  diagnosis: { cancer: 'nsclc', stage: 'IVA' },
  biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }],
  priorTherapies: [{ drug: M.drug, line: 1 }],
  location: { postalCode: '10016', country: 'US' },
};

/** Requests that reach every status the match route can give, each carrying markers. */
function markedRequests(): { expect: number; input: EventInput }[] {
  const post = (body: unknown, headers: Record<string, string> = {}): EventInput => ({
    method: 'POST',
    path: `/v1/match?note=${M.query}`,
    body,
    headers: { 'x-note': M.header, 'user-agent': M.header, ...headers },
  });
  const json = { 'content-type': 'application/json' };
  return [
    { expect: 200, input: post(profile) },
    { expect: 400, input: post(`{"diagnosis": {"cancer": "${M.cancer}",}}`, json) },
    { expect: 400, input: post({ ...profile, age: M.extra }) },
    { expect: 400, input: post({ ...profile, [M.extra]: M.extra }) },
    { expect: 400, input: post({ ...profile, biomarkers: [{ gene: M.gene }] }) },
    {
      expect: 400,
      input: post({ ...profile, location: { postalCode: M.postal, country: M.country } }),
    },
    { expect: 413, input: post(`{"x":"${M.extra}${'y'.repeat(40_000)}"}`, json) },
    { expect: 415, input: post(`cancer=${M.cancer}`, { 'content-type': 'text/plain' }) },
    { expect: 422, input: post({ diagnosis: { cancer: M.cancer } }) },
    { expect: 404, input: { method: 'GET', path: `/v1/trials/NCT00000001?q=${M.query}` } },
    { expect: 405, input: { method: 'PUT', path: '/v1/match', body: M.extra } },
  ];
}

describe("the handler's default logger (console) never carries a request value", () => {
  it('on every status of the match route, at every level', async () => {
    const api = createApiHandler({ repo: h.repo, corsOrigins: [] }); // default jsonLogger
    const out = captureOutput();
    const statuses: number[] = [];
    try {
      for (const r of markedRequests()) {
        const res = await api(buildHttpEvent(r.input));
        statuses.push(res.statusCode);
      }
    } finally {
      out.restore();
    }
    expect(statuses).toEqual(markedRequests().map((r) => r.expect));
    // The logger did write (one line per request): the capture is real.
    expect(out.lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(statuses.length);
    expect(out.lines.filter((l) => MARK.test(l))).toEqual([]);
  });

  it('on broken index facts (500/503) and a store that is down (503)', async () => {
    // An index whose facts make the matcher throw; a store that cannot load at all.
    const broken = new Proxy(h.repo, {
      get(target, prop, receiver) {
        if (prop === 'loadMatchIndex') {
          return async () => {
            const loaded = await target.loadMatchIndex();
            const trials = loaded.core.trials.map((t) => ({ ...t, criteria: 42 }));
            return { ...loaded, core: { ...loaded.core, trials } };
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as StudyRepository;
    const down = new Proxy(h.repo, {
      get(target, prop, receiver) {
        if (prop === 'loadMatchIndex' || prop === 'getSyncState')
          return async () => {
            throw new Error('ECONNREFUSED');
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as StudyRepository;
    const out = captureOutput();
    const results: HttpResult[] = [];
    try {
      for (const repo of [broken, down]) {
        const api = createApiHandler({ repo, corsOrigins: [] });
        results.push(
          await api(buildHttpEvent({ method: 'POST', path: '/v1/match', body: profile })),
        );
      }
    } finally {
      out.restore();
    }
    // Broken facts fail while the index is built (503) or while matching (500): both are
    // internal-error paths, and neither may log the body.
    expect([500, 503]).toContain(results[0]?.statusCode);
    expect(results[1]?.statusCode).toBe(503);
    expect(out.lines.some((l) => l.includes('"level":"error"'))).toBe(true);
    expect(out.lines.filter((l) => MARK.test(l))).toEqual([]);
    for (const r of results) expect(r.body).not.toMatch(MARK);
  });
});

describe('the local server (npm start) logs no request value', () => {
  it('its per-request log line and the console carry method, path, status, time only', async () => {
    const entries: string[] = [];
    const api = createApiHandler({ repo: h.repo, corsOrigins: [] });
    const server = createLocalServer({
      handler: api as unknown as HttpApiHandler,
      onResponse: ({ method, path, status, ms }) =>
        entries.push(`${method} ${path} ${status} ${ms} ms`),
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = captureOutput();
    try {
      for (const r of markedRequests()) {
        const { body, headers } = r.input;
        const res = await fetch(`${base}${r.input.path}`, {
          method: r.input.method,
          headers: {
            ...(typeof body === 'string' ? {} : { 'content-type': 'application/json' }),
            ...(headers as Record<string, string>),
          },
          ...(body === undefined
            ? {}
            : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        });
        expect(res.status).toBe(r.expect);
        await res.arrayBuffer();
      }
    } finally {
      out.restore();
      server.closeAllConnections();
      server.close();
    }
    expect(entries).toHaveLength(markedRequests().length);
    expect(entries.filter((l) => MARK.test(l))).toEqual([]);
    expect(out.lines.filter((l) => MARK.test(l))).toEqual([]);
  });
});

describe("the sync's logs carry no site contact (names, phones, e-mails)", () => {
  let s: StoreHarness;
  beforeAll(async () => {
    s = await startStoreHarness();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('over a run with a rejected record, a retried fault and a dead token', async () => {
    const corpus = fixtureCorpus({ synthetic: 4, pageSize: 4 });
    const replay = await startReplay(corpus.dir, '2026-11-26T09:00:00');
    const client = fastClient(replay.baseUrl);
    const { repo, tableName } = await s.newTable();
    const lines: string[] = [];
    const out = captureOutput();
    try {
      replay.inject({ kind: 'status', status: 500 });
      replay.inject({ kind: 'bad-token', match: { withPageToken: true } });
      replay.inject({ kind: 'drift', nctId: 'NCT09000001', times: 10 });
      const summary = await runSync({
        client,
        repo,
        extract: extractFacts,
        mode: 'full',
        pageSize: corpus.pageSize,
        log: (line) => lines.push(JSON.stringify(line)),
      });
      expect(summary.status).toBe('completed');
      expect(summary.rejectedIds).toEqual(['NCT09000001']);
    } finally {
      out.restore();
      await client.close();
      await replay.close();
    }
    // Everything personal the stored records hold about people: contact names, phones, e-mails.
    const personal = new Set<string>();
    const walk = (v: unknown, key = '') => {
      if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      else if (typeof v === 'string' && /^(name|phone|email)$/.test(key) && v.length >= 6)
        personal.add(v);
    };
    for (const item of await dumpTable(s.doc, tableName)) {
      if (item.sk !== 'META') continue;
      const stored = await repo.getStudy(String(item.nctId));
      walk(stored?.study.protocolSection.contactsLocationsModule);
    }
    expect(personal.size).toBeGreaterThan(3);
    expect(lines.length).toBeGreaterThan(5);
    const all = [...lines, ...out.lines];
    for (const p of personal) expect(all.filter((l) => l.includes(p))).toEqual([]);
  });
});

describe('headers and CORS for any origin and configuration', () => {
  const CONFIGS: string[][] = [
    [],
    ['https://app.example.org'],
    ['https://a.example', 'https://b.example'],
    ['*'],
  ];
  it('security headers on every status; the origin echoed only when configured (300 runs)', async () => {
    const handlers = CONFIGS.map((corsOrigins) => ({
      corsOrigins,
      api: h.newHandler({ corsOrigins, log: () => {} }),
    }));
    const origin = fc.oneof(
      fc.constantFrom(
        'https://app.example.org',
        'https://a.example',
        'https://b.example',
        'null',
        '',
      ),
      fc.webUrl().map((u) => new URL(u).origin),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: CONFIGS.length - 1 }),
        origin,
        fc.constantFrom(...markedRequests().map((r) => r.input)),
        fc.boolean(),
        async (which, o, input, preflight) => {
          const { corsOrigins, api } = handlers[which] as (typeof handlers)[number];
          const res = await api(
            buildHttpEvent({
              ...input,
              ...(preflight ? { method: 'OPTIONS', body: undefined } : {}),
              headers: { ...(input.headers ?? {}), origin: o },
            }),
          );
          for (const name of [
            'x-content-type-options',
            'strict-transport-security',
            'referrer-policy',
            'x-frame-options',
            'content-security-policy',
          ])
            expect(res.headers[name], name).toBeTruthy();
          const allowed = res.headers['access-control-allow-origin'];
          if (o && corsOrigins.includes('*')) expect(allowed).toBe('*');
          else if (o && corsOrigins.includes(o)) {
            expect(allowed).toBe(o);
            expect(res.headers.vary).toMatch(/Origin/);
          } else expect(allowed).toBeUndefined();
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

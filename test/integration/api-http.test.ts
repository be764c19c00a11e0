/**
 * The HTTP API through real API Gateway v2 events against dynalite, on hand-written fixture
 * trials: every class of bad input, the routes, the headers, CORS, OpenAPI, health, trial
 * detail, and that no request value reaches a log line.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpEvent } from '#http/event-builder.ts';
import type { StudyRepository } from '#store/types.ts';
import { createApiHandler, handler } from '../../functions/api/handler.ts';
import {
  errorResponseSchema,
  healthResponseSchema,
  trialDetailResponseSchema,
} from '../../functions/api/schemas.ts';
import { type ApiHarness, startApi } from '../fixtures/api/harness.ts';
import { FIXTURE_TRIALS } from '../fixtures/api/trials.ts';

const SYNCED_AT = '2026-11-26T03:00:00.000Z';
const NOW = new Date('2026-11-27T00:00:00.000Z');
const ORIGIN = 'https://app.example.org';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({
    trials: FIXTURE_TRIALS,
    lastSuccessAt: SYNCED_AT,
    handler: { now: () => NOW },
  });
});
afterAll(async () => {
  await h?.close();
});

const minimal = { diagnosis: { cancer: 'nsclc', stage: 'IVA' } };
const paths = (res: { json: { error: { details?: { path: string }[] } } }) =>
  (res.json.error.details ?? []).map((d) => d.path).sort();

describe('bad input gets a clear 4xx, never a 500', () => {
  it.each([
    [
      'a trailing comma',
      '{"diagnosis": {"cancer": "nsclc",}}',
      33,
      'a double-quoted property name',
    ],
    ['a truncated literal', '{"diagnosis": tru}', 14, 'a JSON value'],
    ['a bare word', 'hello', 0, 'a JSON value'],
    ['a truncated body', '{"diagnosis": {"cancer": "nsclc"}', 33, "',' or '}'"],
    ['trailing garbage', '{"diagnosis": {}} x', 18, 'the end of the body'],
  ])(
    'invalid JSON (%s): 400 "body is not valid JSON" with the position',
    async (_, body, position, expected) => {
      const res = await h.post(body, { 'content-type': 'application/json' });
      expect(res.statusCode).toBe(400);
      expect(res.json.error.code).toBe('invalid_json');
      expect(res.json.error.message).toContain('body is not valid JSON');
      expect(res.json.error.message).toContain(`(position ${position})`);
      expect(res.json.error.message).toContain(`expected ${expected}`);
    },
  );

  it('reports line and column for a multi-line body', async () => {
    const res = await h.post('{\n  "diagnosis": {\n    "cancer": nsclc\n  }\n}', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json.error.message).toContain('line 3, column 15 (position 33)');
  });

  it('an empty body is 400 missing_body', async () => {
    const res = await h.post('', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('missing_body');
  });

  it('wrong types: 400 naming every problem by path', async () => {
    const res = await h.post({
      diagnosis: { cancer: 'nsclc', stage: 'V', recurrent: 'yes' },
      biomarkers: { gene: 'EGFR' },
      ecog: 7,
      age: 'fifty',
      sex: 'other',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('invalid_profile');
    expect(paths(res)).toEqual([
      'age',
      'biomarkers',
      'diagnosis.recurrent',
      'diagnosis.stage',
      'ecog',
      'sex',
    ]);
    expect(res.json.error.message).toMatch(/^the profile has 6 problems/);
  });

  it('a missing diagnosis and a body that is not an object', async () => {
    const noDiagnosis = await h.post({ age: 60 });
    expect(noDiagnosis.statusCode).toBe(400);
    expect(paths(noDiagnosis)).toEqual(['diagnosis']);
    const array = await h.post([minimal]);
    expect(array.statusCode).toBe(400);
    expect(array.json.error.code).toBe('invalid_profile');
  });

  it('unknown fields: 400 naming each, at any depth', async () => {
    const res = await h.post({
      diagnosis: { cancer: 'nsclc', stage: 'IVA', grade: 3 },
      biomarkers: [{ gene: 'EGFR', alteration: 'L858R', vaf: 0.3 }],
      smoker: true,
    });
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toEqual(['biomarkers.0.vaf', 'diagnosis.grade', 'smoker']);
    expect(
      res.json.error.details.find((d: { path: string }) => d.path === 'smoker').message,
    ).toContain('unknown field');
  });

  it('an oversize body: 413 with the limit, before any parsing', async () => {
    const huge = `{"diagnosis":{"cancer":"nsclc"},"pad":"${'x'.repeat(40 * 1024)}"`; // not even valid JSON
    const res = await h.post(huge, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json.error.code).toBe('body_too_large');
    expect(res.json.error.message).toContain('the limit is 32768 bytes');
  });

  it('the size limit is configurable', async () => {
    const small = h.newHandler({ maxBodyBytes: 20 });
    const res = await small(buildHttpEvent({ method: 'POST', path: '/v1/match', body: minimal }));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).error.message).toContain('the limit is 20 bytes');
  });

  it('a base64-encoded JSON body is decoded', async () => {
    const body = Buffer.from(JSON.stringify(minimal)).toString('base64');
    const res = await h.call({
      method: 'POST',
      path: '/v1/match',
      body,
      isBase64Encoded: true,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('a body that is not JSON by content type: 415', async () => {
    const res = await h.post(JSON.stringify(minimal), { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json.error.code).toBe('unsupported_media_type');
  });

  it('an out-of-scope cancer: 422 saying so', async () => {
    const res = await h.post({ diagnosis: { cancer: 'sclc', stage: 'IV' } });
    expect(res.statusCode).toBe(422);
    expect(res.json.error.code).toBe('out_of_scope');
    expect(paths(res)).toEqual(['diagnosis.cancer']);
    expect(res.json.error.message).toMatch(/non-small cell lung cancer/);
  });

  it.each([
    [{ postalCode: 'ABCDE', country: 'US' }, 'location.postalCode'],
    [{ postalCode: '00000', country: 'US' }, 'location.postalCode'],
    [{ postalCode: 'SW1A 1AA', country: 'GB' }, 'location.country'],
    [{ postalCode: '02115' }, 'location.country'],
  ])('a bad location %j: 400 at %s', async (location, path) => {
    const res = await h.post({ ...minimal, location });
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toContain(path);
  });

  it.each(['NCT123', 'NCT0123456789', 'XYZ01234567', "NCT01234567'--"])(
    'an odd NCT id %s: 400',
    async (id) => {
      const res = await h.call({ method: 'GET', path: `/v1/trials/${encodeURIComponent(id)}` });
      expect(res.statusCode).toBe(400);
      expect(res.json.error.code).toBe('invalid_nct_id');
    },
  );

  it('an unknown trial: 404; a lower-case id is understood', async () => {
    const missing = await h.call({ method: 'GET', path: '/v1/trials/NCT00000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json.error.code).toBe('trial_not_found');
    const lower = await h.call({ method: 'GET', path: '/v1/trials/nct99000001' });
    expect(lower.statusCode).toBe(200);
    expect(lower.json.nctId).toBe('NCT99000001');
  });

  it('an unknown route: 404; a wrong method: 405 with Allow', async () => {
    const unknown = await h.call({ method: 'GET', path: '/v2/match' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
    const wrong = await h.call({ method: 'GET', path: '/v1/match' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST, OPTIONS');
    const put = await h.call({ method: 'PUT', path: '/v1/trials/NCT99000001' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, OPTIONS');
  });
});

describe('headers', () => {
  const kinds = [
    ['match 200', { method: 'POST', path: '/v1/match', body: minimal }],
    ['page', { method: 'GET', path: '/' }],
    ['openapi', { method: 'GET', path: '/v1/openapi.json' }],
    ['health', { method: 'GET', path: '/health' }],
    ['trial', { method: 'GET', path: '/v1/trials/NCT99000002' }],
    [
      '400',
      {
        method: 'POST',
        path: '/v1/match',
        body: '{',
        headers: { 'content-type': 'application/json' },
      },
    ],
    ['404', { method: 'GET', path: '/nowhere' }],
    ['405', { method: 'DELETE', path: '/health' }],
    ['422', { method: 'POST', path: '/v1/match', body: { diagnosis: { cancer: 'breast' } } }],
  ] as const;

  it.each(kinds)('%s: security headers, cache-control and the sync time', async (_, input) => {
    const res = await h.call({
      ...input,
      headers: { origin: ORIGIN, ...('headers' in input ? input.headers : {}) },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBeTruthy();
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['x-data-synced-at']).toBe(SYNCED_AT);
    expect(res.headers['content-type']).toMatch(/^(application\/json|text\/html); charset=utf-8$/);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    if (res.json) expect(res.json.dataSyncedAt).toBe(SYNCED_AT);
    if (res.statusCode >= 400)
      expect(errorResponseSchema.safeParse(res.json).error).toBeUndefined();
  });

  it('the page gets its own CSP, hashing its inline script, and is HTML', async () => {
    const res = await h.call({ method: 'GET', path: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain('<form');
  });

  it('the match response is never cached; CORS only for configured origins', async () => {
    const res = await h.post(minimal, { origin: 'https://evil.example.com' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('OPTIONS preflight: 204 with the allowed methods for a configured origin', async () => {
    const res = await h.call({
      method: 'OPTIONS',
      path: '/v1/match',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toContain('content-type');
  });

  it('CORS origins come from CORS_ORIGINS when not given', async () => {
    const before = process.env.CORS_ORIGINS;
    process.env.CORS_ORIGINS = 'https://a.example, https://b.example/';
    try {
      const api = createApiHandler({ repo: h.repo, log: () => {} });
      const res = await api(
        buildHttpEvent({
          method: 'GET',
          path: '/health',
          headers: { origin: 'https://b.example' },
        }),
      );
      expect(res.headers['access-control-allow-origin']).toBe('https://b.example');
      expect(res.headers.vary).toBe('Origin');
    } finally {
      if (before === undefined) delete process.env.CORS_ORIGINS;
      else process.env.CORS_ORIGINS = before;
    }
  });
});

describe('compression', () => {
  it('gzips large bodies for clients that accept it, and only those', async () => {
    const plain = await h.call({ method: 'GET', path: '/v1/openapi.json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.isBase64Encoded).toBe(false);
    const zipped = await h.call({
      method: 'GET',
      path: '/v1/openapi.json',
      headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(zipped.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(zipped.body, 'base64')).toString('utf8')).toBe(plain.body);
    const refused = await h.call({
      method: 'GET',
      path: '/v1/openapi.json',
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const small = await h.call({
      method: 'GET',
      path: '/nowhere',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});

describe('health, trial detail, OpenAPI', () => {
  it('GET /health: freshness, counts, index', async () => {
    const res = await h.call({ method: 'GET', path: '/health' });
    expect(res.statusCode).toBe(200);
    expect(healthResponseSchema.safeParse(res.json).success).toBe(true);
    expect(res.json).toMatchObject({
      status: 'ok',
      lastSuccessAt: SYNCED_AT,
      dataTimestamp: '2026-11-25T09:00:00',
      syncRunning: false,
      index: { loaded: true, trials: FIXTURE_TRIALS.length },
    });
    const state = await h.repo.getSyncState();
    expect(res.json.index.version).toBe(state.indexVersion);
    expect(res.json.index.currentVersion).toBe(state.indexVersion);
    expect(res.json.trialCount).toBe(state.trialCount ?? FIXTURE_TRIALS.length);
  });

  it('GET /health says stale after two days and shows a running sync', async () => {
    const later = h.newHandler({ now: () => new Date('2026-11-30T00:00:00.000Z') });
    await h.repo.putSyncState({ running: true });
    try {
      const res = await later(buildHttpEvent({ method: 'GET', path: '/health' }));
      const body = JSON.parse(res.body);
      expect(body.status).toBe('stale');
      expect(body.syncRunning).toBe(true);
    } finally {
      await h.repo.putSyncState({ running: false });
    }
  });

  it('GET /v1/trials/{nctId}: summary, sites, criteria text, facts with quotes', async () => {
    const res = await h.call({ method: 'GET', path: '/v1/trials/NCT99000001' });
    expect(res.statusCode).toBe(200);
    const t = res.json;
    expect(trialDetailResponseSchema.safeParse(t).error).toBeUndefined();
    expect(t.title).toBe('Synthetic EGFR-mutant metastatic NSCLC study');
    expect(t.status).toBe('RECRUITING');
    expect(t.phases).toEqual(['PHASE2']);
    expect(t.conditions).toEqual(['Non-small Cell Lung Cancer']);
    expect(t.url).toBe('https://clinicaltrials.gov/study/NCT99000001');
    expect(t.eligibility.criteria).toContain('Confirmed EGFR mutation (exon 19 deletion or L858R)');
    expect(t.sites.map((s: { city: string }) => s.city)).toEqual(['Boston', 'Los Angeles']);
    expect(t.sites[0].contacts[0].phone).toBe('555-0199');
    const quotes = t.facts.criteria.map((c: { evidence: { quote: string } }) => c.evidence.quote);
    expect(quotes).toContain('Prior treatment with any EGFR TKI');
    for (const q of quotes) expect(t.eligibility.criteria).toContain(q);
    expect(t.dataSyncedAt).toBe(SYNCED_AT);
  });

  it('GET /v1/openapi.json: OpenAPI 3.1 for the four routes, errors described, every $ref resolves', async () => {
    const res = await h.call({ method: 'GET', path: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health',
      '/v1/match',
      '/v1/openapi.json',
      '/v1/trials/{nctId}',
    ]);
    const match = doc.paths['/v1/match'].post;
    expect(Object.keys(match.responses).sort()).toEqual(
      expect.arrayContaining(['200', '400', '413', '422']),
    );
    expect(Object.keys(doc.paths['/v1/trials/{nctId}'].get.responses)).toEqual(
      expect.arrayContaining(['400', '404']),
    );
    const request = doc.components.schemas.MatchRequest;
    expect(request.required).toContain('diagnosis');
    expect(Object.keys(request.properties)).toEqual(
      expect.arrayContaining([
        'diagnosis',
        'biomarkers',
        'priorTherapies',
        'location',
        'filters',
        'options',
      ]),
    );
    expect(request.additionalProperties).toBe(false);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) {
      const target = r.slice('"$ref":"#/'.length, -1).split('/');
      let node = doc;
      for (const part of target) node = node?.[part];
      expect(node, r).toBeDefined();
    }
    const again = await h.newHandler()(buildHttpEvent({ method: 'GET', path: '/v1/openapi.json' }));
    const { dataSyncedAt: _a, ...first } = doc;
    const { dataSyncedAt: _b, ...second } = JSON.parse(again.body);
    expect(second).toEqual(first);
  });
});

describe('the Lambda entry point', () => {
  it('builds its repository from TABLE_NAME and DYNAMODB_ENDPOINT', async () => {
    const saved = { t: process.env.TABLE_NAME, e: process.env.DYNAMODB_ENDPOINT };
    process.env.TABLE_NAME = h.tableName;
    process.env.DYNAMODB_ENDPOINT = h.endpoint;
    try {
      const res = await handler(buildHttpEvent({ method: 'GET', path: '/v1/trials/NCT99000003' }));
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).title).toBe('Synthetic KRAS G12C inhibitor study');
    } finally {
      for (const [k, v] of [
        ['TABLE_NAME', saved.t],
        ['DYNAMODB_ENDPOINT', saved.e],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('failures never leak internals', () => {
  const failing = (method: keyof StudyRepository): StudyRepository => {
    const repo = h.repo;
    return new Proxy(repo, {
      get(target, prop, receiver) {
        if (prop === method) {
          return async () => {
            throw new Error(
              'ResourceNotFoundException: table arn:aws:dynamodb:secret-table-x not found',
            );
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as StudyRepository;
  };

  it('a store error: 500 with a request id, nothing internal in the body, logged as error', async () => {
    const logs: string[] = [];
    const api = createApiHandler({
      repo: failing('getStudy'),
      log: (l, m, f) => logs.push(JSON.stringify({ l, m, ...f })),
    });
    const res = await api(
      buildHttpEvent({ method: 'GET', path: '/v1/trials/NCT99000001', requestId: 'req-500' }),
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret-table');
    expect(res.body).not.toContain('ResourceNotFound');
    expect(JSON.parse(res.body).error.message).toContain('req-500');
    const line = logs.map((l) => JSON.parse(l)).find((l) => l.m === 'request');
    expect(line).toMatchObject({
      l: 'error',
      status: 500,
      requestId: 'req-500',
      errorName: 'Error',
    });
  });

  it('an index that cannot be loaded at all: 503 with retry-after', async () => {
    const api = createApiHandler({ repo: failing('loadMatchIndex'), log: () => {} });
    const res = await api(buildHttpEvent({ method: 'POST', path: '/v1/match', body: minimal }));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).not.toContain('secret-table');
  });
});

describe('logs', () => {
  it('one structured line per request with id, route, status, latency, counts, and no request value', async () => {
    const logs: string[] = [];
    const api = h.newHandler({
      log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })),
    });
    const profile = {
      diagnosis: { cancer: 'nsclc', histology: 'squamous', stage: 'IIIB' },
      biomarkers: [{ gene: 'EGFR', alteration: 'Ex19del' }],
      priorTherapies: [{ drug: 'Zorblatinib-Marker', line: 1 }],
      age: 87,
      location: { postalCode: '10016', country: 'US', maxDistanceKm: 4321 },
    };
    const ok = await api(
      buildHttpEvent({ method: 'POST', path: '/v1/match', body: profile, requestId: 'req-log-1' }),
    );
    expect(ok.statusCode).toBe(200);
    await api(
      buildHttpEvent({
        method: 'POST',
        path: '/v1/match',
        body: '{"secret": MARKER-JSON',
        headers: { 'content-type': 'application/json' },
      }),
    );
    await api(
      buildHttpEvent({
        method: 'POST',
        path: '/v1/match',
        body: { ...profile, age: 'MARKER-AGE' },
      }),
    );
    await api(
      buildHttpEvent({
        method: 'POST',
        path: '/v1/match',
        body: { diagnosis: { cancer: 'MARKER-CANCER' } },
      }),
    );

    const lines = logs.map((l) => JSON.parse(l));
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(4);
    expect(requests[0]).toMatchObject({
      requestId: 'req-log-1',
      route: 'POST /v1/match',
      status: 200,
    });
    expect(typeof requests[0].latencyMs).toBe('number');
    expect(typeof requests[0].results).toBe('number');
    expect(requests.slice(1).map((l) => l.status)).toEqual([400, 400, 422]);
    const all = logs.join('\n');
    for (const secret of [
      'MARKER',
      'Zorblatinib',
      'Ex19del',
      'exon19del',
      'squamous',
      'IIIB',
      '10016',
      '4321',
      '"age"',
      'EGFR',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    for (const l of lines)
      for (const key of Object.keys(l))
        expect(['body', 'profile', 'headers', 'event']).not.toContain(key);
  });
});

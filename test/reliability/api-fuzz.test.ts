/**
 * Property-based bad input against the real API handler (createApiHandler on dynalite, the
 * hand-written fixture trials), in-process through real API Gateway v2 events.
 *
 * Over 10,000 generated and mutated requests — valid profiles, profiles with one value
 * swapped for anything, prototype-pollution keys, huge arrays, deep nesting, unicode, invalid
 * and truncated JSON, empty and oversize bodies, base64 bodies, odd content types, odd
 * methods and paths, odd NCT ids — must each get, within a time bound:
 *   - a 4xx whose body is the documented error shape with a non-empty message, or
 *   - a 200 whose body is schema-valid for its route (the match response schema, the trial
 *     detail schema), or a 204 preflight;
 * never a 5xx. Every response carries the security headers. Afterwards Object.prototype
 * (and Array/String/Function prototypes) have no new properties, and no log line carries a
 * marker planted in every body.
 *
 * Fixed seed, so a failure is reproducible; the count is printed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpEvent, type EventInput } from '#http/event-builder.ts';
import type { HttpResult } from '#http/types.ts';
import { matchResponseSchema } from '#matching/response-schema.ts';
import {
  ALTERATIONS_BY_GENE,
  BRAIN_METASTASES,
  GENES,
  HISTOLOGIES,
  OVERALL_STATUSES,
  PHASES,
  SEXES,
  STAGES,
  THERAPY_CLASSES,
  THERAPY_SETTINGS,
} from '#vocabulary/codes.ts';
import type { ApiHandler } from '../../functions/api/handler.ts';
import { errorResponseSchema, trialDetailResponseSchema } from '../../functions/api/schemas.ts';
import { type ApiHarness, startApi } from '../fixtures/api/harness.ts';
import { FIXTURE_TRIALS } from '../fixtures/api/trials.ts';
import { prototypeSnapshot, withinMs, writeArtifact } from './support/bounded.ts';

const SEED = 20261127;
const CALL_BOUND_MS = 5_000;
/** Planted in every generated body: it must never show up in a log line. */
const MARKER = 'Zq9MARKERq9Z';

let h: ApiHarness;
/** A second handler with a 1 MB limit, so huge arrays and deep nesting reach the parser. */
let roomy: ApiHandler;
const protoBefore = prototypeSnapshot();
const tally = { requests: 0, byStatus: {} as Record<number, number>, slowestMs: 0 };
const perProperty: Record<string, number> = {};

beforeAll(async () => {
  h = await startApi({
    trials: FIXTURE_TRIALS,
    lastSuccessAt: '2026-11-26T03:00:00.000Z',
    handler: { now: () => new Date('2026-11-27T00:00:00.000Z') },
  });
  roomy = h.newHandler({ maxBodyBytes: 1024 * 1024 });
  // Warm the index so that the first property does not pay the load.
  await h.api(buildHttpEvent({ method: 'GET', path: '/health' }));
});

afterAll(async () => {
  const path = writeArtifact('reliability.json', {
    apiFuzz: { seed: SEED, ...tally, perProperty },
  });
  console.log(
    `[api-fuzz] ${tally.requests} requests (seed ${SEED}); by status ${JSON.stringify(tally.byStatus)}; slowest ${tally.slowestMs.toFixed(1)} ms → ${path}`,
  );
  await h?.close();
});

const SECURITY_HEADERS = [
  'x-content-type-options',
  'strict-transport-security',
  'referrer-policy',
  'x-frame-options',
  'content-security-policy',
];

/** Sends one event and checks the universal contract; returns the response for more checks. */
async function send(
  input: EventInput,
  api: ApiHandler = h.api,
  tag = 'other',
): Promise<HttpResult> {
  const started = performance.now();
  const res = await withinMs(
    api(buildHttpEvent(input)),
    CALL_BOUND_MS,
    `${input.method} ${input.path.slice(0, 80)}`,
  );
  const ms = performance.now() - started;
  tally.requests++;
  perProperty[tag] = (perProperty[tag] ?? 0) + 1;
  tally.byStatus[res.statusCode] = (tally.byStatus[res.statusCode] ?? 0) + 1;
  if (ms > tally.slowestMs) tally.slowestMs = ms;

  for (const name of SECURITY_HEADERS) expect(res.headers[name], name).toBeTruthy();
  expect(res.headers['x-request-id']).toBeTruthy();
  if (res.statusCode >= 500) {
    throw new Error(`5xx for ${input.method} ${input.path}: ${res.statusCode} ${res.body}`);
  }
  expect([200, 204, 400, 404, 405, 413, 415, 422]).toContain(res.statusCode);
  if (res.statusCode >= 400) {
    const body = errorResponseSchema.parse(JSON.parse(res.body));
    expect(body.error.status).toBe(res.statusCode);
    expect(body.error.message.length).toBeGreaterThan(10);
  }
  return res;
}

function expectMatchAnswer(res: HttpResult) {
  if (res.statusCode === 200) {
    const parsed = matchResponseSchema.safeParse(JSON.parse(res.body));
    if (!parsed.success) throw new Error(`200 with an invalid body: ${parsed.error.message}`);
  } else {
    // A match request is either answered or refused for what it sent.
    expect([400, 413, 415, 422]).toContain(res.statusCode);
  }
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

const oneOf = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const ALTERATIONS = [
  'L858R',
  'exon19del',
  'Ex19del',
  'T790M',
  'fusion',
  'G12C',
  'V600E',
  'exon14_skipping',
  'amplification',
  'mutation',
  MARKER,
];

const biomarker = fc.record(
  {
    gene: fc.oneof(oneOf(GENES), oneOf(['HER2', 'c-MET', 'EML4-ALK', 'pd-l1', MARKER])),
    alteration: oneOf(ALTERATIONS),
    status: oneOf(['positive', 'negative'] as const),
    tps: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: ['gene'] },
);
const therapy = fc.oneof(
  fc.record(
    {
      drug: oneOf(['osimertinib', 'Tagrisso', 'pembrolizumab', 'carboplatin', `drug-${MARKER}`]),
      setting: oneOf(THERAPY_SETTINGS),
      progressed: fc.boolean(),
      line: fc.integer({ min: 1, max: 4 }),
    },
    { requiredKeys: ['drug'] },
  ),
  fc.record({ class: oneOf(THERAPY_CLASSES), line: fc.integer({ min: 1, max: 4 }) }),
);
const location = fc.oneof(
  fc.record({
    postalCode: oneOf(['02115', '10016', '90095', '99999', MARKER.slice(0, 12)]),
    country: oneOf(['US', 'us', 'FR']),
    maxDistanceKm: fc.integer({ min: 1, max: 20_000 }),
  }),
  fc.record({
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
  }),
);
/** A profile in the product's vocabulary (it may still contradict itself: then a 400). */
const profile = fc.record(
  {
    diagnosis: fc.record(
      {
        cancer: oneOf(['nsclc', 'NSCLC', 'sclc', MARKER]),
        histology: oneOf([...HISTOLOGIES, 'non_squamous']),
        stage: oneOf(STAGES),
        recurrent: fc.boolean(),
        resected: fc.boolean(),
      },
      { requiredKeys: ['cancer'] },
    ),
    biomarkers: fc.array(biomarker, { maxLength: 4 }),
    priorTherapies: fc.array(therapy, { maxLength: 3 }),
    brainMetastases: oneOf(BRAIN_METASTASES),
    ecog: fc.integer({ min: 0, max: 4 }),
    age: fc.integer({ min: 18, max: 100 }),
    sex: oneOf(SEXES),
    location,
    filters: fc.record(
      {
        statuses: fc.uniqueArray(oneOf(OVERALL_STATUSES), { minLength: 1, maxLength: 3 }),
        phases: fc.uniqueArray(oneOf(PHASES), { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    options: fc.record(
      { includeExcluded: fc.boolean(), limit: fc.integer({ min: 1, max: 1000 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['diagnosis'] },
);

/** A profile the contract accepts: vocabulary codes only, one result per gene, a known ZIP. */
const cleanBiomarker = oneOf(GENES).chain((gene) => {
  const codes = ALTERATIONS_BY_GENE[gene] as readonly string[];
  return fc.record(
    {
      gene: fc.constant(gene),
      ...(codes.length > 0 ? { alteration: oneOf(codes) } : {}),
      status: oneOf(['positive', 'negative'] as const),
      ...(gene === 'PD-L1' ? { tps: fc.integer({ min: 1, max: 100 }) } : {}),
    },
    { requiredKeys: ['gene'] },
  );
});
const cleanProfile = fc.record(
  {
    diagnosis: fc.record(
      {
        cancer: oneOf(['nsclc', 'NSCLC', ' nsclc ']),
        histology: oneOf([...HISTOLOGIES, 'non_squamous']),
        stage: oneOf(STAGES),
        recurrent: fc.boolean(),
        resected: fc.boolean(),
      },
      { requiredKeys: ['cancer'] },
    ),
    biomarkers: fc
      .uniqueArray(cleanBiomarker, { maxLength: 4, selector: (b) => b.gene })
      .map((list) =>
        // PD-L1 'negative' with a TPS of 1 or more is a contradiction the API refuses.
        list.map((b) => (b.gene === 'PD-L1' ? { ...b, status: 'positive' as const } : b)),
      ),
    priorTherapies: fc.array(
      fc.oneof(
        fc.record(
          {
            drug: oneOf(['osimertinib', 'Tagrisso', 'pembrolizumab', 'carboplatin', 'AZD9291']),
            setting: oneOf(THERAPY_SETTINGS),
            progressed: fc.boolean(),
            line: fc.integer({ min: 1, max: 4 }),
          },
          { requiredKeys: ['drug'] },
        ),
        fc.record({ class: oneOf(THERAPY_CLASSES), line: fc.integer({ min: 1, max: 4 }) }),
      ),
      { maxLength: 3 },
    ),
    brainMetastases: oneOf(BRAIN_METASTASES),
    ecog: fc.integer({ min: 0, max: 4 }),
    age: fc.integer({ min: 18, max: 100 }),
    sex: oneOf(SEXES),
    location: fc.oneof(
      fc.record({
        postalCode: oneOf(['02115', '10016', '90095', '60601']),
        country: oneOf(['US', 'us']),
        maxDistanceKm: fc.integer({ min: 1, max: 20_000 }),
      }),
      fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      }),
    ),
    filters: fc.record(
      {
        statuses: fc.uniqueArray(oneOf(OVERALL_STATUSES), { minLength: 1, maxLength: 3 }),
        phases: fc.uniqueArray(oneOf(PHASES), { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    options: fc.record(
      { includeExcluded: fc.boolean(), limit: fc.integer({ min: 1, max: 1000 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['diagnosis'] },
);

/** Anything JSON can hold, with odd strings, including the marker. */
const oddString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  oneOf([
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u202E',
    'NaN',
    '-0',
    '1e309',
    '__proto__',
    MARKER,
    '😀'.repeat(40),
  ]),
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), oddString), { maxLength: 5 }),
  fc.dictionary(oddString, fc.oneof(fc.integer(), oddString), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = unknown;
/** Every path to a value inside a JSON document (the root included as []). */
function pathsOf(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) pathsOf(x, [...at, i], out);
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}
function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}
/** A profile with one value anywhere replaced by anything (wrong types, odd strings, …). */
const mutatedProfile = fc.tuple(profile, fc.nat(), oddValue).map(([p, pick, value]) => {
  const paths = pathsOf(p);
  return setAt(p, paths[pick % paths.length] as (string | number)[], value);
});

/** Raw JSON text with a prototype-pollution key spliced in as an own property. */
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const pollutedText = fc
  .tuple(profile, oneOf(POLLUTION_KEYS), fc.nat(), fc.boolean())
  .map(([p, key, pick, nested]) => {
    const payload = nested
      ? `{"prototype":{"polluted":"${MARKER}"},"polluted":"${MARKER}","isAdmin":true}`
      : `{"polluted":"${MARKER}","toString":"${MARKER}"}`;
    const text = JSON.stringify(p);
    // Splice after one of the opening braces: the key lands on the root or on a nested object.
    const braces = [...text.matchAll(/\{/g)].map((m) => m.index ?? 0);
    const at = (braces[pick % braces.length] ?? 0) + 1;
    return `${text.slice(0, at)}"${key}":${payload},${text.slice(at)}`;
  });

const deep = (depth: number, open: string, close: string, leaf: string) =>
  open.repeat(depth) + leaf + close.repeat(depth);
/** Huge arrays and deep nesting in every position a profile has. */
const hugeOrDeep = fc
  .tuple(
    oneOf(['biomarkers', 'priorTherapies', 'diagnosis', 'filters', 'unknownField', 'age']),
    oneOf(['array', 'deepArray', 'deepObject', 'manyKeys', 'longString'] as const),
    fc.integer({ min: 100, max: 20_000 }),
  )
  .map(([field, kind, n]) => {
    let value: string;
    switch (kind) {
      case 'array':
        value = `[${Array.from({ length: n }, () => `{"gene":"EGFR","alteration":"${MARKER}"}`).join(',')}]`;
        break;
      case 'deepArray':
        value = deep(n, '[', ']', `"${MARKER}"`);
        break;
      case 'deepObject':
        value = deep(Math.min(n, 5_000), '{"a":', '}', `"${MARKER}"`);
        break;
      case 'manyKeys':
        value = `{${Array.from({ length: Math.min(n, 5_000) }, (_, i) => `"k${i}":"${MARKER}"`).join(',')}}`;
        break;
      case 'longString':
        value = JSON.stringify(MARKER + 'x'.repeat(n * 20));
        break;
    }
    return `{"diagnosis":{"cancer":"nsclc"},"${field}":${value}}`;
  });

/** Broken JSON: truncations, insertions and deletions of valid bodies, and plain garbage. */
const brokenText = fc.oneof(
  fc.tuple(profile, fc.nat()).map(([p, cut]) => {
    const t = JSON.stringify({ ...p, note: MARKER });
    return t.slice(0, cut % t.length);
  }),
  fc
    .tuple(profile, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
    .map(([p, at, junk]) => {
      const t = JSON.stringify({ ...p, note: MARKER });
      const i = at % t.length;
      return t.slice(0, i) + junk + t.slice(i);
    }),
  fc.tuple(profile, fc.nat(), fc.integer({ min: 1, max: 5 })).map(([p, at, n]) => {
    const t = JSON.stringify({ ...p, note: MARKER });
    const i = at % t.length;
    return t.slice(0, i) + t.slice(i + n);
  }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `${s}${MARKER}`),
  oneOf([
    '',
    ' ',
    '\n\t',
    'null',
    'true',
    '0',
    '[]',
    '""',
    '{}',
    `"${MARKER}"`,
    `[{"diagnosis":{"cancer":"nsclc","note":"${MARKER}"}}]`,
    `{"diagnosis":{"cancer":"nsclc"}}{"x":"${MARKER}"}`,
    `\uFEFF{"diagnosis":{"cancer":"nsclc","x":"${MARKER}"}}`,
    `{"diagnosis":{"cancer":"nsclc"},"age":1e400,"x":"${MARKER}"}`,
    `{"diagnosis":{"cancer":"nsclc"},"age":NaN,"x":"${MARKER}"}`,
    `{'diagnosis':{'cancer':'${MARKER}'}}`,
    `{"diagnosis":{"cancer":"\\ud800${MARKER}"}}`,
  ]),
);

const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/vnd.api+json; charset=latin1',
  'application/jsonx',
  'application/json-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  '',
  ' ',
  '*/*',
  'application/json\u0000',
  'applicätion/jsön',
];

/** Bodies with odd transport: content types, base64 (valid and not), odd headers. */
const transport = fc.record({
  body: fc.oneof(
    profile.map((p) => JSON.stringify({ ...p, diagnosis: { ...p.diagnosis, cancer: 'nsclc' } })),
    brokenText,
    fc.constant(`{"diagnosis":{"cancer":"nsclc"},"x":"${MARKER}"}`),
  ),
  contentType: oneOf(CONTENT_TYPES),
  base64: oneOf(['no', 'valid', 'invalid', 'double'] as const),
  extraHeaders: fc.dictionary(
    oneOf([
      'origin',
      'accept',
      'content-encoding',
      'x-forwarded-for',
      'user-agent',
      'cookie',
      'content-length',
      'transfer-encoding',
    ]),
    fc.oneof(oddString, fc.constant(MARKER)),
    { maxKeys: 3 },
  ),
});

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'post',
  'TRACE',
  'CONNECT',
  'FOO',
  '',
];
const PATHS = [
  '/v1/match',
  '/v1/match/',
  '//v1//match',
  '/V1/MATCH',
  '/v1/match?x=1&x=2',
  '/v1/match/extra',
  '/v1/trials',
  '/v1/trials/',
  '/v1/openapi.json',
  '/health',
  '/',
  '',
  '/%',
  '/%zz',
  '/..%2f..%2fetc/passwd',
  '/v1/%6datch',
  '/v1/match%00',
  '/ü/🙂',
  `/v1/${'a'.repeat(5000)}`,
  '/v1/trials/NCT99000001/extra',
];
const anyPath = fc.oneof(
  oneOf(PATHS),
  fc
    .array(
      fc.oneof(
        oneOf(['v1', 'match', 'trials', '..', '.', '%2F', '']),
        fc.string({ maxLength: 12 }),
      ),
      {
        maxLength: 5,
      },
    )
    .map((segs) => `/${segs.join('/')}`),
);

const nctIds = fc.oneof(
  oneOf([
    'NCT99000001',
    'nct99000001',
    'NcT99000002',
    'NCT9900001',
    'NCT990000011',
    'NCT00000000',
    'NCT12345678',
    'NCT-99000001',
    ' NCT99000001',
    'NCT99000001 ',
    'NCT９９０００００１',
    'NCT99000001%00',
    '%4E%43%54%39%39%30%30%30%30%30%31',
    'NCT99000001%2F..',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '%',
    '%E0%A4%A',
    'NCT',
    'N'.repeat(3000),
    `NCT${'9'.repeat(500)}`,
    '..',
    '.',
  ]),
  fc.integer({ min: 0, max: 99_999_999 }).map((n) => `NCT${String(n).padStart(8, '0')}`),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `NCT${encodeURIComponent(s)}`),
);

const RUNS = {
  valid: 1_000,
  noisy: 800,
  mutated: 2_500,
  polluted: 1_200,
  hugeOrDeep: 300,
  broken: 2_000,
  transport: 1_500,
  routes: 1_000,
  nctIds: 1_000,
};
const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

describe('POST /v1/match: generated and mutated bodies never get a 5xx or hang', () => {
  it(`profiles within the contract: a schema-valid 200 (${RUNS.valid} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(cleanProfile, async (p) => {
        const res = await send({ method: 'POST', path: '/v1/match', body: p }, h.api, 'valid');
        if (res.statusCode !== 200) throw new Error(`refused ${res.statusCode}: ${res.body}`);
        expectMatchAnswer(res);
      }),
      params(RUNS.valid),
    );
  });

  it(`profiles with noisy vocabulary: a schema-valid 200 or a 4xx naming the problem (${RUNS.noisy} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(profile, async (p) => {
        const res = await send({ method: 'POST', path: '/v1/match', body: p }, h.api, 'noisy');
        expectMatchAnswer(res);
        // Out of scope (422) only for a cancer other than NSCLC.
        if (res.statusCode === 422) expect(p.diagnosis.cancer.toLowerCase()).not.toBe('nsclc');
      }),
      params(RUNS.noisy),
    );
  });

  it(`profiles with one value anywhere replaced by anything (${RUNS.mutated} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedProfile, async (body) => {
        expectMatchAnswer(
          await send({ method: 'POST', path: '/v1/match', body }, h.api, 'mutated'),
        );
      }),
      params(RUNS.mutated),
    );
  });

  it(`__proto__ / constructor / prototype keys at any depth (${RUNS.polluted} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(pollutedText, async (text) => {
        const res = await send(
          {
            method: 'POST',
            path: '/v1/match',
            body: text,
            headers: { 'content-type': 'application/json' },
          },
          h.api,
          'polluted',
        );
        expectMatchAnswer(res);
        // An unknown key is refused by name, never silently merged.
        expect(res.statusCode).toBe(400);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      params(RUNS.polluted),
    );
  });

  it(`huge arrays, deep nesting, many keys, long strings, under a 1 MB limit (${RUNS.hugeOrDeep} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(hugeOrDeep, async (text) => {
        const res = await send(
          {
            method: 'POST',
            path: '/v1/match',
            body: text,
            headers: { 'content-type': 'application/json' },
          },
          roomy,
          'hugeOrDeep',
        );
        expectMatchAnswer(res);
        if (res.statusCode === 200) throw new Error('a huge or deep field was accepted');
      }),
      params(RUNS.hugeOrDeep),
    );
  });

  it(`invalid, truncated and garbage JSON, empty bodies (${RUNS.broken} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(brokenText, async (text) => {
        expectMatchAnswer(
          await send(
            {
              method: 'POST',
              path: '/v1/match',
              body: text,
              headers: { 'content-type': 'application/json' },
            },
            h.api,
            'broken',
          ),
        );
      }),
      params(RUNS.broken),
    );
  });

  it(`content types, base64 bodies, odd headers (${RUNS.transport} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(transport, async ({ body, contentType, base64, extraHeaders }) => {
        let sent = body;
        if (base64 === 'valid') sent = Buffer.from(body, 'utf8').toString('base64');
        if (base64 === 'double')
          sent = Buffer.from(Buffer.from(body).toString('base64')).toString('base64');
        if (base64 === 'invalid') sent = `${body}!!==`;
        const headers: Record<string, string> = { ...extraHeaders };
        if (contentType !== undefined) headers['content-type'] = contentType;
        const res = await send(
          {
            method: 'POST',
            path: '/v1/match',
            body: sent,
            headers,
            isBase64Encoded: base64 !== 'no',
          },
          h.api,
          'transport',
        );
        expectMatchAnswer(res);
        const jsonType = !contentType || /^\s*application\/([\w.+-]+\+)?json\b/i.test(contentType);
        if (!jsonType) expect(res.statusCode).toBe(415);
      }),
      params(RUNS.transport),
    );
  });

  it('an oversize body is 413 before parsing, plain or base64', async () => {
    for (const size of [32 * 1024 + 1, 100_000, 6 * 1024 * 1024]) {
      const big = `{"diagnosis":{"cancer":"nsclc"},"x":"${MARKER}${'y'.repeat(size)}"}`;
      const plain = await send({
        method: 'POST',
        path: '/v1/match',
        body: big,
        headers: { 'content-type': 'application/json' },
      });
      expect(plain.statusCode).toBe(413);
      const b64 = await send({
        method: 'POST',
        path: '/v1/match',
        body: Buffer.from(big).toString('base64'),
        headers: { 'content-type': 'application/json' },
        isBase64Encoded: true,
      });
      expect(b64.statusCode).toBe(413);
    }
  });
});

describe('methods, paths and trial ids never get a 5xx', () => {
  it(`any method on any path (${RUNS.routes} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        oneOf(METHODS),
        anyPath,
        fc.option(oddString),
        async (method, path, body) => {
          const res = await send(
            { method: method || 'GET', path, ...(body !== null ? { body: String(body) } : {}) },
            h.api,
            'routes',
          );
          if (res.statusCode === 405) expect(res.headers.allow).toMatch(/OPTIONS/);
        },
      ),
      params(RUNS.routes),
    );
  });

  it(`GET /v1/trials/{nctId} with odd ids: 200 schema-valid for a stored trial, else 400/404 (${RUNS.nctIds} runs)`, async () => {
    const stored = new Set(
      FIXTURE_TRIALS.map((t) => t.study.protocolSection.identificationModule.nctId),
    );
    let found = 0;
    await fc.assert(
      fc.asyncProperty(nctIds, async (id) => {
        const res = await send({ method: 'GET', path: `/v1/trials/${id}` }, h.api, 'nctIds');
        expect([200, 400, 404]).toContain(res.statusCode);
        if (res.statusCode === 200) {
          found++;
          const detail = trialDetailResponseSchema.parse(JSON.parse(res.body));
          expect(stored.has(detail.nctId)).toBe(true);
        }
      }),
      params(RUNS.nctIds),
    );
    expect(found).toBeGreaterThan(0);
  });
});

describe('after everything', () => {
  it('reached at least 10,000 requests', () => {
    expect(tally.requests).toBeGreaterThanOrEqual(10_000);
  });

  it('no prototype was polluted', () => {
    expect(prototypeSnapshot()).toBe(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('no log line carries anything from a body', () => {
    expect(h.logs.length).toBeGreaterThan(1_000);
    const leaking = h.logs.filter((l) => l.includes(MARKER) || l.includes('polluted'));
    expect(leaking.slice(0, 3)).toEqual([]);
  });
});

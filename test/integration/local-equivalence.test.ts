/**
 * The local server and the Lambda give the same answers. One table in dynalite, filled by the
 * real sync from the replay server over this room's hand-written studies; on one side the
 * deployed entry point (`handler`, configured from TABLE_NAME / DYNAMODB_ENDPOINT) invoked
 * with API Gateway HTTP API v2 events written here the way API Gateway writes them; on the
 * other side the local server as `npm start` builds it, over HTTP. Same requests, same
 * status, same body, same content headers.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCtgovClient } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { runSync } from '#sync/run-sync.ts';
import { type EmbeddedDynamo, startDynalite } from '../../local/dynalite.ts';
import { type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import { createLocalApi } from '../../local/server/local-api.ts';
import { FIXTURES_DIR } from '../support/shared-data.ts';

type LambdaHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

interface Request {
  name: string;
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** The headers that describe the content; ids and dates differ per call by design. */
const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'content-security-policy',
  'x-data-synced-at',
];

/** An event as API Gateway (HTTP API, payload 2.0, `$default` stage) delivers it. */
function apiGatewayEvent(r: Request): APIGatewayProxyEventV2 {
  const body = r.body;
  const headers: Record<string, string> = {
    accept: '*/*',
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'equivalence-test',
    'x-amzn-trace-id': `Root=1-${randomUUID()}`,
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...r.headers,
  };
  const query = r.query ?? '';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: query,
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'equivalence-test',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:01:00:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
  if (query) event.queryStringParameters = Object.fromEntries(new URLSearchParams(query));
  if (body !== undefined) event.body = body;
  return event;
}

/** What a client receives from API Gateway for a Lambda's structured result. */
function fromLambda(result: APIGatewayProxyStructuredResultV2): Answer {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
    : (result.body ?? '');
  return { status: result.statusCode ?? 200, headers, body };
}

/** Bodies compared as data, without the fields that record when or how fast they were made. */
function comparable(answer: Answer): unknown {
  const headers = Object.fromEntries(COMPARED_HEADERS.map((h) => [h, answer.headers[h]]));
  let body: unknown = answer.body;
  if (answer.headers['content-type']?.includes('json') && answer.body) {
    body = JSON.parse(answer.body, (key, value) =>
      ['generatedAt', 'requestId', 'ageSeconds', 'loadedAt', 'loadMs'].includes(key)
        ? '<varies>'
        : value,
    );
  }
  return { status: answer.status, headers, body };
}

const fullProfile = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA' },
  biomarkers: [
    { gene: 'KRAS', alteration: 'G12C' },
    { gene: 'PD-L1', tps: 20 },
  ],
  priorTherapies: [{ drug: 'Keytruda', line: 1, progressed: true, setting: 'metastatic' }],
  brainMetastases: 'none',
  ecog: 1,
  age: 64,
  location: { postalCode: '02115', country: 'US', maxDistanceKm: 5000 },
};
const json = { 'content-type': 'application/json' };

const REQUESTS: Request[] = [
  { name: 'the page', method: 'GET', path: '/' },
  { name: 'health', method: 'GET', path: '/health' },
  { name: 'openapi', method: 'GET', path: '/v1/openapi.json' },
  { name: 'one trial', method: 'GET', path: '/v1/trials/NCT09100001' },
  { name: 'a trial not stored', method: 'GET', path: '/v1/trials/NCT09999999' },
  { name: 'a malformed trial id', method: 'GET', path: '/v1/trials/not-an-id' },
  {
    name: 'match, a full profile',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: JSON.stringify(fullProfile),
  },
  {
    name: 'match, oncologist view over every status',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: JSON.stringify({
      ...fullProfile,
      filters: { statuses: ['RECRUITING', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING'] },
      options: { includeExcluded: true },
    }),
  },
  {
    name: 'match, almost nothing known',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: '{"diagnosis":{"cancer":"nsclc"}}',
  },
  { name: 'bad JSON', method: 'POST', path: '/v1/match', headers: json, body: '{"diagnosis":' },
  {
    name: 'bad fields',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: JSON.stringify({
      diagnosis: { cancer: 'nsclc', stage: 'V' },
      ecog: 9,
      biomarkers: [{ gene: 'XYZ' }],
    }),
  },
  {
    name: 'out of scope cancer',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: '{"diagnosis":{"cancer":"sclc"}}',
  },
  { name: 'no body', method: 'POST', path: '/v1/match', headers: json },
  {
    name: 'a body over the limit',
    method: 'POST',
    path: '/v1/match',
    headers: json,
    body: JSON.stringify({ diagnosis: { cancer: 'nsclc' }, padding: 'x'.repeat(64 * 1024) }),
  },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/v1/match',
    headers: { 'content-type': 'text/plain' },
    body: '{}',
  },
  { name: 'wrong method', method: 'DELETE', path: '/v1/match' },
  { name: 'unknown route', method: 'GET', path: '/v2/nothing' },
];

describe('the local server answers exactly as the Lambda does', () => {
  let dynamo: EmbeddedDynamo;
  let replay: ReplayServer;
  let lambda: LambdaHandler;
  let base = '';
  let close: () => Promise<void>;
  const saved = { ...process.env };

  beforeAll(async () => {
    dynamo = await startDynalite();
    const tableName = `equivalence-${randomUUID().slice(0, 8)}`;
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    await createTable(doc, tableName);
    const repo = createDynamoRepository({ doc, tableName });

    replay = await startReplayServer({ dir: resolve(FIXTURES_DIR, 'local/studies') });
    const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });
    const summary = await runSync({ client, repo, extract: extractFacts, mode: 'full' });
    await client.close();
    expect(summary.status).toBe('completed');
    expect(summary.trialCount).toBe(3);

    // The deployed entry point reads its configuration from the environment on first use.
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    const mod = (await import('../../functions/api/handler.ts')) as { handler: unknown };
    lambda = mod.handler as LambdaHandler;

    const { server } = createLocalApi({ repo, log: () => {} });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise<void>((r) => server.close(() => r()));
  }, 120_000);

  afterAll(async () => {
    await close?.();
    await replay?.close();
    await dynamo?.close();
    process.env = saved;
  });

  async function viaLocal(r: Request): Promise<Answer> {
    const res = await fetch(`${base}${r.path}${r.query ? `?${r.query}` : ''}`, {
      method: r.method,
      headers: r.headers ?? {},
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body: await res.text() };
  }

  it.each(REQUESTS)('$name', async (r) => {
    const lambdaAnswer = fromLambda(await lambda(apiGatewayEvent(r)));
    const localAnswer = await viaLocal(r);
    expect(comparable(localAnswer)).toEqual(comparable(lambdaAnswer));
  });

  it('covers success and every class of refusal', async () => {
    const statuses = new Set<number>();
    for (const r of REQUESTS) statuses.add((await viaLocal(r)).status);
    for (const s of [200, 400, 404, 405, 413, 415, 422])
      expect(statuses, `status ${s}`).toContain(s);
  });

  it('answers the match from the synced trials, with quotes', async () => {
    const answer = await viaLocal(
      REQUESTS.find((r) => r.name === 'match, a full profile') as Request,
    );
    const body = JSON.parse(answer.body) as {
      results: { nctId: string; reasons: { quote: string }[] }[];
    };
    expect(body.results.map((r) => r.nctId)).toContain('NCT09100001');
    expect(body.results[0]?.reasons.some((r) => r.quote.length > 0)).toBe(true);
  });
});

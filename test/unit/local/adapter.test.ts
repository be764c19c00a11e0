import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalServer,
  fromHttpApiResult,
  type HttpApiHandler,
  LAMBDA_PAYLOAD_LIMIT_BYTES,
  toHttpApiEvent,
} from '../../../local/server/adapter.ts';

describe('toHttpApiEvent: the payload 2.0 event API Gateway would send', () => {
  const event = toHttpApiEvent(
    {
      method: 'post',
      url: '/v1/trials/NCT%2001?a=1&b=x%20y&a=2',
      headers: {},
      rawHeaders: [
        'Host',
        'localhost:3000',
        'Content-Type',
        'application/json; charset=utf-8',
        'X-Multi',
        'one',
        'x-multi',
        'two',
        'Cookie',
        'a=1; b=2',
        'User-Agent',
        'vitest',
      ],
    },
    Buffer.from('{"x":1}'),
    { requestId: 'req-1', now: new Date('2026-11-27T01:02:03Z') },
  );

  it('decodes the path, keeps the raw query, joins repeated query values and headers with commas', () => {
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('$default');
    expect(event.rawPath).toBe('/v1/trials/NCT 01');
    expect(event.rawQueryString).toBe('a=1&b=x%20y&a=2');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('moves cookies out of the headers, as API Gateway does', () => {
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
  });

  it('passes a JSON body as text and fills the request context', () => {
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"x":1}');
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/v1/trials/NCT 01',
      userAgent: 'vitest',
    });
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.time).toBe('27/Nov/2026:01:02:03 +0000');
    expect(event.requestContext.timeEpoch).toBe(Date.parse('2026-11-27T01:02:03Z'));
  });

  it('base64-encodes a body that is not text, and leaves out what is absent', () => {
    const binary = toHttpApiEvent(
      { method: 'POST', url: '/x', headers: { 'content-type': 'application/octet-stream' } },
      Buffer.from([0, 1, 2]),
    );
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(Buffer.from([0, 1, 2]));
    const empty = toHttpApiEvent({ method: 'GET', url: '/health', headers: {} }, Buffer.alloc(0));
    expect(empty.body).toBeUndefined();
    expect(empty.queryStringParameters).toBeUndefined();
    expect(empty.cookies).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
  });
});

describe('fromHttpApiResult: how API Gateway reads a handler result', () => {
  it('uses a structured result as is, cookies as set-cookie, base64 bodies decoded', () => {
    const r = fromHttpApiResult({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-N': 3 },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-n': '3',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(r.body.toString()).toBe('hi');
  });

  it('serialises anything else into a 200 JSON body', () => {
    const r = fromHttpApiResult({ ok: true } as never);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body.toString())).toEqual({ ok: true });
  });
});

describe('createLocalServer: the handler behind a real HTTP server', () => {
  const seen: APIGatewayProxyEventV2[] = [];
  const handler: HttpApiHandler = async (event) => {
    seen.push(event);
    if (event.rawPath === '/boom') throw new Error('boom');
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: event.rawPath, body: event.body ?? null }),
    };
  };
  const server = createLocalServer({ handler });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers with what the handler returned', async () => {
    const res = await fetch(`${base}/v1/match`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/v1/match', body: '{"a":1}' });
    expect(seen.at(-1)?.requestContext.http.sourceIp).toBe('127.0.0.1');
  });

  it("answers a thrown handler with API Gateway's bare 500", async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('refuses a body Lambda could not receive with 413, without calling the handler', async () => {
    const before = seen.length;
    const res = await fetch(`${base}/v1/match`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(LAMBDA_PAYLOAD_LIMIT_BYTES + 1),
    });
    expect(res.status).toBe(413);
    expect(seen.length).toBe(before);
  });
});

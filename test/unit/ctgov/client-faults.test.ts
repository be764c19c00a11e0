import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CtgovRequestError, type RetryReason } from '#ctgov/client.ts';
import type { Fault, ReplayServer } from '../../../local/replay/server.ts';
import { allPages, FIXTURE_IDS, idsOf, startFixtureReplay, testClient } from './replay-fixture.ts';

describe('ctgov client: every injected fault is retried and survived', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startFixtureReplay();
  });
  afterEach(() => replay.clearFaults());
  afterAll(async () => {
    await replay.close();
  });

  // undici's timeouts tick at about 1 s resolution: a 100 ms timeout fires within ~1.5 s,
  // hence a 2.5 s stall, injected once to keep the file quick.
  const cases: {
    name: string;
    fault: Fault;
    reason: RetryReason;
    times?: number;
    timeouts?: { headersMs?: number; bodyMs?: number };
  }[] = [
    {
      name: '429 with Retry-After',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 0 },
      reason: 'rate-limited',
    },
    { name: '500', fault: { kind: 'status', status: 500 }, reason: 'server-error' },
    { name: '502', fault: { kind: 'status', status: 502 }, reason: 'server-error' },
    { name: '503', fault: { kind: 'status', status: 503 }, reason: 'server-error' },
    { name: 'an HTML page with status 200', fault: { kind: 'html' }, reason: 'html' },
    { name: 'truncated JSON', fault: { kind: 'truncated' }, reason: 'invalid-json' },
    { name: 'a connection reset mid-body', fault: { kind: 'reset' }, reason: 'connection' },
    {
      name: 'a response slower than the headers timeout',
      fault: { kind: 'slow', delayMs: 2_500, phase: 'headers' },
      reason: 'timeout',
      times: 1,
      timeouts: { headersMs: 100 },
    },
    {
      name: 'a body that stalls longer than the body timeout',
      fault: { kind: 'slow', delayMs: 2_500, phase: 'body' },
      reason: 'timeout',
      times: 1,
      timeouts: { bodyMs: 100 },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: retried (${c.reason}) and the sweep completes with every record once`, async () => {
      const { client, retries } = testClient(replay.baseUrl, {
        timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, ...c.timeouts },
      });
      // On a page that carries a token, so the retry must resend the same token.
      const times = c.times ?? 2;
      replay.inject({ ...c.fault, times, match: { endpoint: 'studies', withPageToken: true } });
      const pages = await allPages(client, { pageSize: 3 });
      await client.close();
      expect(replay.pendingFaults).toBe(0);
      expect(idsOf(pages)).toEqual(FIXTURE_IDS);
      expect(retries.map((r) => r.reason)).toEqual(Array(times).fill(c.reason));
      expect(retries.map((r) => r.attempt)).toEqual([1, 2].slice(0, times));
    });
  }

  it('gives up after maxRetries with a CtgovRequestError naming the reason', async () => {
    const { client, retries } = testClient(replay.baseUrl, { maxRetries: 2 });
    replay.inject({ kind: 'status', status: 503, times: 5 });
    const err = await client.searchPage({}).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(CtgovRequestError);
    expect((err as CtgovRequestError).details).toMatchObject({
      attempts: 3,
      status: 503,
      reason: 'server-error',
    });
    expect(retries).toHaveLength(2);
  });

  it('a page token that stops working is a 400, reported with its message and not retried', async () => {
    const { client, retries } = testClient(replay.baseUrl);
    const first = await client.searchPage({ pageSize: 2 });
    replay.inject({ kind: 'bad-token' });
    const err = await client
      .searchPage({ pageSize: 2 }, first.nextPageToken)
      .catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(CtgovRequestError);
    expect((err as CtgovRequestError).status).toBe(400);
    expect((err as CtgovRequestError).message).toMatch(/pageToken is invalid.*restart the sweep/);
    expect(retries).toHaveLength(0);
  });

  it('a token sent with another query is refused by the server (400), like a foreign token', async () => {
    const { client } = testClient(replay.baseUrl);
    const first = await client.searchPage({ pageSize: 2 });
    const err = await client
      .searchPage({ pageSize: 2, cond: 'NSCLC' }, first.nextPageToken)
      .catch((e: unknown) => e);
    await client.close();
    expect((err as CtgovRequestError).status).toBe(400);
  });

  it('backs off exponentially with jitter and honours Retry-After', async () => {
    const slept: number[] = [];
    const t = 0;
    const { client, retries } = testClient(replay.baseUrl, {
      baseBackoffMs: 100,
      maxBackoffMs: 10_000,
      clock: { now: () => t, sleep: async (ms) => void slept.push(ms) },
    });
    replay.inject({ kind: 'status', status: 500, times: 3 });
    await client.searchPage({});
    replay.inject({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    await client.searchPage({});
    await client.close();
    const delays = retries.map((r) => r.delayMs);
    // attempt k waits within [base·2^(k-1)/2, base·2^(k-1)]
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    expect(delays[2]).toBeGreaterThanOrEqual(200);
    expect(delays[2]).toBeLessThanOrEqual(400);
    expect(delays[3]).toBe(7_000);
    expect(retries[3]?.status).toBe(429);
    expect(slept).toEqual(delays);
  });
});

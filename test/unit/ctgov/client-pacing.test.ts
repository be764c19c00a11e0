import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayServer } from '../../../local/replay/server.ts';
import { startFixtureReplay, testClient } from './replay-fixture.ts';

describe('ctgov client: polite pacing', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startFixtureReplay();
  });
  afterAll(async () => {
    await replay.close();
  });

  it('keeps minIntervalMs between request starts, for sequential and concurrent callers', async () => {
    let t = 1_000_000;
    const slept: number[] = [];
    // A clock that never moves on its own: every gap must come from the client's own waits.
    const { client } = testClient(replay.baseUrl, {
      minIntervalMs: 1000,
      clock: {
        now: () => t,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    });
    await client.searchPage({ pageSize: 2 });
    await client.searchPage({ pageSize: 2 });
    t += 400; // the caller spent 400 ms between requests
    await client.searchPage({ pageSize: 2 });
    await Promise.all([client.version(), client.version(), client.getStudy('NCT09000001')]);
    await client.close();
    expect(slept).toEqual([1000, 1600, 2600, 3600, 4600]);
  });

  it('waits for real by default (1 s), and not at all with minIntervalMs 0', async () => {
    const fast = testClient(replay.baseUrl);
    const before = replay.stats.requests;
    await Promise.all([fast.client.version(), fast.client.version(), fast.client.version()]);
    await fast.client.close();
    expect(replay.stats.requests - before).toBe(3);

    const slept: number[] = [];
    const polite = testClient(replay.baseUrl, {
      minIntervalMs: undefined,
      clock: { now: () => 0, sleep: async (ms) => void slept.push(ms) },
    });
    await polite.client.version();
    await polite.client.version();
    await polite.client.close();
    expect(slept).toEqual([1000]);
  });
});

/**
 * The real client over the real records, through a storm of injected faults: the sweep it
 * finishes with must equal a fault-free sweep, record for record and byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CtgovClientOptions, createCtgovClient, type RetryInfo } from '#ctgov/client.ts';
import type { StudiesPage } from '#ctgov/client-types.ts';
import { type Fault, type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

const OPTIONS: CtgovClientOptions = {
  minIntervalMs: 0,
  baseBackoffMs: 1,
  maxBackoffMs: 20,
  maxRetries: 3,
  timeouts: { connectMs: 2_000, headersMs: 100, bodyMs: 100 },
};

describe.skipIf(!SHARED_AVAILABLE)(`faults over the real records (${SKIP_REASON})`, () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer({ dir: SHARED_STUDIES_DIR });
  });
  afterAll(async () => {
    await replay?.close();
  });

  async function sweep(extra: CtgovClientOptions = {}) {
    const client = createCtgovClient({ baseUrl: replay.baseUrl, ...OPTIONS, ...extra });
    const records = new Map<string, string>();
    const rejected: StudiesPage['rejected'] = [];
    let pages = 0;
    let token: string | undefined;
    try {
      for (;;) {
        const page = await client.searchPage({ pageSize: 150 }, token);
        pages++;
        rejected.push(...page.rejected);
        page.studies.forEach((s, i) => {
          const id = s.protocolSection.identificationModule.nctId;
          expect(records.has(id), `${id} twice`).toBe(false);
          records.set(id, page.rawJson?.[i] ?? '');
        });
        if (page.studies.length === 0 || !page.nextPageToken) break;
        token = page.nextPageToken;
      }
    } finally {
      await client.close();
    }
    return { records, rejected, pages };
  }

  it('every fault on a different page, each retried once: the same records as a clean sweep', async () => {
    const clean = await sweep();
    expect(clean.records.size).toBe(replay.size);

    const faults: Fault[] = [
      { kind: 'status', status: 429, retryAfterSeconds: 0 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'html' },
      { kind: 'truncated' },
      { kind: 'reset' },
      { kind: 'slow', phase: 'body', delayMs: 2_500 },
    ];
    expect(clean.pages).toBeGreaterThan(faults.length);
    // Requests alternate faulty/clean, so the retry of page k succeeds and page k+1 meets the
    // next fault: each fault lands mid-sweep on a request that carries a pageToken.
    const start = replay.stats.studies;
    for (const f of faults) {
      replay.inject({ ...f, match: () => (replay.stats.studies - start) % 2 === 0 });
    }
    const retries: RetryInfo[] = [];
    const stormy = await sweep({ onRetry: (r) => retries.push(r) });
    expect(replay.pendingFaults).toBe(0);
    expect(retries.map((r) => r.reason)).toEqual([
      'rate-limited',
      'server-error',
      'server-error',
      'server-error',
      'html',
      'invalid-json',
      'connection',
      'timeout',
    ]);
    expect(retries.every((r) => r.url.includes('pageToken='))).toBe(true);
    expect(stormy.rejected).toEqual([]);
    expect([...stormy.records.keys()]).toEqual([...clean.records.keys()]);
    expect([...stormy.records.values()]).toEqual([...clean.records.values()]);
  });

  it('schema drift mid-sweep: that one record is rejected with its id and path, the rest arrive', async () => {
    const drifted = 'NCT04482309';
    replay.inject({ kind: 'drift', nctId: drifted });
    const result = await sweep();
    expect(result.rejected.map((r) => r.nctId)).toEqual([drifted]);
    expect(result.rejected[0]?.message).toContain('protocolSection.statusModule.overallStatus');
    expect(result.records.has(drifted)).toBe(false);
    expect(result.records.size).toBe(replay.size - 1);
  });
});

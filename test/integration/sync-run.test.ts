/**
 * The sync with real parts on the project's own synthetic records (runs on a fresh clone):
 * the real client against the replay server on loopback, the real extractor, the real
 * repository on dynalite in-process.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study } from '#ctgov/study-schema.ts';
import { EXTRACTOR_VERSION, extractFacts } from '#eligibility/extract.ts';
import { rederiveFacts } from '#store/dynamo-repository.ts';
import { type RunSyncOptions, runSync } from '#sync/run-sync.ts';
import type { Fault } from '../../local/replay/server.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import {
  crashingClient,
  fastClient,
  recordingClient,
  startReplay,
  syntheticCorpusDir,
} from '../fixtures/sync/sync-setup.ts';
import { syntheticId, syntheticStudy } from '../fixtures/sync/synthetic-studies.ts';

const PAGE_SIZE = 5;
const NOW = () => new Date('2025-10-04T03:00:00Z');

let h: StoreHarness;
let corpus: ReturnType<typeof syntheticCorpusDir>;
/** The table after one fault-free full sync: what every other run must end with. */
let baseline: Record<string, unknown>[];

async function newSetup(dataTimestamp?: string) {
  const replay = await startReplay(corpus.dir, dataTimestamp);
  const client = fastClient(replay.baseUrl);
  const { repo, tableName } = await h.newTable({ now: NOW });
  const opts = (extra: Partial<RunSyncOptions> = {}): RunSyncOptions => ({
    client,
    repo,
    extract: extractFacts,
    mode: 'full',
    now: NOW,
    pageSize: PAGE_SIZE,
    ...extra,
  });
  return {
    replay,
    client,
    repo,
    tableName,
    opts,
    dump: () => dumpTable(h.doc, tableName),
    async close() {
      await client.close();
      await replay.close();
    },
  };
}

const metaIds = (items: Record<string, unknown>[]) =>
  items.filter((i) => i.sk === 'META').map((i) => String(i.nctId));

beforeAll(async () => {
  h = await startStoreHarness();
  corpus = syntheticCorpusDir();
  const s = await newSetup();
  const summary = await runSync(s.opts());
  expect(summary.status).toBe('completed');
  baseline = await s.dump();
  await s.close();
});
afterAll(async () => {
  await h?.close();
});

describe('a full sync of the synthetic corpus', () => {
  it('stores every matching record exactly once, with its raw text and facts', async () => {
    expect(metaIds(baseline).sort()).toEqual([...corpus.expectedIds].sort());
    // One RAW and one SITES chunk per study (all small), nothing else under STUDY#.
    expect(baseline.filter((i) => String(i.sk).startsWith('RAW#'))).toHaveLength(
      corpus.expectedIds.length,
    );
    for (const meta of baseline.filter((i) => i.sk === 'META')) {
      expect(meta.extractorVersion).toBe(EXTRACTOR_VERSION);
      expect(meta.stale).toBe(false);
    }
  });

  it('records the run in the sync state and a second run writes nothing', async () => {
    const s = await newSetup();
    try {
      const first = await runSync(s.opts({ mode: 'incremental' }));
      expect(first.mode).toBe('full'); // the first run is a full one whatever was asked
      const state = await s.repo.getSyncState();
      expect(state.cursor).toBeUndefined();
      expect(state.running).toBe(false);
      expect(state.dataTimestamp).toBe('2025-10-03T09:00:00');
      expect(state.trialCount).toBe(corpus.expectedIds.length);
      expect(state.updatedSince).toBe('2025-10-03');
      expect(state.indexSnapshot?.version).toBe(state.indexVersion);
      const after = await s.dump();

      const skipped = await runSync(s.opts({ mode: 'incremental' }));
      expect(skipped.status).toBe('skipped');
      const forced = await runSync(s.opts({ mode: 'full', force: true }));
      expect(forced.status).toBe('completed');
      expect(forced.written).toBe(0);
      expect(forced.unchanged).toBe(forced.studies);
      expect(forced.indexPublished).toBe(false);
      expect(await s.dump()).toEqual(after);
      expect((await s.repo.getSyncState()).indexVersion).toBe(state.indexVersion);
      // What a cold API container reads: the snapshot the sync published, every study in it.
      const loaded = await s.repo.loadMatchIndex();
      expect(loaded.source).toBe('snapshot');
      expect(loaded.core.trials.map((t) => t.nctId).sort()).toEqual([...corpus.expectedIds].sort());
    } finally {
      await s.close();
    }
  });

  it('an incremental run asks only for studies updated since the last run (minus a day) and stores the update', async () => {
    const s = await newSetup();
    try {
      await runSync(s.opts());
      const updated = syntheticStudy({
        n: 5,
        lastUpdatePostDate: '2025-10-05',
        overallStatus: 'ACTIVE_NOT_RECRUITING',
      });
      s.replay.putStudy(updated);
      s.replay.setDataTimestamp('2025-10-06T09:00:00');
      const rec = recordingClient(s.client);
      const summary = await runSync(
        s.opts({
          client: rec.client,
          mode: 'incremental',
          now: () => new Date('2025-10-06T03:00:00Z'),
        }),
      );
      expect(summary.mode).toBe('incremental');
      expect(summary.written).toBe(1);
      // Studies last posted 2025-10-02 are outside a window starting 2025-10-03.
      expect(summary.studies).toBeGreaterThanOrEqual(1);
      expect(summary.studies).toBeLessThan(corpus.expectedIds.length);
      const stored = await s.repo.getStudy(syntheticId(5));
      expect(stored?.study.protocolSection.statusModule.overallStatus).toBe(
        'ACTIVE_NOT_RECRUITING',
      );
      expect((await s.repo.getSyncState()).updatedSince).toBe('2025-10-05');
    } finally {
      await s.close();
    }
  });

  it('never overwrites a newer stored record with an older copy from the API', async () => {
    const s = await newSetup();
    try {
      const newer = syntheticStudy({
        n: 7,
        lastUpdatePostDate: '2025-12-01',
        title: 'the newer copy',
      });
      await s.repo.upsertStudies([{ study: newer, facts: extractFacts(newer) }]);
      const summary = await runSync(s.opts());
      expect(summary.older).toBeGreaterThanOrEqual(1);
      const stored = await s.repo.getStudy(syntheticId(7));
      expect(stored?.study.protocolSection.identificationModule.briefTitle).toBe('the newer copy');
    } finally {
      await s.close();
    }
  });

  it('a full sweep marks a study that left the query as stale, and the index drops it', async () => {
    const s = await newSetup();
    try {
      await runSync(s.opts());
      const gone = syntheticId(12);
      expect(s.replay.removeStudy(gone)).toBe(true);
      s.replay.setDataTimestamp('2025-10-10T09:00:00');
      const summary = await runSync(s.opts({ now: () => new Date('2025-10-10T03:00:00Z') }));
      expect(summary.staleMarked).toEqual([gone]);
      expect((await s.repo.getStudy(gone))?.stale).toBe(true);
      const index = await s.repo.listActiveEntries();
      expect(index.map((e) => e.nctId)).not.toContain(gone);
      expect(index).toHaveLength(corpus.expectedIds.length - 1);
      expect((await s.repo.getSyncState()).trialCount).toBe(corpus.expectedIds.length - 1);
    } finally {
      await s.close();
    }
  });

  it('re-derives facts after an extractor version bump without any HTTP request', async () => {
    const s = await newSetup();
    try {
      await runSync(s.opts());
      const before = s.replay.stats.requests;
      const next = `${EXTRACTOR_VERSION}+next`;
      const result = await rederiveFacts(
        s.repo,
        (study: Study) => ({ ...extractFacts(study), extractorVersion: next }),
        next,
      );
      expect(result.written).toHaveLength(corpus.expectedIds.length);
      expect(s.replay.stats.requests).toBe(before);
      const index = await s.repo.listActiveEntries();
      expect(new Set(index.map((e) => e.facts.extractorVersion))).toEqual(new Set([next]));
      // Only META items changed: the raw records are the same items as before.
      const raw = (await s.dump()).filter((i) => i.sk !== 'META');
      expect(raw).toEqual(baseline.filter((i) => i.sk !== 'META'));
    } finally {
      await s.close();
    }
  });
});

describe('a sync cut short resumes and completes', () => {
  it('stops at the deadline with a checkpoint, and the next invocation continues from it', async () => {
    const s = await newSetup();
    try {
      let t = 0;
      const first = await runSync(
        s.opts({
          clock: () => t,
          deadlineMs: 3_500,
          reserveMs: 0,
          onProgress: () => {
            t += 1_000;
          },
        }),
      );
      expect(first.status).toBe('paused');
      expect(first.pages).toBe(4);
      const state = await s.repo.getSyncState();
      expect(state.cursor?.pageToken ?? state.cursor?.query).toBeTruthy();
      expect(state.running).toBe(false);

      const rec = recordingClient(s.client);
      const second = await runSync(s.opts({ client: rec.client }));
      expect(second.status).toBe('completed');
      expect(second.resumed).toBe(true);
      // It continued: the first request either carried the saved token or began the next query.
      expect(rec.calls[0]?.token).toBe(state.cursor?.pageToken);
      expect(second.pages).toBeGreaterThan(first.pages);
      expect(await s.dump()).toEqual(baseline);
    } finally {
      await s.close();
    }
  });

  it('survives a crash after a few pages: the error is recorded, the rerun resumes and ends identical', async () => {
    const s = await newSetup();
    try {
      const crashing = crashingClient(s.client, 3);
      await expect(runSync(s.opts({ client: crashing }))).rejects.toThrow(/simulated crash/);
      const state = await s.repo.getSyncState();
      expect(state.lastError?.message).toMatch(/simulated crash/);
      expect(state.cursor).toBeDefined();
      expect(state.counts?.pages).toBe(3);

      const second = await runSync(s.opts());
      expect(second.status).toBe('completed');
      expect(second.resumed).toBe(true);
      const after = await s.dump();
      expect(after).toEqual(baseline);
      expect(metaIds(after)).toHaveLength(corpus.expectedIds.length);
    } finally {
      await s.close();
    }
  });
});

const FAULTS: { name: string; fault: Fault }[] = [
  {
    name: '429 with Retry-After',
    fault: { kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 },
  },
  { name: '500', fault: { kind: 'status', status: 500, times: 2 } },
  {
    name: '503 on a later page',
    fault: { kind: 'status', status: 503, match: { withPageToken: true } },
  },
  { name: 'an HTML page with status 200', fault: { kind: 'html' } },
  { name: 'a response slower than the timeout', fault: { kind: 'slow', delayMs: 1_500 } },
  { name: 'a connection reset mid-body', fault: { kind: 'reset', match: { withPageToken: true } } },
  { name: 'truncated JSON', fault: { kind: 'truncated' } },
  { name: 'a dead page token (400)', fault: { kind: 'bad-token', match: { withPageToken: true } } },
];

describe('injected faults are survived with a table identical to a fault-free run', () => {
  for (const { name, fault } of FAULTS) {
    it(name, async () => {
      const s = await newSetup();
      try {
        s.replay.inject(fault);
        const summary = await runSync(s.opts());
        expect(summary.status).toBe('completed');
        expect(s.replay.pendingFaults).toBe(0);
        if (fault.kind === 'bad-token') expect(summary.restarts).toBe(1);
        expect(await s.dump()).toEqual(baseline);
      } finally {
        await s.close();
      }
    });
  }

  it('schema drift: the record is rejected and reported, the rest stored; the next run fetches it again', async () => {
    const s = await newSetup();
    try {
      const drifted = syntheticId(9);
      // Drifted wherever it is served this run (it sits in several queries' results).
      s.replay.inject({ kind: 'drift', nctId: drifted, times: 50 });
      const first = await runSync(s.opts());
      expect(first.rejectedIds).toEqual([drifted]);
      expect(await s.repo.getStudy(drifted)).toBeUndefined();
      expect((await s.repo.getSyncState()).rejected?.map((r) => r.nctId)).toEqual([drifted]);
      // Still seen by the sweep: a rejected record is not "gone".
      expect(first.staleMarked).toEqual([]);

      s.replay.clearFaults();
      s.replay.setDataTimestamp('2025-10-04T09:00:00');
      const second = await runSync(s.opts({ mode: 'incremental' }));
      expect(second.rejectedIds).toEqual([]);
      expect((await s.repo.getSyncState()).rejected).toEqual([]);
      expect(await s.dump()).toEqual(baseline);
    } finally {
      await s.close();
    }
  });
});

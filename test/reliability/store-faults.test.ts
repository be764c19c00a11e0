/**
 * Faults in the store, on the real sync over the project's fixture records (runs on a fresh
 * clone): DynamoDB throttling (ProvisionedThroughputExceededException / ThrottlingException)
 * and BatchWrite UnprocessedItems, injected by wrapping the DocumentClient's `send`, are
 * retried and the table ends identical to a fault-free sync's; a sync that dies before any
 * page — or in the middle of the store's writes at any point of the run — resumes on the
 * next invocation and completes with the same table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CtgovClient } from '#ctgov/client-types.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { type RunSyncOptions, runSync } from '#sync/run-sync.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import { crashingClient, fastClient, olderCopy, startReplay } from '../fixtures/sync/sync-setup.ts';
import { writeArtifact } from './support/bounded.ts';
import { type FaultCorpus, fixtureCorpus } from './support/corpus.ts';
import { type DocFaults, faultyDoc } from './support/faulty-doc.ts';

const NOW = () => new Date('2026-11-27T03:00:00Z');
const RETRY = { attempts: 8, baseMs: 1, capMs: 10 };

let h: StoreHarness;
let corpus: FaultCorpus;
let replay: Awaited<ReturnType<typeof startReplay>>;
let client: ReturnType<typeof fastClient>;
let baseline: Record<string, unknown>[];
let basePages = 0;
let baseWrites = 0;
const report: Record<string, unknown> = {};

async function freshTable(faults: DocFaults = {}) {
  const tableName = `rel-${Math.random().toString(36).slice(2, 10)}`;
  await createTable(h.doc, tableName);
  const faulty = faultyDoc(h.doc, faults);
  const repo = createDynamoRepository({ doc: faulty.doc, tableName, now: NOW, retry: RETRY });
  return { tableName, repo, faulty, dump: () => dumpTable(h.doc, tableName) };
}

const opts = (
  repo: RunSyncOptions['repo'],
  extra: Partial<RunSyncOptions> = {},
): RunSyncOptions => ({
  client,
  repo,
  extract: extractFacts,
  mode: 'full',
  now: NOW,
  pageSize: corpus.pageSize,
  force: true,
  ...extra,
});

beforeAll(async () => {
  h = await startStoreHarness();
  corpus = fixtureCorpus({ synthetic: 6, pageSize: 5 });
  replay = await startReplay(corpus.dir, '2026-11-26T09:00:00');
  client = fastClient(replay.baseUrl);
  const t = await freshTable();
  const summary = await runSync(opts(t.repo));
  expect(summary.status).toBe('completed');
  basePages = summary.pages;
  baseWrites = t.faulty.stats.writes;
  baseline = await t.dump();
  expect(basePages).toBeGreaterThan(4);
});

afterAll(async () => {
  writeArtifact('reliability.json', {
    storeFaults: { corpus: corpus?.records, basePages, baseWrites, ...report },
  });
  console.log(`[store-faults] ${JSON.stringify({ basePages, baseWrites, ...report })}`);
  await client?.close();
  await replay?.close();
  await h?.close();
});

describe('the table comparison can fail', () => {
  it('a table missing one study, or holding an older copy of one, differs from the baseline', async () => {
    const t = await freshTable();
    await runSync(opts(t.repo));
    expect(await t.dump()).toEqual(baseline);
    const id = String(baseline.find((i) => i.sk === 'META')?.nctId);
    const stored = await t.repo.getStudy(id);
    if (!stored) throw new Error(`no ${id}`);
    await t.repo.deleteStudy(id);
    expect(await t.dump()).not.toEqual(baseline);
    // Put back an older copy (the store writes it because nothing newer is there now).
    await t.repo.upsertStudies([{ study: olderCopy(stored.study), facts: stored.facts }]);
    expect(await t.dump()).not.toEqual(baseline);
  });
});

describe('DynamoDB throttling and unprocessed batch items are retried', () => {
  it.each([
    ['every 5th command throttled', { throttleEvery: 5 }],
    ['every other BatchWrite half unprocessed', { unprocessedEvery: 2 }],
    ['both at once', { throttleEvery: 4, unprocessedEvery: 1 }],
  ] as [string, DocFaults][])('%s: the table equals a fault-free sync', async (name, faults) => {
    const t = await freshTable(faults);
    const summary = await runSync(opts(t.repo));
    expect(summary.status).toBe('completed');
    if (faults.throttleEvery) expect(t.faulty.stats.throttled).toBeGreaterThan(5);
    if (faults.unprocessedEvery) expect(t.faulty.stats.unprocessedItems).toBeGreaterThan(5);
    expect(await t.dump()).toEqual(baseline);
    report[name] = { ...t.faulty.stats };
  });

  it('throttling that outlasts the retry policy fails the run, and the next run completes it', {
    timeout: 240_000,
  }, async () => {
    // 30% of commands throttled with only 2 attempts: about 9% of calls fail for good.
    const tableName = `rel-${Math.random().toString(36).slice(2, 10)}`;
    await createTable(h.doc, tableName);
    const harsh = faultyDoc(h.doc, { throttleRate: 0.3, seed: 7 });
    const repo = createDynamoRepository({
      doc: harsh.doc,
      tableName,
      now: NOW,
      retry: { attempts: 2, baseMs: 1, capMs: 2 },
    });
    let failures = 0;
    for (;;) {
      try {
        if ((await runSync(opts(repo, { force: failures === 0 }))).status === 'completed') break;
      } catch (err) {
        expect((err as Error).name).toMatch(/Throttling|ProvisionedThroughput/);
        failures++;
        if (failures > 60) throw err;
      }
    }
    expect(failures).toBeGreaterThan(0);
    // Resumed runs never redo the whole sweep from scratch, and the result is the same table.
    const healthy = createDynamoRepository({ doc: h.doc, tableName, now: NOW, retry: RETRY });
    expect((await healthy.getSyncState()).cursor).toBeUndefined();
    expect(await dumpTable(h.doc, tableName)).toEqual(baseline);
    report['throttling beyond the policy'] = { failedInvocations: failures, ...harsh.stats };
  });
});

describe('a sync that dies resumes and completes with the same table', () => {
  it('dies before each page in turn (every page index of the run), then resumes', {
    timeout: 240_000,
  }, async () => {
    const outcomes: { diesBeforePage: number; pagesOnResume: number; resumed: boolean }[] = [];
    for (let k = 0; k < basePages; k++) {
      const t = await freshTable();
      const crashing: CtgovClient = crashingClient(client, k);
      await expect(runSync(opts(t.repo, { client: crashing }))).rejects.toThrow(/simulated crash/);
      const state = await t.repo.getSyncState();
      expect(state.lastError?.message).toMatch(/simulated crash/);
      const second = await runSync(opts(t.repo, { force: false }));
      expect(second.status).toBe('completed');
      // Dying before the first page leaves a cursor at page 0: that is a resume too.
      expect(second.resumed).toBe(true);
      expect(await t.dump(), `died before page ${k}`).toEqual(baseline);
      outcomes.push({ diesBeforePage: k, pagesOnResume: second.pages, resumed: second.resumed });
    }
    expect(outcomes).toHaveLength(basePages);
    report.diesBeforeEveryPage = { pages: basePages, outcomes: outcomes.length };
  });

  it('dies in the middle of the store writes (sampled across the whole run), then resumes', {
    timeout: 240_000,
  }, async () => {
    // Write indexes spread over the run: inside chunk batches, between chunks and META, at the
    // checkpoint, during the index publication at the end.
    const step = Math.max(1, Math.floor(baseWrites / 8));
    const points: number[] = [];
    for (let w = 1; w <= baseWrites; w += step) points.push(w);
    points.push(baseWrites);
    for (const at of points) {
      const t = await freshTable({ dieAtWrite: at });
      await expect(runSync(opts(t.repo))).rejects.toThrow(/simulated process death/);
      expect(t.faulty.stats.died).toBe(true);
      const healthy = createDynamoRepository({
        doc: h.doc,
        tableName: t.tableName,
        now: NOW,
        retry: RETRY,
      });
      // The next invocation: resumes from whatever checkpoint made it in (or starts over).
      const second = await runSync(opts(healthy, { force: false }));
      expect(second.status, `died at write ${at}`).toBe('completed');
      expect(await t.dump(), `died at write ${at}`).toEqual(baseline);
    }
    report.diesMidWrite = { writes: baseWrites, points };
  });
});

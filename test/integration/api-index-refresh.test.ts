/**
 * The in-memory index through the handler: loaded once per container, refreshed when the
 * sync state's indexVersion changes (checked at most once per interval), failures keep the
 * old index, concurrent requests share one load. The repository is the real dynalite one,
 * wrapped only to count calls and to make loads fail on demand.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHttpEvent } from '#http/event-builder.ts';
import type { StudyRepository } from '#store/types.ts';
import { type ApiHandler, createApiHandler } from '../../functions/api/handler.ts';
import { startDynamoTable } from '../fixtures/api/harness.ts';
import { fixtureTrial } from '../fixtures/api/trials.ts';

type Table = Awaited<ReturnType<typeof startDynamoTable>>;
let table: Table;
let repo: Table['repo'];

const profile = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA' },
  biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }],
  priorTherapies: [],
  ecog: 1,
  age: 64,
};

beforeAll(async () => {
  table = await startDynamoTable();
});
afterAll(async () => {
  await table?.dynamo.close();
});

interface Probe {
  repo: StudyRepository;
  loads: number;
  stateReads: number;
  failLoads: boolean;
}

function probe(inner: StudyRepository): Probe {
  const p: Probe = { repo: inner, loads: 0, stateReads: 0, failLoads: false };
  p.repo = {
    upsertStudies: (items) => inner.upsertStudies(items),
    getStudy: (id) => inner.getStudy(id),
    putSyncState: (patch) => inner.putSyncState(patch),
    getSyncState: () => {
      p.stateReads++;
      return inner.getSyncState();
    },
    loadMatchIndex: async (options) => {
      p.loads++;
      if (p.failLoads) throw new Error('simulated store outage');
      return inner.loadMatchIndex(options);
    },
    listActiveEntries: () => inner.listActiveEntries(),
  };
  return p;
}

let clock = 0;
let logs: { level: string; msg: string; [k: string]: unknown }[] = [];
let p: Probe;
let api: ApiHandler;

const match = async (handler: ApiHandler = api) => {
  const res = await handler(buildHttpEvent({ method: 'POST', path: '/v1/match', body: profile }));
  return {
    status: res.statusCode,
    ids:
      res.statusCode === 200
        ? JSON.parse(res.body)
            .results.map((r: { nctId: string }) => r.nctId)
            .sort()
        : [],
  };
};

beforeEach(async () => {
  // A fresh table per test: the fixture trials each test adds stay its own.
  const t = await startDynamoTable(table.dynamo);
  repo = t.repo;
  await repo.upsertStudies([fixtureTrial('NCT99000001')]);
  clock = Date.parse('2026-11-27T00:00:00Z');
  logs = [];
  p = probe(repo);
  api = createApiHandler({
    repo: p.repo,
    now: () => new Date(clock),
    refreshIntervalMs: 60_000,
    log: (level, msg, fields) => logs.push({ level, msg, ...fields }),
  });
});

describe('match index refresh', () => {
  it('loads once per container, then serves from memory', async () => {
    expect((await match()).ids).toEqual(['NCT99000001']);
    await match();
    await match();
    expect(p.loads).toBe(1);
    expect(p.stateReads).toBe(1);
  });

  it('picks up a new indexVersion only after the check interval', async () => {
    await match();
    const before = (await repo.getSyncState()).indexVersion;
    await repo.upsertStudies([fixtureTrial('NCT99000002')]);
    await repo.publishIndex(); // as a sync does when it finishes
    expect((await repo.getSyncState()).indexVersion).not.toBe(before);

    clock += 30_000; // within the interval: the sync state is not even read
    expect((await match()).ids).toEqual(['NCT99000001']);
    expect(p.stateReads).toBe(1);

    clock += 31_000; // past it: the version changed, so the index reloads
    expect((await match()).ids).toEqual(['NCT99000001', 'NCT99000002']);
    expect(p.loads).toBe(2);
    expect(logs.some((l) => l.msg === 'match index refreshed')).toBe(true);
  });

  it('while a sync has not published its snapshot, keeps the index it has, up to the grace period', async () => {
    await match();
    await repo.upsertStudies([fixtureTrial('NCT99000002')]); // a sync under way: no snapshot yet
    clock += 61_000;
    expect((await match()).ids).toEqual(['NCT99000001']);
    clock += 10 * 60_000;
    expect((await match()).ids).toEqual(['NCT99000001']);
    expect(p.loads).toBe(1);
    // Past 15 minutes from when the new version was first seen: read the slow way after all.
    clock += 5 * 60_000;
    expect((await match()).ids).toEqual(['NCT99000001', 'NCT99000002']);
    expect(p.loads).toBe(2);
    expect(logs.find((l) => l.msg === 'match index refreshed')).toMatchObject({ source: 'active' });
  });

  it('a cold container during an unpublished sync serves the last published snapshot, then catches up', async () => {
    await repo.publishIndex();
    const published = (await repo.getSyncState()).indexVersion;
    await repo.upsertStudies([fixtureTrial('NCT99000002')]); // a sync under way
    expect((await match()).ids).toEqual(['NCT99000001']);
    expect(logs.find((l) => l.msg === 'match index loaded')).toMatchObject({
      source: 'snapshot',
      indexVersion: published,
    });
    // The sync publishes: the next check past the interval loads it.
    await repo.publishIndex();
    clock += 61_000;
    expect((await match()).ids).toEqual(['NCT99000001', 'NCT99000002']);
    expect(p.loads).toBe(2);
  });

  it('a cold container on an older snapshot reads the current entries once the grace runs out', async () => {
    await repo.publishIndex();
    await repo.upsertStudies([fixtureTrial('NCT99000002')]); // a publish that never comes
    expect((await match()).ids).toEqual(['NCT99000001']);
    clock += 14 * 60_000;
    expect((await match()).ids).toEqual(['NCT99000001']);
    clock += 2 * 60_000;
    expect((await match()).ids).toEqual(['NCT99000001', 'NCT99000002']);
    expect(logs.find((l) => l.msg === 'match index refreshed')).toMatchObject({ source: 'active' });
  });

  it('does not reload when the version has not changed', async () => {
    await match();
    clock += 120_000;
    await match();
    clock += 120_000;
    await match();
    expect(p.stateReads).toBe(3);
    expect(p.loads).toBe(1);
  });

  it('a failed refresh keeps serving the old index, is logged, and is retried after the interval', async () => {
    await match();
    await repo.upsertStudies([fixtureTrial('NCT99000003')]);
    await repo.publishIndex();
    p.failLoads = true;
    clock += 61_000;
    const during = await match();
    expect(during).toEqual({ status: 200, ids: ['NCT99000001'] });
    const failure = logs.find((l) => l.msg.startsWith('match index refresh failed'));
    expect(failure).toMatchObject({ level: 'error', errorMessage: 'simulated store outage' });

    p.failLoads = false;
    await match(); // same minute: no retry yet
    expect(p.loads).toBe(2);
    clock += 61_000;
    expect((await match()).ids).toEqual(['NCT99000001', 'NCT99000003']);
    expect(p.loads).toBe(3);
  });

  it('a cold container that cannot load answers 503, and the next request retries at once', async () => {
    p.failLoads = true;
    expect((await match()).status).toBe(503);
    p.failLoads = false;
    expect(await match()).toEqual({ status: 200, ids: ['NCT99000001'] });
  });

  it('concurrent requests share one load, cold and on refresh', async () => {
    const cold = await Promise.all(Array.from({ length: 12 }, () => match()));
    expect(cold.every((r) => r.status === 200)).toBe(true);
    expect(p.loads).toBe(1);
    expect(p.stateReads).toBe(1);

    await repo.upsertStudies([fixtureTrial('NCT99000002')]);
    await repo.publishIndex();
    clock += 61_000;
    const refreshed = await Promise.all(Array.from({ length: 12 }, () => match()));
    expect(refreshed.every((r) => r.ids.length === 2)).toBe(true);
    expect(p.loads).toBe(2);
    expect(p.stateReads).toBe(2);
  });

  it('health reports the index version and age; every response carries the sync time', async () => {
    const before = await api(buildHttpEvent({ method: 'GET', path: '/v1/openapi.json' }));
    expect(before.headers['x-data-synced-at']).toBe('never');
    expect(JSON.parse(before.body).dataSyncedAt).toBeNull();
    await repo.putSyncState({ lastSuccessAt: '2026-11-26T23:00:00.000Z' });
    clock += 61_000;
    await match();
    clock += 5_000;
    const res = await api(buildHttpEvent({ method: 'GET', path: '/health' }));
    const body = JSON.parse(res.body);
    expect(body.index.version).toBe((await repo.getSyncState()).indexVersion);
    expect(body.index.ageSeconds).toBe(5);
    // Nothing was published in this test: the index came from the active entries themselves.
    expect(body.index).toMatchObject({ source: 'active', loadMs: expect.any(Number) });
    expect(res.headers['x-data-synced-at']).toBe('2026-11-26T23:00:00.000Z');
  });

  it('when a study changes before the index in memory is refreshed, a match reloads and answers', async () => {
    await repo.upsertStudies([fixtureTrial('NCT99000002')]);
    await repo.publishIndex();
    // A container loads the published snapshot's core; no response has fetched words yet.
    expect((await api.indexCache.current()).trialCount).toBe(2);
    expect(logs.find((l) => l.msg === 'match index loaded')).toMatchObject({ source: 'snapshot' });
    const changed = structuredClone(fixtureTrial('NCT99000002'));
    changed.study.protocolSection.statusModule.lastUpdatePostDateStruct.date = '2026-12-01';
    changed.study.protocolSection.identificationModule.briefTitle = 'Renamed since the index';
    await repo.upsertStudies([changed]);
    await repo.publishIndex();
    // Within the interval, so no refresh is due: the words fetched do not fit the index.
    clock += 1_000;
    const res = await api(buildHttpEvent({ method: 'POST', path: '/v1/match', body: profile }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as {
      results: { nctId: string; title: string; reasons: unknown[] }[];
    };
    expect(body.results.map((r) => r.nctId).sort()).toEqual(['NCT99000001', 'NCT99000002']);
    expect(body.results.find((r) => r.nctId === 'NCT99000002')?.title).toBe(
      'Renamed since the index',
    );
    expect(body.results.every((r) => r.reasons.length > 0)).toBe(true);
    expect(p.loads).toBe(2);
  });
});

/**
 * The DynamoDB repository against dynalite in-process: idempotent, version-guarded upserts,
 * chunked records round-tripping byte for byte, the match index (GSI and snapshot), stale
 * marking, re-derivation, and BatchWrite's unprocessed items.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study } from '#ctgov/study-schema.ts';
import { DisplayGoneError, splitEntries } from '#matching/index-core.ts';
import { rederiveFacts } from '#store/dynamo-repository.ts';
import { RECRUITING_SITE_STATUSES } from '#vocabulary/codes.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import {
  handFacts,
  incompressibleText,
  syntheticId,
  syntheticStudy,
} from '../fixtures/sync/synthetic-studies.ts';
import { faultyDoc } from '../reliability/support/faulty-doc.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
});
afterAll(async () => {
  await h.close();
});

describe('DynamoStudyRepository upserts', () => {
  it('stores each study once and a second identical upsert writes nothing', async () => {
    const { repo, tableName } = await h.newTable();
    const studies = Array.from({ length: 30 }, (_, i) => syntheticStudy({ n: i + 1 }));
    const first = await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts() })));
    expect(first).toEqual(studies.map(() => 'written'));
    const before = await dumpTable(h.doc, tableName);
    const stateBefore = await repo.getSyncState();

    const second = await repo.upsertStudies(
      studies.map((study) => ({ study, facts: handFacts() })),
    );
    expect(second).toEqual(studies.map(() => 'unchanged'));
    expect(await dumpTable(h.doc, tableName)).toEqual(before);
    // Nothing changed, so the index version did not move either.
    expect((await repo.getSyncState()).indexVersion).toBe(stateBefore.indexVersion);
    expect(before.filter((i) => i.sk === 'META')).toHaveLength(30);
  });

  it('never replaces a newer record with an older one (post date, then submit date)', async () => {
    const { repo } = await h.newTable();
    const newer = syntheticStudy({ n: 1, lastUpdatePostDate: '2025-10-02', title: 'newer' });
    const older = syntheticStudy({ n: 1, lastUpdatePostDate: '2025-09-01', title: 'older' });
    expect(await repo.upsertStudies([{ study: newer, facts: handFacts() }])).toEqual(['written']);
    expect(await repo.upsertStudies([{ study: older, facts: handFacts() }])).toEqual(['older']);
    expect(
      (await repo.getStudy(syntheticId(1)))?.study.protocolSection.identificationModule.briefTitle,
    ).toBe('newer');

    const sameDayLaterSubmit = syntheticStudy({
      n: 1,
      lastUpdatePostDate: '2025-10-02',
      lastUpdateSubmitDate: '2025-10-03',
      title: 'same day, later submit',
    });
    const sameDayEarlierSubmit = syntheticStudy({
      n: 1,
      lastUpdatePostDate: '2025-10-02',
      lastUpdateSubmitDate: '2025-09-30',
      title: 'same day, earlier submit',
    });
    expect(await repo.upsertStudies([{ study: sameDayLaterSubmit, facts: handFacts() }])).toEqual([
      'written',
    ]);
    expect(await repo.upsertStudies([{ study: sameDayEarlierSubmit, facts: handFacts() }])).toEqual(
      ['older'],
    );
    // Within one call too: the newest copy wins whatever the order.
    expect(
      await repo.upsertStudies([
        { study: older, facts: handFacts() },
        { study: sameDayLaterSubmit, facts: handFacts() },
      ]),
    ).toEqual(['older', 'unchanged']);
    expect(
      (await repo.getStudy(syntheticId(1)))?.study.protocolSection.identificationModule.briefTitle,
    ).toBe('same day, later submit');
  });

  it('replaces a record with a newer one and drops the old chunks', async () => {
    const { repo, tableName } = await h.newTable();
    await repo.upsertStudies([
      { study: syntheticStudy({ n: 2, lastUpdatePostDate: '2025-01-01' }), facts: handFacts() },
    ]);
    const v1 = (await repo.getSyncState()).indexVersion;
    const next = syntheticStudy({
      n: 2,
      lastUpdatePostDate: '2025-02-01',
      overallStatus: 'ACTIVE_NOT_RECRUITING',
    });
    expect(await repo.upsertStudies([{ study: next, facts: handFacts() }])).toEqual(['written']);
    const items = await dumpTable(h.doc, tableName);
    expect(items.filter((i) => String(i.sk).startsWith('RAW#'))).toHaveLength(1);
    expect(items.filter((i) => String(i.sk).startsWith('SITES#'))).toHaveLength(1);
    expect((await repo.getStudy(syntheticId(2)))?.study).toEqual(next);
    expect((await repo.getSyncState()).indexVersion).not.toBe(v1);
  });

  it('keeps a record larger than 400 KB compressed whole across chunk items', async () => {
    const { repo, tableName } = await h.newTable();
    const big = syntheticStudy({ n: 3, sites: 600, padding: incompressibleText(900_000) });
    const text = JSON.stringify(big);
    expect(await repo.upsertStudies([{ study: big, facts: handFacts(), rawJson: text }])).toEqual([
      'written',
    ]);
    const raw = (await dumpTable(h.doc, tableName)).filter((i) => String(i.sk).startsWith('RAW#'));
    expect(raw.length).toBeGreaterThan(1);
    expect(await repo.getRawJson(syntheticId(3))).toBe(text);
    expect((await repo.getSites(syntheticId(3)))?.length).toBe(600);
  });

  it('a study with too many open sites for one index entry keeps the sites that fit and every site in full', async () => {
    const { repo } = await h.newTable();
    const huge = syntheticStudy({ n: 5, sites: 6000 });
    const locations = huge.protocolSection.contactsLocationsModule?.locations ?? [];
    locations.forEach((l, i) => {
      l.facility = incompressibleText(90, i + 1);
    });
    expect(await repo.upsertStudies([{ study: huge, facts: handFacts() }])).toEqual(['written']);
    const [entry] = await repo.listActiveEntries();
    expect(entry?.sites.length).toBeGreaterThan(100);
    expect(entry?.sites.length).toBeLessThan(4800);
    expect(await repo.getSites(syntheticId(5))).toHaveLength(6000);
    expect((await repo.getStudy(syntheticId(5)))?.study).toEqual(huge);
  });

  it('stores the JSON text as given, number spellings included', async () => {
    const { repo } = await h.newTable();
    const study = syntheticStudy({ n: 4 });
    const text = JSON.stringify(study).replace('"lat":42.3601', '"lat":42.36010');
    expect(text).toContain('42.36010');
    await repo.upsertStudies([{ study, facts: handFacts(), rawJson: text }]);
    expect(await repo.getRawJson(syntheticId(4))).toBe(text);
  });
});

describe('DynamoStudyRepository match index', () => {
  it('lists active studies with referral sites only; the snapshot serves the same index, words on demand', async () => {
    const { repo } = await h.newTable();
    const studies = Array.from({ length: 40 }, (_, i) => syntheticStudy({ n: i + 100, sites: 6 }));
    await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts() })));
    const entries = await repo.listActiveEntries();
    expect(entries.map((e) => e.nctId)).toEqual(
      studies.map((s) => s.protocolSection.identificationModule.nctId),
    );
    for (const e of entries) {
      for (const site of e.sites) expect(RECRUITING_SITE_STATUSES).toContain(site.status);
      expect(e.facts.extractorVersion).toBe('test-1');
    }
    const recruiting = entries.find((e) => e.overallStatus === 'RECRUITING');
    expect(recruiting?.sites).toHaveLength(5); // the 5th site of 6 is COMPLETED
    expect(recruiting?.sites[0]).toMatchObject({
      contact: { phone: '555-0100' },
      lat: expect.any(Number),
    });
    expect(entries.find((e) => e.overallStatus === 'COMPLETED')?.sites).toEqual([]);

    // Before any snapshot: the index is built from the active entries themselves.
    const expected = splitEntries(entries);
    const fromActive = await repo.loadMatchIndex();
    expect(fromActive.source).toBe('active');
    expect(fromActive.core).toEqual(expected.core);

    const published = await repo.publishIndex();
    expect(published?.entries).toBe(40);
    expect((await repo.getSyncState()).indexSnapshot?.version).toBe(published?.indexVersion);
    const fromSnapshot = await repo.loadMatchIndex();
    expect(fromSnapshot.source).toBe('snapshot');
    // The same core, each trial with the hash of its stored entry (to check its words by).
    const { trials, ...rest } = fromSnapshot.core;
    expect(rest).toEqual({ format: expected.core.format, predicates: expected.core.predicates });
    expect(trials.map(({ hash: _h, ...t }) => t)).toEqual(expected.core.trials);
    expect(trials.every((t) => /^[0-9a-f]{16}$/.test(t.hash ?? ''))).toBe(true);
    expect(new Set(trials.map((t) => t.hash)).size).toBe(40);
    // Words are fetched for the trials asked for, in any order asked.
    const first = await fromSnapshot.displays.load([5, 0]);
    expect(first(5)).toEqual(expected.displays[5]);
    expect(() => first(20)).toThrow(/no display/);
    const ordinals = [39, 0, 17, 16, 5];
    const display = await fromSnapshot.displays.load(ordinals);
    for (const o of ordinals) expect(display(o)).toEqual(expected.displays[o]);
    expect(await repo.publishIndex()).toBeUndefined();
  });

  it('refuses the words of a study that changed after the index was loaded, and deletes replaced snapshots', async () => {
    const { repo, tableName } = await h.newTable();
    const snapshotKeys = async () => {
      const out = await h.doc.send(new ScanCommand({ TableName: tableName }));
      return (out.Items ?? []).map((i) => String(i.pk)).filter((pk) => pk.startsWith('INDEX#'));
    };
    const study = syntheticStudy({ n: 130 });
    await repo.upsertStudies([{ study, facts: handFacts() }]);
    await repo.upsertStudies([{ study: syntheticStudy({ n: 131 }), facts: handFacts() }]);
    const first = await repo.publishIndex();
    const loaded = await repo.loadMatchIndex();
    const untouched = await repo.loadMatchIndex();
    expect((await loaded.displays.load([0]))(0).evidence.length).toBeGreaterThan(0);

    const changed = structuredClone(study);
    changed.protocolSection.statusModule.lastUpdatePostDateStruct.date = '2026-12-01';
    changed.protocolSection.eligibilityModule = {
      ...changed.protocolSection.eligibilityModule,
      minimumAge: '21 Years',
    };
    expect(await repo.upsertStudies([{ study: changed, facts: handFacts() }])).toEqual(['written']);
    const second = await repo.publishIndex();
    expect(await snapshotKeys()).toEqual([`INDEX#${second?.indexVersion}`]);
    expect(second?.indexVersion).not.toBe(first?.indexVersion);
    // Words already fetched stay; the changed study's are refused (the API then reloads);
    // an unchanged study's words still come from the older index.
    expect((await loaded.displays.load([0]))(0).evidence.length).toBeGreaterThan(0);
    await expect(untouched.displays.load([0])).rejects.toBeInstanceOf(DisplayGoneError);
    expect((await untouched.displays.load([1]))(1).sites.length).toBeGreaterThan(0);
    const fresh = await repo.loadMatchIndex();
    expect((await fresh.displays.load([0]))(0).evidence.map((e) => e.quote)).toContain(
      'Minimum age: 21 Years',
    );
  });

  it('never serves an out-of-date snapshot: a change after publishing shows at once', async () => {
    const { repo } = await h.newTable();
    await repo.upsertStudies([{ study: syntheticStudy({ n: 30 }), facts: handFacts() }]);
    await repo.publishIndex();
    await repo.upsertStudies([{ study: syntheticStudy({ n: 31 }), facts: handFacts() }]);
    const loaded = await repo.loadMatchIndex();
    expect(loaded.source).toBe('active');
    expect(loaded.core.trials.map((t) => t.nctId)).toEqual([syntheticId(30), syntheticId(31)]);
  });

  it('on request, serves the last published snapshot while newer writes are unpublished, saying which version', async () => {
    const { repo } = await h.newTable();
    await repo.upsertStudies([{ study: syntheticStudy({ n: 36 }), facts: handFacts() }]);
    const published = await repo.publishIndex();
    await repo.upsertStudies([{ study: syntheticStudy({ n: 37 }), facts: handFacts() }]);
    const current = (await repo.getSyncState()).indexVersion;
    expect(current).not.toBe(published?.indexVersion);
    const older = await repo.loadMatchIndex({ acceptPublished: true });
    expect(older).toMatchObject({ source: 'snapshot', version: published?.indexVersion });
    expect(older.core.trials.map((t) => t.nctId)).toEqual([syntheticId(36)]);
    const fresh = await repo.loadMatchIndex();
    expect(fresh).toMatchObject({ source: 'active', version: current });
    expect(fresh.core.trials.map((t) => t.nctId)).toEqual([syntheticId(36), syntheticId(37)]);
  });

  it('reads no snapshot of another core format, and publishing replaces it', async () => {
    const { repo } = await h.newTable();
    await repo.upsertStudies([{ study: syntheticStudy({ n: 35 }), facts: handFacts() }]);
    const published = await repo.publishIndex();
    const state = await repo.getSyncState();
    // As a snapshot written by an older release would be described.
    await repo.putSyncState({
      indexSnapshot: { ...state.indexSnapshot, format: undefined } as never,
    });
    expect((await repo.loadMatchIndex()).source).toBe('active');
    expect((await repo.publishIndex())?.indexVersion).toBe(published?.indexVersion);
    expect((await repo.loadMatchIndex()).source).toBe('snapshot');
  });

  it('marks studies a full sweep did not see as stale, and a stale study comes back when seen', async () => {
    const { repo } = await h.newTable();
    const studies = Array.from({ length: 4 }, (_, i) => syntheticStudy({ n: i + 40 }));
    await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts() })));
    await repo.recordSeen('sweep-1', [syntheticId(40), syntheticId(41)]);
    await repo.recordSeen('sweep-1', [syntheticId(42)]);
    await repo.recordSeen('sweep-0', [syntheticId(43)]); // an abandoned sweep's marks do not count
    expect(await repo.markUnseenStale('sweep-1')).toEqual([syntheticId(43)]);
    expect((await repo.getStudy(syntheticId(43)))?.stale).toBe(true);
    expect((await repo.listActiveEntries()).map((e) => e.nctId)).not.toContain(syntheticId(43));
    expect(await repo.countActive()).toBe(3);

    expect(await repo.upsertStudies([{ study: studies[3] as Study, facts: handFacts() }])).toEqual([
      'written',
    ]);
    expect((await repo.getStudy(syntheticId(43)))?.stale).toBe(false);
    expect(await repo.countActive()).toBe(4);
  });

  it('refuses to mark most of the table stale after a sweep that saw almost nothing', async () => {
    const { repo } = await h.newTable();
    await repo.upsertStudies(
      Array.from({ length: 10 }, (_, i) => ({
        study: syntheticStudy({ n: i + 50 }),
        facts: handFacts(),
      })),
    );
    await repo.recordSeen('sweep-2', [syntheticId(50)]);
    await expect(repo.markUnseenStale('sweep-2')).rejects.toThrow(/refusing/);
    expect(await repo.countActive()).toBe(10);
  });
});

describe('re-derivation', () => {
  it('rewrites facts of an older extractor version from the stored record, keeping stale studies stale', async () => {
    const { repo, tableName } = await h.newTable();
    const studies = Array.from({ length: 5 }, (_, i) => syntheticStudy({ n: i + 60 }));
    await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts('v1') })));
    await repo.recordSeen(
      's',
      studies.slice(0, 4).map((s) => s.protocolSection.identificationModule.nctId),
    );
    await repo.markUnseenStale('s');
    const rawBefore = (await dumpTable(h.doc, tableName)).filter((i) => i.sk !== 'META');

    const seen: string[] = [];
    const result = await rederiveFacts(
      repo,
      (study) => {
        seen.push(study.protocolSection.identificationModule.nctId);
        return handFacts('v2', `re-derived ${study.protocolSection.identificationModule.nctId}`);
      },
      'v2',
    );
    expect(result.written).toHaveLength(5);
    expect(seen).toHaveLength(5);
    expect((await repo.getStudy(syntheticId(60)))?.facts.extractorVersion).toBe('v2');
    expect((await repo.getStudy(syntheticId(64)))?.stale).toBe(true);
    // The records themselves were not touched.
    expect((await dumpTable(h.doc, tableName)).filter((i) => i.sk !== 'META')).toEqual(rawBefore);
    const index = await repo.listActiveEntries();
    expect(index.map((e) => e.facts.extractorVersion)).toEqual(['v2', 'v2', 'v2', 'v2']);
    expect(await repo.listOutdatedFacts('v2')).toEqual([]);
  });
});

describe('BatchWrite unprocessed items', () => {
  it('retries items DynamoDB returned as unprocessed until all are written', async () => {
    // Fault injection: every BatchWrite answers with half of its items unprocessed (as
    // DynamoDB does under throttling) without writing those.
    const { doc: faulty, stats } = faultyDoc(h.doc, { unprocessedEvery: 1 });
    const { repo, tableName } = await h.newTable({}, faulty);
    const studies = Array.from({ length: 20 }, (_, i) => syntheticStudy({ n: i + 70 }));
    await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts() })));
    expect(stats.unprocessedItems).toBeGreaterThan(0);
    const items = await dumpTable(h.doc, tableName);
    expect(items.filter((i) => String(i.sk).startsWith('RAW#'))).toHaveLength(20);
    expect(items.filter((i) => String(i.sk).startsWith('SITES#'))).toHaveLength(20);
    for (const s of studies) {
      expect((await repo.getStudy(s.protocolSection.identificationModule.nctId))?.study).toEqual(s);
    }
  });
});

describe('throttling', () => {
  it('retries calls DynamoDB throttles, and the writes land once', async () => {
    // Fault injection: every third call fails as DynamoDB does when a table is throttled.
    const { doc: faulty, stats } = faultyDoc(h.doc, { throttleEvery: 3 });
    const { repo, tableName } = await h.newTable({}, faulty);
    const studies = Array.from({ length: 10 }, (_, i) => syntheticStudy({ n: i + 90 }));
    expect(
      await repo.upsertStudies(studies.map((study) => ({ study, facts: handFacts() }))),
    ).toEqual(studies.map(() => 'written'));
    await repo.publishIndex();
    expect(stats.throttled).toBeGreaterThan(3);
    expect((await repo.listActiveEntries()).map((e) => e.nctId)).toEqual(
      studies.map((s) => s.protocolSection.identificationModule.nctId),
    );
    expect((await dumpTable(h.doc, tableName)).filter((i) => i.sk === 'META')).toHaveLength(10);
  });
});

describe.skipIf(!SHARED_AVAILABLE)(`the largest real record (${SKIP_REASON})`, () => {
  it('NCT02513394 (777 KB) round-trips byte for byte', async () => {
    const { repo } = await h.newTable();
    const text = readFileSync(join(SHARED_STUDIES_DIR, 'NCT02513394.json'), 'utf8');
    const study = JSON.parse(text) as Study;
    expect(await repo.upsertStudies([{ study, facts: handFacts(), rawJson: text }])).toEqual([
      'written',
    ]);
    expect(await repo.getRawJson('NCT02513394')).toBe(text);
    expect((await repo.getStudy('NCT02513394'))?.study).toEqual(study);
  });
});

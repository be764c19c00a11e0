import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CtgovRequestError } from '#ctgov/client.ts';
import type { ReplayServer } from '../../../local/replay/server.ts';
import {
  allPages,
  FIXTURE_IDS,
  fixtureText,
  idsOf,
  startFixtureReplay,
  testClient,
} from './replay-fixture.ts';

describe('ctgov client: paging against the replay server', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startFixtureReplay();
  });
  afterAll(async () => {
    await replay.close();
  });

  it('reads every record once, in NCT order, with totalCount on the first page only', async () => {
    const { client } = testClient(replay.baseUrl);
    const pages = await allPages(client, { pageSize: 3 });
    await client.close();
    expect(idsOf(pages)).toEqual(FIXTURE_IDS);
    expect(pages[0]?.totalCount).toBe(FIXTURE_IDS.length);
    expect(pages.slice(1).every((p) => p.totalCount === undefined)).toBe(true);
    expect(pages.every((p) => p.rejected.length === 0)).toBe(true);
  });

  it('survives the exactly-full last page: a token that leads to an empty page', async () => {
    const { client } = testClient(replay.baseUrl);
    // 8 fixtures, pages of 4: the second page is full, so it still carries a token.
    const pages = await allPages(client, { pageSize: 4 });
    await client.close();
    expect(pages.map((p) => p.studies.length)).toEqual([4, 4, 0]);
    expect(pages[1]?.nextPageToken).toBeTruthy();
    expect(pages[2]?.nextPageToken).toBeUndefined();
    expect(idsOf(pages)).toEqual(FIXTURE_IDS);
  });

  it('uses pageSize 1000 by default: one page holds the whole fixture set', async () => {
    const { client } = testClient(replay.baseUrl);
    const page = await client.searchPage({});
    await client.close();
    expect(page.studies).toHaveLength(FIXTURE_IDS.length);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('hands back each record as served, byte for byte, and unknown fields intact', async () => {
    const { client } = testClient(replay.baseUrl);
    const page = await client.searchPage({ pageSize: 1000 });
    await client.close();
    const ids = idsOf([page]);
    ids.forEach((id, i) => {
      expect(page.rawJson?.[i]).toBe(fixtureText(id));
    });
    const withBmi = page.studies.find(
      (s) => s.protocolSection.identificationModule.nctId === 'NCT09000002',
    );
    // A field the schema does not know passes through untouched.
    expect(withBmi?.protocolSection).toHaveProperty('eligibilityModule.bmiLimits.minBmi', 0);
  });

  it('filters by status, by LastUpdatePostDate range and by condition', async () => {
    const { client } = testClient(replay.baseUrl);
    const recruiting = idsOf(await allPages(client, { statuses: ['RECRUITING'] }));
    const recent = idsOf(
      await allPages(client, { advanced: 'AREA[LastUpdatePostDate]RANGE[2026-09-12,MAX]' }),
    );
    const nsclc = idsOf(await allPages(client, { cond: 'NSCLC' }));
    await client.close();
    expect(recruiting).toEqual([
      'NCT09000001',
      'NCT09000004',
      'NCT09000005',
      'NCT09000006',
      'NCT09000008',
    ]);
    // Inclusive lower bound, day granularity.
    expect(recent).toEqual(['NCT09000001', 'NCT09000004', 'NCT09000005', 'NCT09000008']);
    expect(nsclc).toEqual(['NCT09000001', 'NCT09000008']);
  });

  it('reports a 400 with the API message and does not retry it', async () => {
    const { client, retries } = testClient(replay.baseUrl);
    const before = replay.stats.studies;
    const err = await client.searchPage({ statuses: ['OPEN'] }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(CtgovRequestError);
    expect((err as CtgovRequestError).status).toBe(400);
    expect((err as CtgovRequestError).message).toContain(
      'Invalid value in parameter `filter.overallStatus`: OPEN',
    );
    expect(retries).toHaveLength(0);
    expect(replay.stats.studies - before).toBe(1);
  });

  it('getStudy: the record, undefined on 404, and an alias followed to the canonical record', async () => {
    const { client } = testClient(replay.baseUrl);
    const s = await client.getStudy('NCT09000003');
    const absent = await client.getStudy('NCT09999999');
    const viaAlias = await client.getStudy('NCT08999995');
    const json = await client.getStudyJson('NCT09000008');
    await client.close();
    expect(s?.protocolSection.identificationModule.nctId).toBe('NCT09000003');
    expect(absent).toBeUndefined();
    expect(viaAlias?.protocolSection.identificationModule.nctId).toBe('NCT09000005');
    expect(json).toBe(fixtureText('NCT09000008'));
  });

  it('version(): the data timestamp, and a new one after a simulated refresh', async () => {
    const { client } = testClient(replay.baseUrl);
    const v1 = await client.version();
    replay.setDataTimestamp('2026-11-28T09:00:04');
    const v2 = await client.version();
    await client.close();
    expect(v1).toEqual({ apiVersion: '2.0.5', dataTimestamp: '2026-11-20T09:00:00' });
    expect(v2.dataTimestamp).toBe('2026-11-28T09:00:04');
  });
});

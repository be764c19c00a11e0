import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CtgovSchemaError, type LargeRecord, type RejectedRecord } from '#ctgov/client.ts';
import { StudySchemaError } from '#ctgov/study-schema.ts';
import type { ReplayServer } from '../../../local/replay/server.ts';
import {
  FIXTURE_IDS,
  fixtureRecord,
  idsOf,
  startFixtureReplay,
  testClient,
} from './replay-fixture.ts';

describe('ctgov client: schema checks on every record', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startFixtureReplay();
  });
  afterEach(() => replay.clearFaults());
  afterAll(async () => {
    await replay.close();
  });

  it('a record whose used field changed type is rejected loudly with its NCT id and path; the page continues', async () => {
    const seen: RejectedRecord[] = [];
    const { client, retries } = testClient(replay.baseUrl, { onRejected: (r) => seen.push(r) });
    replay.inject({ kind: 'drift', nctId: 'NCT09000004' });
    const page = await client.searchPage({});
    await client.close();
    expect(idsOf([page])).toEqual(FIXTURE_IDS.filter((id) => id !== 'NCT09000004'));
    expect(page.rawJson).toHaveLength(FIXTURE_IDS.length - 1);
    expect(page.rejected).toHaveLength(1);
    expect(page.rejected[0]?.nctId).toBe('NCT09000004');
    expect(page.rejected[0]?.message).toContain('protocolSection.statusModule.overallStatus');
    expect(seen).toEqual(page.rejected);
    // Drift is not a transient fault: no retry.
    expect(retries).toHaveLength(0);
  });

  it('getStudy on a drifted record throws a StudySchemaError naming the id and path', async () => {
    const { client } = testClient(replay.baseUrl);
    replay.inject({ kind: 'drift', nctId: 'NCT09000001' });
    const err = await client.getStudy('NCT09000001').catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(StudySchemaError);
    expect((err as StudySchemaError).nctId).toBe('NCT09000001');
    expect((err as StudySchemaError).issues.map((i) => i.path)).toContain(
      'protocolSection.statusModule.overallStatus',
    );
  });

  it('a record bigger than maxRecordBytes is kept and reported, never dropped', async () => {
    const large: LargeRecord[] = [];
    const { client } = testClient(replay.baseUrl, {
      maxRecordBytes: 50_000,
      onLargeRecord: (r) => large.push(r),
    });
    const page = await client.searchPage({});
    await client.close();
    expect(large.map((r) => r.nctId)).toEqual(['NCT09000008']);
    expect(large[0]?.bytes).toBe(
      Buffer.byteLength(page.rawJson?.[FIXTURE_IDS.indexOf('NCT09000008')] ?? ''),
    );
    expect(idsOf([page])).toContain('NCT09000008');
    const many = page.studies.find(
      (s) => s.protocolSection.identificationModule.nctId === 'NCT09000008',
    );
    expect(many?.protocolSection.contactsLocationsModule?.locations).toHaveLength(650);
  });

  it('a record added at runtime is served (a newer version replaces the old one)', async () => {
    const rec = fixtureRecord('NCT09000003') as {
      protocolSection: {
        statusModule: { overallStatus: string; lastUpdatePostDateStruct: { date: string } };
      };
    };
    rec.protocolSection.statusModule.overallStatus = 'TERMINATED';
    rec.protocolSection.statusModule.lastUpdatePostDateStruct.date = '2026-11-25';
    const { client } = testClient(replay.baseUrl);
    const original = JSON.stringify(fixtureRecord('NCT09000003'));
    try {
      replay.putStudy(rec);
      const page = await client.searchPage({
        advanced: 'AREA[LastUpdatePostDate]RANGE[2026-11-25,MAX]',
      });
      expect(idsOf([page])).toEqual(['NCT09000003']);
      expect(page.studies[0]?.protocolSection.statusModule.overallStatus).toBe('TERMINATED');
    } finally {
      replay.putStudy(original);
      await client.close();
    }
  });
});

describe('ctgov client: a page envelope of the wrong shape', () => {
  let server: ReturnType<typeof createServer>;
  let baseUrl = '';
  beforeAll(async () => {
    // Hand-made responses the replay server never produces: the envelope itself drifts.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/v2/studies?'))
        res.end('{"studies":{"0":{}},"nextPageToken":5}');
      else res.end('{"apiVersion":"2.0.5"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('throws CtgovSchemaError naming the paths (studies not an array), without retrying', async () => {
    const { client, retries } = testClient(baseUrl);
    const err = await client.searchPage({}).catch((e: unknown) => e);
    const verr = await client.version().catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(CtgovSchemaError);
    expect((err as CtgovSchemaError).issues.map((i) => i.path)).toEqual([
      'studies',
      'nextPageToken',
    ]);
    expect(verr).toBeInstanceOf(CtgovSchemaError);
    expect(retries).toHaveLength(0);
  });
});

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayServer } from '../../../local/replay/server.ts';
import { FIXTURE_IDS, fixtureText, startFixtureReplay } from './replay-fixture.ts';

/** Raw HTTP against the replay server, to pin its API behaviour independently of the client. */
async function get(base: string, path: string) {
  const res = await request(`${base}${path}`);
  const text = await res.body.text();
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    headers: res.headers,
    text,
  };
}

type Page = {
  studies: { protocolSection: { identificationModule: { nctId: string } } }[];
  nextPageToken?: string;
  totalCount?: number;
};
const ids = (p: Page) => p.studies.map((s) => s.protocolSection.identificationModule.nctId);

describe('replay server: the v2 API over a directory of records', () => {
  let replay: ReplayServer;
  let base = '';
  const search = async (params: Record<string, string>) => {
    const r = await get(base, `/studies?${new URLSearchParams(params)}`);
    expect(r.status, r.text).toBe(200);
    return JSON.parse(r.text) as Page;
  };
  beforeAll(async () => {
    replay = await startFixtureReplay();
    base = replay.baseUrl;
  });
  afterAll(async () => {
    await replay.close();
  });

  it('listens on loopback under /api/v2 and defaults to pages of 10', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
    const p = await search({});
    expect(ids(p)).toEqual(FIXTURE_IDS);
    expect(p.nextPageToken).toBeUndefined();
  });

  it('serves the stored bytes of each record, single and in pages', async () => {
    const one = await get(base, '/studies/NCT09000002');
    expect(one.type).toMatch(/application\/json/);
    expect(one.text).toBe(fixtureText('NCT09000002'));
    const page = await get(base, '/studies?pageSize=1');
    expect(page.text).toContain(fixtureText(FIXTURE_IDS[0] as string));
  });

  it('matches query.cond on conditions, MeSH terms, keywords and titles; OR, AND, NOT and phrases', async () => {
    expect(ids(await search({ 'query.cond': 'NSCLC' }))).toEqual(['NCT09000001', 'NCT09000008']);
    // MeSH heading with punctuation, matched across the hyphens; 003 has it as an ancestor only
    expect(ids(await search({ 'query.cond': '"Carcinoma, Non-Small-Cell Lung"' }))).toEqual([
      'NCT09000001',
      'NCT09000002',
      'NCT09000003',
      'NCT09000008',
    ]);
    expect(ids(await search({ 'query.cond': '"lung neoplasms"' }))).toEqual([
      'NCT09000001',
      'NCT09000002',
      'NCT09000004',
      'NCT09000008',
    ]);
    expect(ids(await search({ 'query.cond': 'hypertension OR "breast cancer"' }))).toEqual([
      'NCT09000006',
      'NCT09000007',
    ]);
    expect(ids(await search({ 'query.cond': '"lung neoplasms" AND NOT NSCLC' }))).toEqual([
      'NCT09000002',
      'NCT09000004',
    ]);
    expect(ids(await search({ 'query.cond': '(adenocarcinoma OR small) AND lung' }))).toEqual([
      'NCT09000001',
      'NCT09000002',
      'NCT09000003',
      'NCT09000004',
      'NCT09000008',
    ]);
    // Word-start matching: "tumor" finds "Tumors"; not "umor".
    expect(ids(await search({ 'query.cond': '"solid tumor"' }))).toEqual(['NCT09000005']);
    expect(ids(await search({ 'query.cond': 'umor' }))).toEqual([]);
  });

  it('matches query.term over the whole record (the basket names NSCLC only in its criteria)', async () => {
    const p = await search({
      'query.cond': '"solid tumor"',
      'query.term': '"non-small cell lung"',
    });
    expect(ids(p)).toEqual(['NCT09000005']);
    expect(ids(await search({ 'query.cond': '"solid tumor"', 'query.term': 'melanoma' }))).toEqual(
      [],
    );
  });

  it('filters by overallStatus (comma list) and LastUpdatePostDate ranges with MIN/MAX', async () => {
    expect(
      ids(await search({ 'filter.overallStatus': 'COMPLETED,ACTIVE_NOT_RECRUITING' })),
    ).toEqual(['NCT09000002', 'NCT09000003', 'NCT09000007']);
    expect(
      ids(await search({ 'filter.advanced': 'AREA[LastUpdatePostDate]RANGE[MIN,2024-05-05]' })),
    ).toEqual(['NCT09000003', 'NCT09000007']);
    expect(
      ids(
        await search({ 'filter.advanced': 'AREA[LastUpdatePostDate]RANGE[2025-01-01,2026-08-30]' }),
      ),
    ).toEqual(['NCT09000002', 'NCT09000006']);
  });

  it('countTotal gives totalCount on the first page only; an exactly-full last page still has a token', async () => {
    const p1 = await search({ pageSize: '4', countTotal: 'true' });
    expect(p1.totalCount).toBe(8);
    const p2 = await search({
      pageSize: '4',
      countTotal: 'true',
      pageToken: p1.nextPageToken as string,
    });
    expect(p2.totalCount).toBeUndefined();
    expect(ids(p2)).toEqual(FIXTURE_IDS.slice(4));
    const p3 = await search({ pageSize: '4', pageToken: p2.nextPageToken as string });
    expect(p3.studies).toEqual([]);
    expect(p3.nextPageToken).toBeUndefined();
  });

  it('answers bad requests with 400 plain text, like the real API', async () => {
    const cases: [string, RegExp][] = [
      ['/studies?pageSize=1001', /pageSize/],
      ['/studies?pageToken=garbage', /pageToken/],
      [
        '/studies?filter.overallStatus=OPEN',
        /Invalid value in parameter `filter.overallStatus`: OPEN/,
      ],
      ['/studies?filter.advanced=AREA%5BPhase%5DPHASE2', /filter.advanced/],
      [
        '/studies?filter.advanced=AREA%5BLastUpdatePostDate%5DRANGE%5Byesterday,MAX%5D',
        /incorrect format/,
      ],
      ['/studies?query.cond=%5Blung', /query.cond/],
      ['/studies?query.cond=(lung', /query.cond/],
      ['/studies?fields=NCTId', /Unknown parameter: fields/],
      ['/studies/NCTX', /incorrect format/],
    ];
    for (const [path, message] of cases) {
      const r = await get(base, path);
      expect(r.status, path).toBe(400);
      expect(r.type, path).toMatch(/text\/plain/);
      expect(r.text, path).toMatch(message);
    }
  });

  it('404 for an absent study, 301 from an alias to the canonical id, and accepts short NCT ids', async () => {
    const absent = await get(base, '/studies/NCT09999999');
    expect(absent.status).toBe(404);
    expect(absent.type).toMatch(/text\/plain/);
    const alias = await get(base, '/studies/NCT08999995');
    expect(alias.status).toBe(301);
    expect(alias.headers.location).toBe('/api/v2/studies/NCT09000005');
    expect((await get(base, '/studies/nct9000001')).status).toBe(200);
  });

  it('/version derives the data timestamp from the newest versionHolder, changeable at runtime', async () => {
    const v = JSON.parse((await get(base, '/version')).text) as {
      apiVersion: string;
      dataTimestamp: string;
    };
    expect(v).toEqual({ apiVersion: '2.0.5', dataTimestamp: '2026-11-20T09:00:00' });
    replay.setDataTimestamp('2026-12-01T09:00:03');
    const v2 = JSON.parse((await get(base, '/version')).text) as { dataTimestamp: string };
    expect(v2.dataTimestamp).toBe('2026-12-01T09:00:03');
  });

  it('putStudy adds a record in order; removeStudy takes it away; counts requests', async () => {
    const rec = JSON.parse(fixtureText('NCT09000007')) as {
      protocolSection: { identificationModule: { nctId: string } };
    };
    rec.protocolSection.identificationModule.nctId = 'NCT09000000';
    const before = replay.stats.studies;
    expect(replay.putStudy(rec)).toBe('NCT09000000');
    expect(ids(await search({}))[0]).toBe('NCT09000000');
    expect(replay.removeStudy('NCT09000000')).toBe(true);
    expect(ids(await search({}))).toEqual(FIXTURE_IDS);
    expect(replay.stats.studies - before).toBe(2);
  });

  it('a fault fires `times` times on matching requests and then stops', async () => {
    replay.inject({ kind: 'status', status: 503, times: 2, match: { endpoint: 'version' } });
    expect((await get(base, '/studies?pageSize=1')).status).toBe(200);
    expect((await get(base, '/version')).status).toBe(503);
    expect((await get(base, '/version')).status).toBe(503);
    expect((await get(base, '/version')).status).toBe(200);
    replay.inject({ kind: 'status', status: 429, retryAfterSeconds: 3 });
    const limited = await get(base, '/version');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    replay.inject({ kind: 'html' });
    const html = await get(base, '/studies');
    expect([html.status, html.type]).toEqual([200, 'text/html;charset=UTF-8']);
    replay.inject({ kind: 'truncated' });
    const cut = await get(base, '/studies');
    expect(() => JSON.parse(cut.text)).toThrow();
    replay.inject({ kind: 'drift' });
    const drift = JSON.parse((await get(base, '/studies?pageSize=2')).text) as {
      studies: { protocolSection: { statusModule: { overallStatus: unknown } } }[];
    };
    expect(drift.studies.map((s) => typeof s.protocolSection.statusModule.overallStatus)).toEqual([
      'number',
      'string',
    ]);
    expect(replay.pendingFaults).toBe(0);
  });

  it('a reset fault cuts the connection mid-body', async () => {
    replay.inject({ kind: 'reset' });
    await expect(get(base, '/studies')).rejects.toThrow();
    expect((await get(base, '/studies')).status).toBe(200);
  });
});

/**
 * The sync over the real ClinicalTrials.gov records in ../shared (served by the replay
 * server): every record the query set returns is stored once, byte for byte as served, and
 * a second run writes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nsclcQueries } from '#ctgov/nsclc-query.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { runSync } from '#sync/run-sync.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import { fastClient, startReplay } from '../fixtures/sync/sync-setup.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

describe.skipIf(!SHARED_AVAILABLE)(`sync of the real records (${SKIP_REASON})`, () => {
  let h: StoreHarness;
  let replay: Awaited<ReturnType<typeof startReplay>>;
  let client: ReturnType<typeof fastClient>;

  beforeAll(async () => {
    h = await startStoreHarness();
    replay = await startReplay(SHARED_STUDIES_DIR);
    client = fastClient(replay.baseUrl, {
      timeouts: { connectMs: 5_000, headersMs: 30_000, bodyMs: 30_000 },
    });
  });
  afterAll(async () => {
    await client?.close();
    await replay?.close();
    await h?.close();
  });

  it('stores every record the query set returns exactly once, as served, and a second run writes nothing', async () => {
    // What the API offers for the query set, asked independently of the sync.
    const offered = new Set<string>();
    for (const q of nsclcQueries()) {
      let token: string | undefined;
      do {
        const page = await client.searchPage(q, token);
        for (const s of page.studies) offered.add(s.protocolSection.identificationModule.nctId);
        token = page.studies.length ? page.nextPageToken : undefined;
      } while (token);
    }
    expect(offered.size).toBeGreaterThan(50);

    const { repo, tableName } = await h.newTable();
    const first = await runSync({ client, repo, extract: extractFacts, mode: 'full' });
    expect(first.status).toBe('completed');
    expect(first.rejectedIds).toEqual([]);
    const items = await dumpTable(h.doc, tableName);
    const metaIds = items.filter((i) => i.sk === 'META').map((i) => String(i.nctId));
    expect(metaIds.sort()).toEqual([...offered].sort());
    expect(first.trialCount).toBe(offered.size);

    for (const id of offered) {
      const served = readFileSync(join(SHARED_STUDIES_DIR, `${id}.json`), 'utf8').trim();
      expect(await repo.getRawJson(id)).toBe(served);
    }
    expect((await repo.listActiveEntries()).map((e) => e.nctId).sort()).toEqual(
      [...offered].sort(),
    );

    const second = await runSync({
      client,
      repo,
      extract: extractFacts,
      mode: 'full',
      force: true,
    });
    expect(second.written).toBe(0);
    expect(await dumpTable(h.doc, tableName)).toEqual(items);
  });
});

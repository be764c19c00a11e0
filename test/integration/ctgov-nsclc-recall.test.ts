/**
 * The real client, the real NSCLC query set and the replay server over the real shared
 * records: does the query set find the lung studies, the worked examples and the baskets?
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCtgovClient } from '#ctgov/client.ts';
import type { StudiesQuery } from '#ctgov/client-types.ts';
import { nsclcQueries, queryName } from '#ctgov/nsclc-query.ts';
import { type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import {
  SHARED_AVAILABLE,
  SHARED_DIR,
  SHARED_STUDIES_DIR,
  SKIP_REASON,
} from '../support/shared-data.ts';

interface ManifestRow {
  nctId: string;
  class: 'lung' | 'other_cancer' | 'non_cancer';
  lastUpdatePostDate: string;
}

describe.skipIf(!SHARED_AVAILABLE)(`NSCLC query set over the real records (${SKIP_REASON})`, () => {
  let replay: ReplayServer;
  let manifest: ManifestRow[];
  /** NCT id → names of the queries that found it */
  const found = new Map<string, string[]>();
  const rejected: string[] = [];

  const sweep = async (client: ReturnType<typeof createCtgovClient>, q: StudiesQuery) => {
    const out: { id: string; raw: string }[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await client.searchPage(q, token);
      rejected.push(...page.rejected.map((r) => r.nctId));
      page.studies.forEach((s, i) => {
        out.push({
          id: s.protocolSection.identificationModule.nctId,
          raw: page.rawJson?.[i] ?? '',
        });
      });
      if (page.studies.length === 0 || !page.nextPageToken) return out;
      token = page.nextPageToken;
    }
  };

  beforeAll(async () => {
    manifest = JSON.parse(
      readFileSync(join(SHARED_DIR, 'ctgov/studies-manifest.json'), 'utf8'),
    ) as ManifestRow[];
    replay = await startReplayServer({ dir: SHARED_STUDIES_DIR });
    const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });
    for (const q of nsclcQueries()) {
      for (const { id } of await sweep(client, q)) {
        found.set(id, [...(found.get(id) ?? []), queryName(q)]);
      }
    }
    await client.close();
  });
  afterAll(async () => {
    await replay?.close();
  });

  it('finds every lung-class study of the manifest', () => {
    // The manifest's lung class is "conditions or condition MeSH name lung cancer": exactly what
    // the condition spellings ask for, so the floor is all of them (measured: 100 of 100).
    const lung = manifest.filter((r) => r.class === 'lung').map((r) => r.nctId);
    expect(lung.length).toBeGreaterThan(0);
    expect(lung.filter((id) => !found.has(id))).toEqual([]);
    expect(rejected).toEqual([]);
  });

  it('finds the 14 trials of EXAMPLES.md, the HER2 basket NCT04482309 through the basket query', () => {
    const examples = readFileSync(join(SHARED_DIR, 'product/EXAMPLES.md'), 'utf8');
    const ids = [...new Set(examples.match(/NCT\d{8}/g) ?? [])];
    expect(ids).toHaveLength(14);
    expect(ids.filter((id) => !found.has(id))).toEqual([]);
    // Its conditions never name NSCLC or the lung: only the solid-tumour basket query finds it.
    expect(found.get('NCT04482309')).toEqual(['solid-tumour-basket']);
  });

  it('stays focused: what it pulls beyond the lung class is lung-related text, not the corpus', () => {
    const extra = [...found.keys()].filter(
      (id) => manifest.find((r) => r.nctId === id)?.class !== 'lung',
    );
    // Measured: 5 extra (baskets and multi-tumour studies) out of 1,468 non-lung records.
    expect(extra.length).toBeLessThanOrEqual(20);
    for (const id of extra) {
      const text = readFileSync(join(SHARED_STUDIES_DIR, `${id}.json`), 'utf8').toLowerCase();
      expect(text, id).toMatch(/lung|nsclc/);
    }
  });

  it('a full sweep returns every record once, byte for byte as stored, none rejected by the schema', async () => {
    const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });
    rejected.length = 0;
    const all = await sweep(client, {});
    await client.close();
    expect(all).toHaveLength(manifest.length);
    expect(new Set(all.map((r) => r.id)).size).toBe(manifest.length);
    expect(rejected).toEqual([]);
    const differing = all.filter(
      (r) => r.raw !== readFileSync(join(SHARED_STUDIES_DIR, `${r.id}.json`), 'utf8').trim(),
    );
    expect(differing.map((r) => r.id)).toEqual([]);
  });

  it('an incremental query returns exactly the records updated on or after the day', async () => {
    const since = '2025-06-01';
    const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });
    const incremental = new Set<string>();
    for (const q of nsclcQueries(since))
      for (const { id } of await sweep(client, q)) incremental.add(id);
    await client.close();
    const expected = [...found.keys()].filter(
      (id) => (manifest.find((r) => r.nctId === id)?.lastUpdatePostDate ?? '') >= since,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect([...incremental].sort()).toEqual(expected.sort());
  });
});

import { describe, expect, it } from 'vitest';
import type { Study } from '#ctgov/study-schema.ts';
import { chunkNo, compress, decompress, joinBytes, splitBytes } from '#store/codec.ts';
import { allSites, referralSites, toMatchIndexEntry } from '#store/match-entry.ts';
import { ACTIVE_SHARDS, activeShard } from '#store/table.ts';
import {
  handFacts,
  incompressibleText,
  syntheticStudy,
} from '../../fixtures/sync/synthetic-studies.ts';

function withLocations(locations: unknown[], overallStatus = 'RECRUITING'): Study {
  const s = syntheticStudy({ n: 1, overallStatus });
  (s.protocolSection as Record<string, unknown>).contactsLocationsModule = {
    centralContacts: [{ name: 'Central Desk', phone: '555-9999', email: 'desk@example.org' }],
    locations,
  };
  return s;
}

describe('referral sites', () => {
  it('keeps only sites that can take a referral, and a site without status inherits the study status', () => {
    const study = withLocations([
      { facility: 'A', status: 'RECRUITING', geoPoint: { lat: 1, lon: 2 } },
      { facility: 'B', status: 'COMPLETED' },
      { facility: 'C', status: 'NOT_YET_RECRUITING' },
      { facility: 'D', status: 'ENROLLING_BY_INVITATION' },
      { facility: 'E' },
      { facility: 'F', status: 'WITHDRAWN' },
    ]);
    expect(referralSites(study).map((s) => s.facility)).toEqual(['A', 'C', 'D', 'E']);
    expect(allSites(study)).toHaveLength(6);
    const closed = withLocations([{ facility: 'E' }], 'COMPLETED');
    expect(referralSites(closed)).toEqual([]);
  });

  it('carries lat/lon and one contact: a reachable site contact first, else the central contact', () => {
    const study = withLocations([
      {
        facility: 'A',
        status: 'RECRUITING',
        geoPoint: { lat: 40.5, lon: -74.2 },
        contacts: [{ name: 'No Phone' }, { name: 'Has Phone', phone: '555-0001', phoneExt: '12' }],
      },
      { facility: 'B', status: 'RECRUITING' },
    ]);
    const [a, b] = referralSites(study);
    expect(a).toMatchObject({
      lat: 40.5,
      lon: -74.2,
      contact: { name: 'Has Phone', phone: '555-0001 ext 12' },
    });
    expect(b?.contact).toEqual({
      name: 'Central Desk',
      phone: '555-9999',
      email: 'desk@example.org',
    });
  });

  it('builds the index entry from the study and its facts', () => {
    const study = syntheticStudy({ n: 2, lastUpdatePostDate: '2025-03-04' });
    const entry = toMatchIndexEntry(study, handFacts('v9'));
    expect(entry).toMatchObject({
      nctId: 'NCT08800002',
      overallStatus: 'RECRUITING',
      phases: ['PHASE3'],
      lastUpdatePostDate: '2025-03-04',
      minimumAge: '18 Years',
      sex: 'ALL',
    });
    expect(entry.facts.extractorVersion).toBe('v9');
  });
});

describe('codec', () => {
  it('splits and joins bytes losslessly at any chunk size', () => {
    const text = incompressibleText(10_000, 7);
    const bytes = compress(text);
    for (const size of [1, 7, 1000, bytes.byteLength, bytes.byteLength + 1]) {
      const parts = splitBytes(bytes, size);
      expect(parts.length).toBe(Math.ceil(bytes.byteLength / size));
      expect(decompress(joinBytes(parts))).toBe(text);
    }
    expect(decompress(compress('≥ 18 years, ≤ 2', 'br'), 'br')).toBe('≥ 18 years, ≤ 2');
  });

  it('numbers chunks so that they sort in order', () => {
    const keys = Array.from({ length: 120 }, (_, i) => chunkNo(i));
    expect([...keys].sort()).toEqual(keys);
  });

  it('spreads studies over every active shard', () => {
    const shards = new Set(
      Array.from({ length: 200 }, (_, i) => activeShard(`NCT0${String(i).padStart(7, '0')}`)),
    );
    expect(shards.size).toBe(ACTIVE_SHARDS);
  });
});

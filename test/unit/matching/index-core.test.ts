/** The index in two halves: what the core keeps, what the words keep, and fetching the words. */
import { describe, expect, it } from 'vitest';
import {
  DisplayGoneError,
  displaysFromStore,
  type StoredEntry,
  splitEntries,
} from '#matching/index-core.ts';
import { evaluateTrial } from '#matching/verdict.ts';
import type { MatchIndexEntry } from '#store/types.ts';
import { entry, facts, forbid, req, site } from '../../fixtures/matching/builders.ts';

const ecog = (id: string, max: number, cohorts?: string[]) =>
  entry(
    id,
    facts(
      [
        req({ kind: 'ecog', max }, `ECOG 0-${max}`, cohorts),
        forbid({ kind: 'brain_metastases', states: ['active'] }, 'Active brain metastases'),
        req({ kind: 'unclassified' }, 'Adequate organ function'),
      ],
      { cohorts: cohorts ?? [], scopeQuote: 'Stage IV NSCLC' },
    ),
    {
      minimumAge: '18 Years',
      sites: [
        site('Boston', 42.36011111, -71.0589),
        site('Closed', 40.7, -74, { status: 'COMPLETED' }),
        site('No coordinates', Number.NaN, Number.NaN, { lat: undefined, lon: undefined }),
      ],
    },
  );

describe('splitEntries', () => {
  const entries = [
    ecog('NCT00000003', 1),
    ecog('NCT00000001', 2, ['cohort a']),
    ecog('NCT00000002', 1),
  ];
  const { core, displays } = splitEntries(entries, (e) => `${e.nctId}-hash-long-enough`);

  it('orders trials by NCT id and interns equal predicates across trials', () => {
    expect(core.trials.map((t) => t.nctId)).toEqual(['NCT00000001', 'NCT00000002', 'NCT00000003']);
    // ECOG ≤ 1, ECOG ≤ 2, brain metastases, unclassified require, age ≥ 18 (from minimumAge).
    expect(core.predicates).toHaveLength(5);
    expect(core.trials[1]?.criteria).toEqual(core.trials[2]?.criteria);
    expect(JSON.stringify(core)).not.toContain('ECOG 0-');
  });

  it('keeps cohort labels per trial, not in the shared predicate', () => {
    expect(core.trials[0]?.scoped).toEqual([[0, ['cohort a']]]);
    expect(core.trials[1]?.scoped).toBeUndefined();
    expect(core.predicates.some((p) => 'cohorts' in p)).toBe(false);
  });

  it('keeps referable sites only, coordinates rounded in the core, names in the words', () => {
    const t = core.trials[0];
    expect(t?.siteCount).toBe(2);
    expect(t?.geo).toEqual([42.3601, -71.0589, 0]);
    expect(displays[0]?.sites.map((s) => s.facility)).toEqual(['Boston', 'No coordinates']);
  });

  it('aligns each criterion with its quote, structured criteria included', () => {
    expect(displays[0]?.evidence.map((e) => e.quote)).toEqual([
      'ECOG 0-2',
      'Active brain metastases',
      'Adequate organ function',
      'Minimum age: 18 Years',
    ]);
    expect(displays[0]?.scope?.quote).toBe('Stage IV NSCLC');
    expect(core.trials[0]?.hash).toBe('NCT00000001-hash');
  });

  it('words and core together explain a trial exactly as evaluating its facts does', async () => {
    const { matchTrials, indexEntries } = await import('#matching/match.ts');
    const { parseMatchRequest } = await import('#matching/profile.ts');
    const parsed = parseMatchRequest({
      diagnosis: { cancer: 'nsclc', stage: 'IVA' },
      ecog: 2,
      age: 60,
    });
    if (!parsed.ok) throw new Error('profile');
    const response = matchTrials(parsed.request, indexEntries(entries), new Date(0));
    for (const r of response.results) {
      const e = entries.find((x) => x.nctId === r.nctId) as MatchIndexEntry;
      const direct = evaluateTrial(e.facts, parsed.request.profile, e);
      expect(r.verdict).toBe(direct.verdict);
      expect(r.reasons).toEqual(direct.reasons);
      expect(r.toDiscuss).toEqual(direct.toDiscuss);
    }
  });
});

describe('displaysFromStore', () => {
  const entries = [ecog('NCT00000001', 1), ecog('NCT00000002', 2)];
  const { core } = splitEntries(entries, (e) => `${e.nctId}-v1-0123456789`);
  const stored = (e: MatchIndexEntry, version = 'v1'): StoredEntry => ({
    hash: `${e.nctId}-${version}-0123456789abcdef`,
    entry: e,
  });

  it('fetches each trial once, only the ones asked for, and keeps them', async () => {
    const asked: string[][] = [];
    const source = displaysFromStore(core, async (ids) => {
      asked.push(ids);
      return new Map(entries.map((e) => [e.nctId, stored(e)]));
    });
    const first = await source.load([1, 1]);
    expect(first(1).evidence[0]?.quote).toBe('ECOG 0-2');
    expect(() => first(0)).toThrow(/no display/);
    await source.load([0, 1]);
    expect(asked).toEqual([['NCT00000002'], ['NCT00000001']]);
  });

  it('refuses words from an entry stored since the index was built', async () => {
    const source = displaysFromStore(core, async () => {
      return new Map(entries.map((e) => [e.nctId, stored(e, 'v2')]));
    });
    await expect(source.load([0])).rejects.toBeInstanceOf(DisplayGoneError);
  });

  it('refuses a trial no longer stored, and tries a failed fetch again next time', async () => {
    let calls = 0;
    const source = displaysFromStore(core, async () => {
      calls++;
      if (calls === 1) throw new Error('throttled');
      return new Map([[entries[0]?.nctId as string, stored(entries[0] as MatchIndexEntry)]]);
    });
    await expect(source.load([0])).rejects.toThrow('throttled');
    expect((await source.load([0]))(0).sites).toHaveLength(2);
    await expect(source.load([1])).rejects.toBeInstanceOf(DisplayGoneError);
    expect(calls).toBe(3);
  });
});

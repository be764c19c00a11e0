import { describe, expect, it } from 'vitest';
import { nsclcQueries, queryKey, queryName, updatedSinceFilter } from '#ctgov/nsclc-query.ts';
import { parseSearch } from '../../../local/replay/search-expression.ts';

describe('the NSCLC query set', () => {
  it('asks for every spelling of §C6 and the solid-tumour baskets, with no status filter', () => {
    const qs = nsclcQueries();
    const conds = qs.map((q) => q.cond ?? '').join(' | ');
    for (const spelling of [
      'NSCLC',
      'non-small cell lung cancer',
      'Carcinoma, Non-Small-Cell Lung',
      'lung adenocarcinoma',
      'squamous cell lung carcinoma',
      'Lung Neoplasms',
      'lung cancer',
      'solid tumor',
    ]) {
      expect(conds).toContain(spelling);
    }
    expect(qs.every((q) => q.statuses === undefined && q.advanced === undefined)).toBe(true);
    const basket = qs.find((q) => q.cond?.includes('solid tumor'));
    expect(basket?.term).toMatch(/non-small cell lung/);
  });

  it('each query is valid query syntax (no brackets, balanced quotes)', () => {
    for (const q of nsclcQueries()) {
      expect(() => parseSearch(q.cond ?? '')).not.toThrow();
      if (q.term) expect(() => parseSearch(q.term as string)).not.toThrow();
    }
  });

  it('incremental: the same queries restricted to LastUpdatePostDate on or after the day', () => {
    const full = nsclcQueries();
    const inc = nsclcQueries('2026-11-20T09:00:00');
    expect(inc).toHaveLength(full.length);
    expect(inc.map((q) => q.advanced)).toEqual(
      full.map(() => 'AREA[LastUpdatePostDate]RANGE[2026-11-20,MAX]'),
    );
    expect(inc.map((q) => q.cond)).toEqual(full.map((q) => q.cond));
    expect(() => updatedSinceFilter('last tuesday')).toThrow(/yyyy-MM-dd/);
  });

  it('queryKey is stable and distinct: same query → same key, whatever the order; different → different', () => {
    const full = nsclcQueries();
    const keys = full.map(queryKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(nsclcQueries().map(queryKey)).toEqual(keys);
    expect(new Set(nsclcQueries('2026-01-01').map(queryKey)).size).toBe(keys.length);
    expect(nsclcQueries('2026-01-01').map(queryKey)).not.toContain(keys[0]);
    expect(queryKey({ statuses: ['B', 'A'], cond: 'x' })).toBe(
      queryKey({ cond: 'x', statuses: ['A', 'B'] }),
    );
    expect(queryKey({ cond: 'x', pageSize: 5 })).toBe(queryKey({ cond: 'x' }));
    expect(new Set(full.map(queryName)).size).toBe(full.length);
  });
});

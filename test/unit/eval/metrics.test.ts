import { describe, expect, it } from 'vitest';
import { addCounts, compareSets, precision, recall, scoreVerdicts } from '../../../eval/metrics.ts';

describe('atom metrics', () => {
  it('counts hits, misses and spurious atoms of one trial', () => {
    const c = compareSets(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd', 'e']));
    expect(c).toEqual({ tp: 2, fp: 2, fn: 1, missed: ['a'], spurious: ['d', 'e'] });
  });

  it('micro-averages over trials', () => {
    const t1 = compareSets(new Set(['a', 'b']), new Set(['a', 'b'])); // 2 tp
    const t2 = compareSets(new Set(['x', 'y', 'z']), new Set(['x', 'q'])); // 1 tp, 1 fp, 2 fn
    const sum = addCounts(t1, t2);
    expect(sum).toMatchObject({ tp: 3, fp: 1, fn: 2 });
    expect(precision(sum)).toBeCloseTo(3 / 4);
    expect(recall(sum)).toBeCloseTo(3 / 5);
  });

  it('gives no score rather than a made-up one when there is nothing to divide by', () => {
    expect(precision({ tp: 0, fp: 0, fn: 3 })).toBeUndefined();
    expect(recall({ tp: 0, fp: 2, fn: 0 })).toBeUndefined();
    expect(precision({ tp: 0, fp: 2, fn: 0 })).toBe(0);
  });
});

describe('verdict metrics', () => {
  it('builds the confusion matrix, agreement and excluded precision/recall', () => {
    const s = scoreVerdicts([
      { expected: 'excluded', got: 'excluded' },
      { expected: 'excluded', got: 'excluded' },
      { expected: 'excluded', got: 'possible' },
      { expected: 'possible', got: 'excluded' },
      { expected: 'possible', got: 'possible' },
      { expected: 'eligible', got: 'eligible' },
      { expected: 'eligible', got: 'possible' },
      { expected: 'eligible', got: 'excluded' },
    ]);
    expect(s.n).toBe(8);
    expect(s.matrix.excluded).toEqual({ eligible: 0, possible: 1, excluded: 2 });
    expect(s.matrix.possible).toEqual({ eligible: 0, possible: 1, excluded: 1 });
    expect(s.matrix.eligible).toEqual({ eligible: 1, possible: 1, excluded: 1 });
    expect(s.agreement).toBeCloseTo(4 / 8);
    // excluded predicted 4 times, right twice; 3 truly excluded, 2 found.
    expect(s.excludedPrecision).toBeCloseTo(2 / 4);
    expect(s.excludedRecall).toBeCloseTo(2 / 3);
  });

  it('has no agreement on an empty set', () => {
    expect(scoreVerdicts([]).agreement).toBeUndefined();
  });
});

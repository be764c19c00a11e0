/**
 * The arithmetic of the evaluation, kept apart from I/O so that it can be tested on small
 * hand-made cases. Atom scores are micro-averaged: counts are summed over trials, then divided.
 */
import { VERDICTS, type Verdict } from './labels.ts';

export interface SetComparison {
  tp: number;
  fp: number;
  fn: number;
  /** In the label, not extracted. */
  missed: string[];
  /** Extracted, not in the label. */
  spurious: string[];
}

export function compareSets(
  gold: ReadonlySet<string>,
  predicted: ReadonlySet<string>,
): SetComparison {
  const missed = [...gold].filter((a) => !predicted.has(a)).sort();
  const spurious = [...predicted].filter((a) => !gold.has(a)).sort();
  const tp = [...gold].filter((a) => predicted.has(a)).length;
  return { tp, fp: spurious.length, fn: missed.length, missed, spurious };
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export const addCounts = (a: Counts, b: Counts): Counts => ({
  tp: a.tp + b.tp,
  fp: a.fp + b.fp,
  fn: a.fn + b.fn,
});

/** undefined when the denominator is 0 (nothing predicted / nothing to find): not a score. */
export const precision = (c: Counts): number | undefined =>
  c.tp + c.fp === 0 ? undefined : c.tp / (c.tp + c.fp);
export const recall = (c: Counts): number | undefined =>
  c.tp + c.fn === 0 ? undefined : c.tp / (c.tp + c.fn);

export interface VerdictPair {
  expected: Verdict;
  got: Verdict;
}

export interface VerdictScores {
  n: number;
  /** matrix[expected][got] */
  matrix: Record<Verdict, Record<Verdict, number>>;
  agreement: number | undefined;
  excludedPrecision: number | undefined;
  excludedRecall: number | undefined;
}

export function scoreVerdicts(pairs: readonly VerdictPair[]): VerdictScores {
  const matrix = Object.fromEntries(
    VERDICTS.map((e) => [e, Object.fromEntries(VERDICTS.map((g) => [g, 0]))]),
  ) as Record<Verdict, Record<Verdict, number>>;
  for (const p of pairs) matrix[p.expected][p.got] += 1;
  const agree = VERDICTS.reduce((s, v) => s + matrix[v][v], 0);
  const excluded: Counts = {
    tp: matrix.excluded.excluded,
    fp: matrix.eligible.excluded + matrix.possible.excluded,
    fn: matrix.excluded.eligible + matrix.excluded.possible,
  };
  return {
    n: pairs.length,
    matrix,
    agreement: pairs.length === 0 ? undefined : agree / pairs.length,
    excludedPrecision: precision(excluded),
    excludedRecall: recall(excluded),
  };
}

export const fmt = (x: number | undefined): string => (x === undefined ? ' n/a' : x.toFixed(2));

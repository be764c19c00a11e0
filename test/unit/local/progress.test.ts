import { describe, expect, it } from 'vitest';
import {
  createProgressReporter,
  createRunProgress,
  describeProgress,
  estimateRemainingSeconds,
  formatDuration,
} from '../../../local/server/progress.ts';

const CLEAR = '\r\x1b[2K';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (c: string) => chunks.push(c) } };
}

describe('progress text', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('estimates the remaining time from the rate so far', () => {
    expect(
      estimateRemainingSeconds({ pages: 1, studies: 500, totalCount: 1500 }, 10_000),
    ).toBeCloseTo(20);
    expect(
      estimateRemainingSeconds({ pages: 0, studies: 0, totalCount: 1500 }, 10_000),
    ).toBeUndefined();
    expect(estimateRemainingSeconds({ pages: 1, studies: 500 }, 10_000)).toBeUndefined();
  });

  it('shows pages, studies, percentage, ETA and a bar', () => {
    const text = describeProgress({ pages: 2, studies: 1000, totalCount: 4000 }, 20_000, {
      barWidth: 8,
    });
    expect(text).toBe('[##------] 25% · 2 pages · 1,000 of 4,000 studies · ETA 1:00');
  });

  it('falls back to counts and elapsed time without a total', () => {
    expect(describeProgress({ pages: 1, studies: 7 }, 3_000)).toBe(
      '1 page · 7 studies · 0:03 elapsed',
    );
  });
});

describe('reporter', () => {
  it('redraws one line in place on a terminal and clears it for other output', () => {
    const { chunks, stream } = sink(true);
    let t = 0;
    const r = createProgressReporter({ stream, now: () => t, redrawMs: 0 });
    r.start('sync');
    t = 1000;
    r.update({ pages: 1, studies: 100, totalCount: 200 });
    r.log('GET /health 200');
    r.finish('done: 200 studies');
    const out = chunks.join('');
    expect(out).toContain('\r\x1b[2Ksync: [');
    expect(out).toContain('50% · 1 page · 100 of 200 studies · ETA 0:01');
    expect(out).toContain(`${CLEAR}GET /health 200\n${CLEAR}sync: [`);
    expect(out.endsWith('sync: done: 200 studies\n')).toBe(true);
    // Only the log line and the final line stay on screen; the bar is always redrawn in place.
    expect(out.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('writes plain lines, at most one per page, when not on a terminal', () => {
    const { chunks, stream } = sink(false);
    let t = 0;
    const r = createProgressReporter({ stream, now: () => t, lineMs: 0 });
    r.start('sync');
    t = 500;
    r.update({ pages: 1, studies: 100, totalCount: 300 });
    r.update({ pages: 1, studies: 100, totalCount: 300 });
    t = 1000;
    r.update({ pages: 2, studies: 200, totalCount: 300 });
    r.finish('done');
    expect(chunks.join('')).not.toContain('\x1b');
    expect(chunks).toEqual([
      'sync: started\n',
      'sync: 33% · 1 page · 100 of 300 studies · ETA 0:01\n',
      'sync: 66% · 2 pages · 200 of 300 studies · ETA 0:01\n',
      'sync: done\n',
    ]);
  });
});

describe('progress over several queries', () => {
  it('uses the share of the whole run for the bar and the ETA', () => {
    const text = describeProgress(
      { pages: 3, studies: 900, fraction: 0.75, detail: 'query 4/4' },
      30_000,
      {
        barWidth: 4,
      },
    );
    expect(text).toBe('[###-] 75% · query 4/4 · 3 pages · 900 studies · ETA 0:10');
  });
});

describe('createRunProgress', () => {
  it('adds up the queries: each is an equal share, the current one by its own total', () => {
    const share = createRunProgress();
    expect(
      share({ queryIndex: 0, queries: 2, pages: 1, studies: 500, totalCount: 1000 }),
    ).toMatchObject({
      fraction: 0.25,
      detail: 'query 1/2',
    });
    expect(
      share({ queryIndex: 0, queries: 2, pages: 2, studies: 1000, totalCount: 1000 }).fraction,
    ).toBe(0.5);
    // The second query's studies are counted from where the first one ended.
    expect(
      share({ queryIndex: 1, queries: 2, pages: 3, studies: 1100, totalCount: 200 }).fraction,
    ).toBe(0.75);
  });
});

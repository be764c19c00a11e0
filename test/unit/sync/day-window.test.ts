import { describe, expect, it } from 'vitest';
import { dayMinus } from '#sync/run-sync.ts';

describe('incremental window', () => {
  it('starts a day before the previous run, across month and year ends', () => {
    expect(dayMinus('2025-10-04T03:00:00.000Z', 1)).toBe('2025-10-03');
    expect(dayMinus('2025-03-01T00:10:00.000Z', 1)).toBe('2025-02-28');
    expect(dayMinus('2024-03-01T23:59:00.000Z', 1)).toBe('2024-02-29');
    expect(dayMinus('2026-01-01T00:00:00.000Z', 2)).toBe('2025-12-30');
  });
});

import { describe, expect, it } from 'vitest';
import { startSyncLoop } from '../../../local/server/sync-loop.ts';

function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimer: (h: unknown) => {
      const i = pending.indexOf(h as never);
      if (i >= 0) pending.splice(i, 1);
    },
    fire() {
      pending.shift()?.fn();
    },
  };
}

describe('sync loop', () => {
  it('runs at once, then again after the interval, one run at a time', async () => {
    const timers = manualTimers();
    const done: string[] = [];
    let n = 0;
    const loop = startSyncLoop({
      run: async () => `run ${++n}`,
      intervalMs: 86_400_000,
      onDone: (s) => done.push(s),
      ...timers,
    });
    expect(loop.running).toBe(true);
    await loop.idle;
    expect(done).toEqual(['run 1']);
    expect(timers.pending.map((t) => t.ms)).toEqual([86_400_000]);
    timers.fire();
    await loop.idle;
    expect(done).toEqual(['run 1', 'run 2']);
    await loop.stop();
    expect(timers.pending).toHaveLength(0);
  });

  it('reports a failed run and still schedules the next one', async () => {
    const timers = manualTimers();
    const errors: unknown[] = [];
    const loop = startSyncLoop({
      run: async () => {
        throw new Error('offline');
      },
      intervalMs: 86_400_000,
      retryMs: 3_600_000,
      onError: (e) => errors.push(e),
      ...timers,
    });
    await loop.idle;
    expect((errors[0] as Error).message).toBe('offline');
    expect(timers.pending.map((t) => t.ms)).toEqual([3_600_000]);
    await loop.stop();
  });

  it('stop() aborts the running sync and waits for it to reach its checkpoint', async () => {
    const timers = manualTimers();
    let checkpointed = false;
    const loop = startSyncLoop({
      run: (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () =>
            setTimeout(() => {
              checkpointed = true;
              resolve('stopped at a checkpoint');
            }, 20),
          );
        }),
      intervalMs: 1000,
      ...timers,
    });
    expect(loop.running).toBe(true);
    await loop.stop();
    expect(checkpointed).toBe(true);
    expect(loop.running).toBe(false);
    expect(timers.pending).toHaveLength(0);
  });
});

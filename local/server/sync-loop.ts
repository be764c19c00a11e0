/**
 * Runs the sync at start and then on an interval (daily for `npm start`), one run at a time.
 * `stop()` asks the running sync to stop at its next checkpoint and waits for it, so a
 * shutdown never closes the database under a write.
 */

export interface SyncLoopOptions {
  /** One sync run; it should stop at a checkpoint once `signal` aborts. Resolves to a summary. */
  run(signal: AbortSignal): Promise<string>;
  intervalMs: number;
  /** Gap before the next attempt after a failed run (default: intervalMs). */
  retryMs?: number;
  onStart?(): void;
  onDone?(summary: string): void;
  onError?(error: unknown): void;
  /** Timer functions, replaceable in tests. */
  setTimer?(fn: () => void, ms: number): { unref?(): unknown } | unknown;
  clearTimer?(handle: unknown): void;
}

export interface SyncLoop {
  readonly running: boolean;
  readonly runs: number;
  /** Settles when the current run (if any) ends. */
  readonly idle: Promise<void>;
  stop(): Promise<void>;
}

export function startSyncLoop(options: SyncLoopOptions): SyncLoop {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  let controller: AbortController | undefined;
  let current: Promise<void> = Promise.resolve();
  let timer: unknown;
  let stopped = false;
  let runs = 0;

  const schedule = (failed: boolean) => {
    if (stopped) return;
    timer = setTimer(tick, failed ? (options.retryMs ?? options.intervalMs) : options.intervalMs);
    (timer as { unref?(): unknown })?.unref?.();
  };

  function tick() {
    if (stopped || controller) return;
    controller = new AbortController();
    const signal = controller.signal;
    runs += 1;
    options.onStart?.();
    current = options.run(signal).then(
      (summary) => {
        controller = undefined;
        options.onDone?.(summary);
        schedule(false);
      },
      (error: unknown) => {
        controller = undefined;
        options.onError?.(error);
        schedule(true);
      },
    );
  }

  tick();

  return {
    get running() {
      return controller !== undefined;
    },
    get runs() {
      return runs;
    },
    get idle() {
      return current;
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      controller?.abort();
      await current;
    },
  };
}

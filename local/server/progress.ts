/**
 * Sync progress for `npm start`: a one-line bar redrawn in place on a terminal (pages,
 * studies, ETA), plain lines elsewhere (CI logs, pipes). Other output goes through `log` so
 * the bar is cleared before it and redrawn after, and never tears a line in half.
 */

export interface SyncProgress {
  pages: number;
  studies: number;
  /** Studies the query reports in total (ClinicalTrials.gov `countTotal`), when known. */
  totalCount?: number | undefined;
  /** Share of the run done (0–1), when the caller knows better than studies / totalCount. */
  fraction?: number | undefined;
  /** Where the run is, e.g. "query 2/5". */
  detail?: string | undefined;
}

function fractionDone(progress: SyncProgress): number | undefined {
  if (progress.fraction !== undefined) return Math.min(1, Math.max(0, progress.fraction));
  const total = progress.totalCount;
  if (total === undefined || total <= 0) return undefined;
  return Math.min(1, progress.studies / total);
}

export interface ProgressReporter {
  start(label: string): void;
  update(progress: SyncProgress): void;
  /** Ends the bar with a final line. */
  finish(message: string): void;
  /** Prints a line of other output without breaking the bar. */
  log(line: string): void;
}

export interface ProgressOptions {
  stream: {
    write(chunk: string): unknown;
    isTTY?: boolean | undefined;
    columns?: number | undefined;
  };
  /** Defaults to stream.isTTY. */
  tty?: boolean | undefined;
  now?: () => number;
  /** Minimum gap between two redraws of the bar (ms). */
  redrawMs?: number;
  /** Minimum gap between two plain progress lines (ms); each page is reported at most once. */
  lineMs?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

/** Seconds as `m:ss` (or `h:mm:ss`). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Remaining seconds at the rate so far; undefined until it can be estimated. */
export function estimateRemainingSeconds(
  progress: SyncProgress,
  elapsedMs: number,
): number | undefined {
  const fraction = fractionDone(progress);
  if (fraction === undefined || fraction <= 0 || progress.studies <= 0 || elapsedMs <= 0)
    return undefined;
  return ((elapsedMs / 1000) * (1 - fraction)) / fraction;
}

/** The text of one progress report, without control characters. */
export function describeProgress(
  progress: SyncProgress,
  elapsedMs: number,
  options: { barWidth?: number } = {},
): string {
  const studies = progress.studies.toLocaleString('en-US');
  const pages = `${progress.pages} page${progress.pages === 1 ? '' : 's'}`;
  const detail = progress.detail ? [progress.detail] : [];
  const fraction = fractionDone(progress);
  if (fraction === undefined) {
    return [
      ...detail,
      pages,
      `${studies} studies`,
      `${formatDuration(elapsedMs / 1000)} elapsed`,
    ].join(' · ');
  }
  const total = progress.fraction === undefined ? progress.totalCount : undefined;
  const eta = estimateRemainingSeconds(progress, elapsedMs);
  const parts = [
    `${Math.floor(fraction * 100)}%`,
    ...detail,
    pages,
    total === undefined
      ? `${studies} studies`
      : `${studies} of ${total.toLocaleString('en-US')} studies`,
    eta === undefined ? 'ETA …' : `ETA ${formatDuration(eta)}`,
  ];
  const width = options.barWidth ?? 0;
  if (width <= 0) return parts.join(' · ');
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${parts.join(' · ')}`;
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const { stream } = options;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const now = options.now ?? (() => Date.now());
  const redrawMs = options.redrawMs ?? 100;
  const lineMs = options.lineMs ?? 2000;
  let label = 'sync';
  let startedAt = now();
  let last: SyncProgress | undefined;
  let lastDrawAt = -Infinity;
  let lastPageLogged = -1;
  let barShown = false;

  const barText = (progress: SyncProgress) => {
    const columns = stream.columns ?? 80;
    const prefix = `${label}: `;
    const text = describeProgress(progress, now() - startedAt, {
      barWidth: columns >= 100 ? 30 : 10,
    });
    const line = prefix + text;
    return line.length >= columns ? line.slice(0, columns - 1) : line;
  };
  const draw = () => {
    if (!last) return;
    stream.write(CLEAR_LINE + barText(last));
    barShown = true;
    lastDrawAt = now();
  };
  const clear = () => {
    if (barShown) stream.write(CLEAR_LINE);
    barShown = false;
  };

  return {
    start(newLabel) {
      label = newLabel;
      startedAt = now();
      last = undefined;
      lastDrawAt = -Infinity;
      lastPageLogged = -1;
      if (tty) {
        last = { pages: 0, studies: 0 };
        draw();
      } else {
        stream.write(`${label}: started\n`);
      }
    },
    update(progress) {
      last = progress;
      if (tty) {
        if (now() - lastDrawAt >= redrawMs) draw();
        return;
      }
      if (progress.pages !== lastPageLogged && now() - lastDrawAt >= lineMs) {
        stream.write(`${label}: ${describeProgress(progress, now() - startedAt)}\n`);
        lastPageLogged = progress.pages;
        lastDrawAt = now();
      }
    },
    finish(message) {
      if (tty) clear();
      stream.write(`${label}: ${message}\n`);
      last = undefined;
    },
    log(line) {
      if (tty && barShown) {
        clear();
        stream.write(`${line}\n`);
        draw();
        return;
      }
      stream.write(`${line}\n`);
    },
  };
}

/** What the sync reports after each page (see RunSyncOptions.onProgress). */
export interface RunProgressInput {
  queryIndex: number;
  queries: number;
  pages: number;
  studies: number;
  /** The current query's total. */
  totalCount?: number | undefined;
}

/**
 * Turns the sync's per-page reports into the share of the whole run: the sync walks several
 * queries one after the other and only knows the current one's total.
 */
export function createRunProgress(): (p: RunProgressInput) => SyncProgress {
  let queryIndex = -1;
  let studiesBeforeQuery = 0;
  let lastStudies = 0;
  return (p) => {
    if (p.queryIndex !== queryIndex) {
      queryIndex = p.queryIndex;
      studiesBeforeQuery = lastStudies;
    }
    lastStudies = p.studies;
    const queries = Math.max(1, p.queries);
    const inQuery =
      p.totalCount && p.totalCount > 0
        ? Math.min(1, (p.studies - studiesBeforeQuery) / p.totalCount)
        : 0;
    return {
      pages: p.pages,
      studies: p.studies,
      fraction: Math.min(1, (p.queryIndex + inQuery) / queries),
      detail: queries > 1 ? `query ${p.queryIndex + 1}/${queries}` : undefined,
    };
  };
}

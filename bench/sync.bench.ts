/**
 * Sync benchmark: the real client against the replay server (no pacing) over the shared
 * records, the real extractor, the real repository on dynalite in-process.
 *
 * Each measurement runs in a fresh child process (so peak RSS is that run's own), sampling
 * process.memoryUsage() every 20 ms during the run:
 *   - nsclc:   the NSCLC query set over all records (what production pulls)
 *   - all:     every record (a match-all query), to load the pipeline with the whole set
 *   - all/p100, quarter/p100: every record and a quarter of them at the same page size:
 *     flat memory means the same peak heap for both (dynalite keeps its data on disk here)
 * Then the index load of a cold API container (loadMatchIndex + buildMatchIndex) over the
 * stored set and over a 3,000+ trial table (every record stored twice, the copy under another
 * NCT id), from the snapshot and from the GSI fallback.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const SHARED_STUDIES = resolve(
  process.env.SHARED_DIR ?? resolve(root, '../shared'),
  'ctgov/studies',
);
const WORKER_FLAG = '--sync-bench-worker';

interface WorkerResult {
  label: string;
  pageSize: number;
  records: number;
  cpuMs: number;
  pages: number;
  studies: number;
  written: number;
  wallMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  baseRssMb: number;
  baseHeapMb: number;
  /** Largest heap still in use after a forced GC at a page boundary (memory rows only). */
  liveHeapMb?: number;
  index?: { entries: number; snapshotMs: number; gsiMs: number; snapshotBytes: number }[];
}

async function worker(
  label: string,
  dir: string,
  allRecords: boolean,
  indexProbe: boolean,
  pageSize: number,
  measureLive: boolean,
): Promise<WorkerResult> {
  const { startReplayServer } = await import('../local/replay/server.ts');
  const { startDynalite } = await import('../local/dynalite.ts');
  const { createCtgovClient } = await import('#ctgov/client.ts');
  const { extractFacts } = await import('#eligibility/extract.ts');
  const { createDocumentClient } = await import('#store/dynamo-client.ts');
  const { createDynamoRepository } = await import('#store/dynamo-repository.ts');
  const { createTable } = await import('#store/table.ts');
  const { runSync } = await import('#sync/run-sync.ts');

  const replay = await startReplayServer({ dir });
  // On disk: the table's data then lives in LevelDB, not in this process's JS heap, so the
  // heap figures are the sync's own.
  const dynamo = await startDynalite({ path: mkdtempSync(join(tmpdir(), 'sync-bench-db-')) });
  const doc = createDocumentClient({ endpoint: dynamo.endpoint });
  await createTable(doc, 'bench-sync');
  const repo = createDynamoRepository({ doc, tableName: 'bench-sync' });
  const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });

  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveMax = 0;
  const summary = await runSync({
    client,
    repo,
    extract: extractFacts,
    mode: 'full',
    pageSize,
    // Retained memory: collect at each page boundary and keep the largest live heap.
    ...(measureLive && gc
      ? {
          onProgress: () => {
            gc();
            liveMax = Math.max(liveMax, process.memoryUsage().heapUsed);
          },
        }
      : {}),
    ...(allRecords ? { queries: () => [{}] } : {}),
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);

  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  const result: WorkerResult = {
    label,
    pageSize,
    records: replay.size,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    pages: summary.pages,
    studies: summary.studies,
    written: summary.written,
    wallMs: Math.round(wallMs),
    peakRssMb: mb(peakRss),
    peakHeapMb: mb(peakHeap),
    baseRssMb: mb(base.rss),
    baseHeapMb: mb(base.heapUsed),
    ...(liveMax ? { liveHeapMb: mb(liveMax) } : {}),
  };

  if (indexProbe) {
    result.index = [await timeIndex(repo)];
    // Double the table: each record again under another NCT id, to probe a 3,000+ trial index.
    const ids = (await repo.listActiveEntries()).map((e) => e.nctId);
    for (let i = 0; i < ids.length; i += 100) {
      const items = [];
      for (const id of ids.slice(i, i + 100)) {
        const raw = await repo.getRawJson(id);
        if (!raw) continue;
        const copyId = `NCT9${id.slice(4)}`;
        const text = raw.replace(`"nctId":"${id}"`, `"nctId":"${copyId}"`);
        const study = JSON.parse(text);
        items.push({ study, facts: extractFacts(study), rawJson: text });
      }
      await repo.upsertStudies(items);
    }
    result.index.push(await timeIndex(repo));
  }
  await client.close();
  await replay.close();
  doc.destroy();
  await dynamo.close();
  return result;
}

type Repo = Awaited<
  ReturnType<typeof import('#store/dynamo-repository.ts')['createDynamoRepository']>
>;

async function timeIndex(repo: Repo) {
  const { buildMatchIndex } = await import('#matching/match-index.ts');
  const published = await repo.publishIndex();
  const snapshotBytes = published?.bytes ?? (await repo.getSyncState()).indexSnapshot?.bytes ?? 0;
  // Read and build, as a cold API container does: the snapshot's core, then (after a version
  // bump leaves no snapshot for it) every active entry through the GSI.
  const load = async (source: string) => {
    const loaded = await repo.loadMatchIndex();
    if (loaded.source !== source) throw new Error(`expected the ${source} path`);
    buildMatchIndex(loaded.core);
    return loaded.core.trials.length;
  };
  await load('snapshot'); // warm the code path once
  const runs: number[] = [];
  let entries = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    entries = await load('snapshot');
    runs.push(performance.now() - t);
  }
  await repo.putSyncState({ indexVersion: `bench-${Date.now()}` });
  const gsiRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await load('active');
    gsiRuns.push(performance.now() - t);
  }
  await repo.publishIndex();
  const median = (xs: number[]) =>
    Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0);
  return { entries, snapshotMs: median(runs), gsiMs: median(gsiRuns), snapshotBytes };
}

function runChild(
  label: string,
  dir: string,
  allRecords: boolean,
  indexProbe: boolean,
  pageSize = 1000,
  measureLive = false,
): WorkerResult {
  const out = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      WORKER_FLAG,
      label,
      dir,
      allRecords ? 'all' : 'nsclc',
      indexProbe ? 'index' : '-',
      String(pageSize),
      measureLive ? 'live' : '-',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('{"label"'));
  if (out.status !== 0 || !line)
    throw new Error(`bench worker ${label} failed: ${out.stderr.slice(-2000)}`);
  return JSON.parse(line) as WorkerResult;
}

export async function run(): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(SHARED_STUDIES).filter((f) => f.endsWith('.json'));
  } catch {
    console.log(`sync bench skipped: needs the shared records in ${SHARED_STUDIES}`);
    return;
  }
  const quarterDir = mkdtempSync(join(tmpdir(), 'sync-bench-quarter-'));
  for (const f of files.slice(0, Math.ceil(files.length / 4)))
    symlinkSync(join(SHARED_STUDIES, f), join(quarterDir, f));

  console.log(
    'sync: replay (no pacing, pageSize 1000) → real client → extractor → repository → dynalite in-process',
  );
  console.log('each row is a fresh child process; memory sampled every 20 ms during the run\n');
  const rows = [
    runChild('nsclc', SHARED_STUDIES, false, true),
    runChild('all', SHARED_STUDIES, true, true),
    // Memory: the same page size for both, so only the number of records differs.
    runChild('all/p100', SHARED_STUDIES, true, false, 100, true),
    runChild('quarter/p100', quarterDir, true, false, 100, true),
  ];
  for (const r of rows) {
    const perSec = r.studies / (r.wallMs / 1000);
    console.log(
      `${r.label.padEnd(12)} records ${String(r.records).padStart(4)}, pageSize ${String(r.pageSize).padStart(4)}: ` +
        `${String(r.studies).padStart(4)} studies (${String(r.written).padStart(4)} stored) in ${String(r.pages).padStart(3)} pages, ` +
        `wall ${(r.wallMs / 1000).toFixed(1)} s (${perSec.toFixed(0)} studies/s), CPU ${(r.cpuMs / 1000).toFixed(1)} s; ` +
        `peak RSS ${r.peakRssMb} MB (start ${r.baseRssMb}), peak heap ${r.peakHeapMb} MB (start ${r.baseHeapMb})`,
    );
  }
  const all = rows[1] as WorkerResult;
  const allP = rows[2] as WorkerResult;
  const quarterP = rows[3] as WorkerResult;
  const live = (r: WorkerResult) => (r.liveHeapMb ?? r.peakHeapMb) - r.baseHeapMb;
  const ratio = live(allP) / Math.max(1, live(quarterP));
  console.log(
    `memory: live heap after GC at page boundaries, all ${allP.liveHeapMb} MB vs quarter ${quarterP.liveHeapMb} MB ` +
      `(growth over start ${live(allP).toFixed(1)} vs ${live(quarterP).toFixed(1)} MB, ratio ${ratio.toFixed(2)} for ` +
      `${(allP.records / quarterP.records).toFixed(1)}x the records: ${ratio < 1.5 ? 'flat, a run holds one page at a time' : 'NOT flat'}); ` +
      `sampled peaks include uncollected garbage`,
  );
  console.log(
    `target: whole set < 20 s on 2 cores: ${all.wallMs < 20_000 ? 'met' : 'missed'} (wall ${(all.wallMs / 1000).toFixed(1)} s, ` +
      `CPU ${(all.cpuMs / 1000).toFixed(1)} s; load average during the bench ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`,
  );
  for (const r of rows) {
    for (const i of r.index ?? []) {
      console.log(
        `index load (loadMatchIndex + buildMatchIndex) after ${r.label}: ${i.entries} trials, snapshot ${i.snapshotMs} ms ` +
          `(${(i.snapshotBytes / 1024).toFixed(0)} KB gzip), GSI fallback ${i.gsiMs} ms (medians)`,
      );
    }
  }
}

if (process.argv[2] === WORKER_FLAG) {
  const [, , , label, dir, which, probe, pageSize, live] = process.argv;
  const result = await worker(
    label ?? 'x',
    dir ?? SHARED_STUDIES,
    which === 'all',
    probe === 'index',
    Number(pageSize ?? 1000),
    live === 'live',
  );
  console.log(JSON.stringify(result));
}

/**
 * `npm run load`: load on the local service over loopback, bounded in time.
 *
 * Composes the same parts as `npm start -- --replay DIR` in this process — dynalite on disk
 * in a temp DATA_DIR, the replay server over DIR, the real sync, the real API handler behind
 * the local HTTP adapter on 127.0.0.1 — waits for the sync, then drives `POST /v1/match`
 * with autocannon, cycling through the profiles of shared/product/EXAMPLES.md (every other one
 * with a location), and prints requests/s, p50/p99 latency, errors and non-2xx.
 *
 *   npm run load                              20 s over ../shared/ctgov/studies (else fixtures)
 *   npm run load -- --duration 60 --connections 20 --replay DIR
 *   npm run load -- --soak [--duration 180] [--refresh-every 5]
 *
 * Soak mode runs the load in windows while forcing index refreshes (the sync state's
 * indexVersion is bumped and a new snapshot published every --refresh-every seconds, the API
 * checks every second) and samples RSS and heap (after a full GC) to show whether memory
 * stays flat: it prints first/last/peak and the growth over the second half.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon, { type Result } from 'autocannon';
import { createCtgovClient } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { runSync } from '#sync/run-sync.ts';
import { createApiHandler } from '../functions/api/handler.ts';
import { startDynalite } from '../local/dynalite.ts';
import { startReplayServer } from '../local/replay/server.ts';
import { createLocalServer, type HttpApiHandler } from '../local/server/adapter.ts';
import { EXAMPLE_CASES } from '../test/fixtures/matching/example-profiles.ts';
import { FIXTURES_DIR, SHARED_AVAILABLE, SHARED_STUDIES_DIR } from '../test/support/shared-data.ts';

const MAX_SECONDS = 1_800;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: 'string' },
    connections: { type: 'string', default: '10' },
    replay: { type: 'string' },
    soak: { type: 'boolean', default: false },
    'refresh-every': { type: 'string', default: '5' },
    window: { type: 'string', default: '10' },
  },
});

const soak = values.soak === true;
const seconds = Math.min(MAX_SECONDS, Number(values.duration ?? (soak ? 180 : 20)));
const connections = Math.min(200, Number(values.connections));
const refreshEvery = Number(values['refresh-every']);
const windowSeconds = Math.max(2, Number(values.window));
const replayDir = resolve(
  values.replay ?? (SHARED_AVAILABLE ? SHARED_STUDIES_DIR : join(FIXTURES_DIR, 'ctgov/studies')),
);
for (const [name, v] of Object.entries({ seconds, connections, refreshEvery })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
}
if (!existsSync(replayDir)) throw new Error(`no study records in ${replayDir}`);

/** A GC we can call, to sample the heap that is really retained. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const ZIPS = ['02115', '10016', '60611', '77030', '94115', '98109'];
/** The product's worked profiles (EXAMPLES.md); every other one with a location (distance is computed). */
function profiles(): string[] {
  return EXAMPLE_CASES.map((c, i) =>
    JSON.stringify(
      i % 2 === 0
        ? { ...c.body, location: { postalCode: ZIPS[i % ZIPS.length], country: 'US' } }
        : c.body,
    ),
  );
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'load-data-'));
  const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
  const doc = createDocumentClient({ endpoint: dynamo.endpoint });
  const tableName = 'nsclc-trials';
  await createTable(doc, tableName);
  const repo = createDynamoRepository({ doc, tableName });
  const replay = await startReplayServer({ dir: replayDir });
  const client = createCtgovClient({ baseUrl: replay.baseUrl, minIntervalMs: 0 });

  console.log(`load: syncing ${replay.size} records from ${replayDir} (replay on loopback)…`);
  const syncStarted = performance.now();
  const summary = await runSync({ client, repo, extract: extractFacts, mode: 'full' });
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  console.log(
    `load: sync ${summary.status}: ${summary.trialCount} trials stored, ${summary.pages} pages, ${syncSeconds.toFixed(1)} s`,
  );

  const handler = createApiHandler({ repo, log: () => {}, refreshIntervalMs: 1_000 });
  const server = createLocalServer({ handler: handler as unknown as HttpApiHandler });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  // Every profile answers 200 before the clock starts (a load of 4xx would prove nothing).
  const bodies = profiles();
  let results = 0;
  for (const body of bodies) {
    const res = await fetch(`${url}/v1/match`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 200)
      throw new Error(`a profile was refused: ${res.status} ${await res.text()}`);
    results += ((await res.json()) as { results: unknown[] }).results.length;
  }
  console.log(
    `load: ${bodies.length} profiles answer 200 (${(results / bodies.length).toFixed(1)} results each on average)`,
  );

  const requests = bodies.map((body) => ({
    method: 'POST',
    path: '/v1/match',
    headers: { 'content-type': 'application/json' },
    body,
  }));
  const fire = (duration: number) =>
    autocannon({ url, connections, duration, timeout: 10, requests });

  const line = (label: string, r: Result) =>
    `${label}: ${Math.round(r.requests.average)} req/s (${r.requests.total} requests in ${r.duration.toFixed(1)} s, ${connections} connections), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`;

  let failed = false;
  try {
    if (!soak) {
      const r = await fire(seconds);
      console.log(line('load', r));
      failed = r.errors > 0 || r.non2xx > 0;
    } else {
      failed = await runSoak(fire, line, repo);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await client.close();
    await replay.close();
    doc.destroy();
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;

  async function runSoak(
    fireFor: typeof fire,
    show: typeof line,
    store: typeof repo,
  ): Promise<boolean> {
    const gc = gcFunction();
    const samples: { t: number; rss: number; heap: number; version: string | undefined }[] = [];
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      samples.push({
        t: Math.round((performance.now() - started) / 1000),
        rss: m.rss,
        heap: m.heapUsed,
        version: handler.indexCache.peek()?.version,
      });
    };
    const started = performance.now();
    let refreshes = 0;
    let inFlight: Promise<void> | undefined;
    const refresher = setInterval(() => {
      if (inFlight) return;
      // What a sync that changed facts does: a new indexVersion and its snapshot.
      inFlight = store
        .putSyncState({ indexVersion: `soak-${Date.now()}-${++refreshes}` })
        .then(() => store.publishIndex())
        .then(
          () => undefined,
          (err: unknown) => console.error(`soak: index refresh failed: ${(err as Error).message}`),
        )
        .finally(() => {
          inFlight = undefined;
        });
    }, refreshEvery * 1_000);
    sample();
    let total = 0;
    let errors = 0;
    const windows: Result[] = [];
    try {
      while (total < seconds) {
        const d = Math.min(windowSeconds, seconds - total);
        const r = await fireFor(d);
        windows.push(r);
        total += d;
        errors += r.errors + r.non2xx;
        sample();
        const last = samples[samples.length - 1];
        console.log(
          `${show(`soak ${String(total).padStart(4)} s`, r)}; rss ${mb(last?.rss ?? 0)} MB, heap ${mb(last?.heap ?? 0)} MB, index ${last?.version ?? '-'}`,
        );
      }
    } finally {
      clearInterval(refresher);
      await inFlight;
    }
    const versions = new Set(samples.map((s) => s.version)).size;
    const first = samples[1] ?? samples[0];
    const lastS = samples[samples.length - 1];
    const mid = samples[Math.floor(samples.length / 2)];
    const peak = (k: 'rss' | 'heap') => Math.max(...samples.map((s) => s[k]));
    if (!first || !lastS || !mid) return true;
    console.log(
      `soak: ${total} s, ${refreshes} forced index refreshes (${versions} index versions seen), ${windows.reduce((n, w) => n + w.requests.total, 0)} requests, ${errors} errors/non-2xx`,
    );
    console.log(
      `soak memory (after GC): rss first ${mb(first.rss)} MB, last ${mb(lastS.rss)} MB, peak ${mb(peak('rss'))} MB; heap first ${mb(first.heap)} MB, last ${mb(lastS.heap)} MB, peak ${mb(peak('heap'))} MB; heap change over the second half ${mb(lastS.heap - mid.heap)} MB`,
    );
    console.log(
      '(first = after the first load window, so warm-up allocations are excluded; the process holds dynalite, the replay server and autocannon too)',
    );
    return errors > 0;
  }
}

main().catch((err: unknown) => {
  console.error(`npm run load failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});

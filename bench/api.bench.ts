/**
 * Cold-start cost of the HTTP API Lambda (functions/api/handler.ts).
 *
 * 1. Bundle: esbuild, ESM, minified, target node22, platform node, AWS SDK bundled,
 *    mainFields ['module','main'], the createRequire banner. Prints minified and gzip sizes
 *    and the biggest contributors (esbuild metafile); also a variant that aliases the SDK's
 *    default credential chain to env-only credentials (functions/http/lambda-credentials.ts).
 * 2. Cold import: `await import(bundle)` timed inside a fresh `node` process (no TABLE_NAME,
 *    so no index preload), median of N processes, beside an empty module's import for scale
 *    (the machine is shared: the load average is printed too).
 * 3. Index load from dynalite: 3,000 active trials (the shared lung records, or the API
 *    fixtures on a fresh clone, replicated with new NCT ids; facts extracted once per source)
 *    stored through the real repository (kept under .data/ between runs). Timed: the
 *    repository's `loadMatchIndex()` on a new client plus `buildMatchIndex(core)`, median of
 *    several runs: first through the GSI (a new indexVersion, no snapshot for it), then through
 *    the snapshot `publishIndex()` writes, as after a sync; and, apart, the fetch of the words
 *    (displays) of a first response's results, which the snapshot path defers to that moment.
 * 4. First request of a cold container: a fresh `node` process imports the bundle with
 *    TABLE_NAME and a local endpoint set and answers one POST /v1/match (import + index load
 *    + match); for the variant, through AWS_ENDPOINT_URL_DYNAMODB and env credentials.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { parseStudy, type Study } from '#ctgov/study-schema.ts';
import { EXTRACTOR_VERSION, extractFacts } from '#eligibility/extract.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { buildMatchIndex, rankedOrdinals, rankTrials } from '#matching/match.ts';
import { DEFAULT_LIMIT, parseMatchRequest } from '#matching/profile.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { startDynalite } from '../local/dynalite.ts';
import { FIXTURE_TRIALS } from '../test/fixtures/api/trials.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR } from '../test/support/shared-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_TRIALS = 3_000;
const IMPORT_RUNS = 9;
const LOAD_RUNS = 3;
const COLD_REQUEST_RUNS = 3;
const MATCH_BODY = JSON.stringify({
  diagnosis: { cancer: 'nsclc', stage: 'IVA' },
  biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }],
  location: { postalCode: '02115', country: 'US' },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function bundle(outdir: string, alias?: Record<string, string>) {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(root, 'functions/api/handler.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    metafile: true,
    legalComments: 'none',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
    ...(alias ? { alias } : {}),
  });
  // geo.ts reads the offline ZIP table beside the module (the CDK must ship it the same way).
  mkdirSync(join(outdir, 'data'), { recursive: true });
  copyFileSync(join(root, 'functions/matching/data/us-zip.bin'), join(outdir, 'data/us-zip.bin'));
  const bytes = statSync(outfile).size;
  const gzip = gzipSync(readFileSync(outfile)).byteLength;
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [path, info] of Object.entries(output?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = m
      ? m[1]?.startsWith('@aws-sdk') || m[1]?.startsWith('@smithy')
        ? 'AWS SDK + smithy'
        : (m[1] as string)
      : `project: ${path.split('/').slice(0, 2).join('/')}`;
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { outfile, bytes, gzip, top, usZipBytes: statSync(join(outdir, 'data/us-zip.bin')).size };
}

/** Async on purpose: dynalite runs in this process and must keep serving the child. */
async function nodeEval(script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '--no-warnings', '-e', script],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 1024 * 1024,
    },
  );
  return stdout.trim();
}

async function repeat<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

async function coldImport(outfile: string): Promise<number[]> {
  const url = pathToFileURL(outfile).href;
  // Sockets and timers must not keep a child alive: every script ends with process.exit.
  const script = `const t0 = performance.now(); await import(${JSON.stringify(url)}); console.log(performance.now() - t0); process.exit(0);`;
  return repeat(IMPORT_RUNS, async () => Number(await nodeEval(script, {})));
}

async function coldRequest(
  outfile: string,
  env: Record<string, string>,
): Promise<{ totalMs: number; importMs: number; status: number }[]> {
  const url = pathToFileURL(outfile).href;
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/v1/match',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      http: {
        method: 'POST',
        path: '/v1/match',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: 'bench',
    },
    body: MATCH_BODY,
    isBase64Encoded: false,
  };
  const script = `
    console.log = () => {};
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(url)});
    const t1 = performance.now();
    const res = await handler(${JSON.stringify(event)});
    process.stdout.write(JSON.stringify({ totalMs: performance.now() - t0, importMs: t1 - t0, status: res.statusCode })); process.exit(0);`;
  return repeat(COLD_REQUEST_RUNS, async () => JSON.parse(await nodeEval(script, env)));
}

function sourceTrials(): { items: { study: Study; facts: TrialFacts }[]; source: string } {
  if (!SHARED_AVAILABLE)
    return { items: FIXTURE_TRIALS, source: 'the API fixture trials (shared records absent)' };
  const manifest = JSON.parse(
    readFileSync(join(SHARED_STUDIES_DIR, '../studies-manifest.json'), 'utf8'),
  ) as {
    nctId: string;
    class: string;
  }[];
  const lung = new Set(manifest.filter((m) => m.class === 'lung').map((m) => m.nctId));
  const items = readdirSync(SHARED_STUDIES_DIR)
    .filter((f) => lung.has(f.replace(/\.json$/, '')))
    .map((f) => parseStudy(JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, f), 'utf8'))))
    .map((study) => ({ study, facts: extractFacts(study) }));
  return { items, source: `the ${items.length} shared lung records` };
}

function replicate(items: { study: Study; facts: TrialFacts }[], n: number) {
  return Array.from({ length: n }, (_, i) => {
    const src = items[i % items.length] as { study: Study; facts: TrialFacts };
    const study = structuredClone(src.study);
    const nctId = `NCT8${String(i).padStart(7, '0')}`;
    study.protocolSection.identificationModule.nctId = nctId;
    // Every copy active, so the index holds all of them.
    study.protocolSection.statusModule.overallStatus = 'RECRUITING';
    return { study, facts: src.facts };
  });
}

export async function run(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'api-bundle-'));
  const b = await bundle(outdir);
  console.log(`bundle (functions/api/handler.ts → ESM, minified, node22, SDK bundled):`);
  console.log("  with the SDK's default credential chain (not what is deployed):");
  console.log(`    size: ${kb(b.bytes)} minified, ${kb(b.gzip)} gzip`);
  console.log(`  plus data/us-zip.bin beside it: ${kb(b.usZipBytes)}`);
  console.log(`  largest parts: ${b.top.map(([k, v]) => `${k} ${kb(v)}`).join(', ')}`);

  const lean = await bundle(join(outdir, 'lean'), {
    '@aws-sdk/credential-provider-node': join(root, 'functions/http/lambda-credentials.ts'),
  });
  console.log(
    `  as deployed (lib/constructs/house-function.ts aliases @aws-sdk/credential-provider-node → functions/http/lambda-credentials.ts): ${kb(lean.bytes)} minified, ${kb(lean.gzip)} gzip (target < 500 KB minified) ${lean.bytes < 500 * 1024 ? 'OK' : 'OVER'}`,
  );

  const empty = join(outdir, 'empty.mjs');
  writeFileSync(empty, 'export const x = 1;\n');
  const baseline = await coldImport(empty);
  const imports = await coldImport(b.outfile);
  const leanImports = await coldImport(lean.outfile);
  console.log(
    `cold import (await import(bundle) in a fresh node ${process.version} process, median of ${IMPORT_RUNS}; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`,
  );
  console.log(
    `  bundle ${ms(median(imports))} (min ${ms(Math.min(...imports))}); env-only credentials variant ${ms(median(leanImports))}; an empty module ${ms(median(baseline))} on the same machine, for scale`,
  );

  const { items, source } = sourceTrials();
  // Storing 3,000 studies takes minutes in dynalite: keep the table on disk between runs.
  const dataDir = join(root, '.data', `bench-api-${EXTRACTOR_VERSION}-${items.length}`);
  mkdirSync(dataDir, { recursive: true });
  for (const old of readdirSync(join(root, '.data'))) {
    const path = join(root, '.data', old);
    if (old.startsWith('bench-api-') && path !== dataDir)
      rmSync(path, { recursive: true, force: true });
  }
  const dynamo = await startDynalite({ path: dataDir });
  try {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    const tableName = 'bench-api';
    await createTable(doc, tableName);
    const repo = createDynamoRepository({ doc, tableName });
    let stored = await repo.countActive();
    if (stored !== TARGET_TRIALS) {
      const trials = replicate(items, TARGET_TRIALS);
      const w0 = performance.now();
      const batches: (typeof trials)[] = [];
      for (let i = 0; i < trials.length; i += 100) batches.push(trials.slice(i, i + 100));
      await Promise.all(
        [0, 1, 2, 3].map(async (lane) => {
          for (let k = lane; k < batches.length; k += 4) await repo.upsertStudies(batches[k] ?? []);
        }),
      );
      stored = await repo.countActive();
      console.log(
        `  (stored ${stored} trials in ${ms(performance.now() - w0)}; kept in ${dataDir} for the next run)`,
      );
    }
    console.log(`index load from dynalite: ${stored} active trials from ${source}`);

    const parsed = parseMatchRequest(JSON.parse(MATCH_BODY));
    if (!parsed.ok) throw new Error('the bench profile does not parse');
    const timeLoads = async () => {
      const runs: { load: number; build: number; words: number; n: number; source: string }[] = [];
      for (let r = 0; r < LOAD_RUNS; r++) {
        const fresh = createDynamoRepository({
          doc: createDocumentClient({ endpoint: dynamo.endpoint }),
          tableName,
        });
        const t0 = performance.now();
        const loaded = await fresh.loadMatchIndex();
        const t1 = performance.now();
        const index = buildMatchIndex(loaded.core);
        const t2 = performance.now();
        // The first response's extra cost: the words of its results, fetched from the store.
        const ranking = rankTrials(parsed.request, index);
        const t3 = performance.now();
        await loaded.displays.load(rankedOrdinals(ranking));
        runs.push({
          load: t1 - t0,
          build: t2 - t1,
          words: performance.now() - t3,
          n: loaded.core.trials.length,
          source: loaded.source,
        });
      }
      const load = median(runs.map((r) => r.load));
      const buildMs = median(runs.map((r) => r.build));
      const words = median(runs.map((r) => r.words));
      return `loadMatchIndex ${ms(load)} + buildMatchIndex ${ms(buildMs)} = ${ms(load + buildMs)} for ${runs[0]?.n} trials (source: ${runs[0]?.source}; median of ${LOAD_RUNS}, new client each); then the words of a first ${DEFAULT_LIMIT}-result response ${ms(words)}`;
    };
    // A new indexVersion makes any published snapshot unusable: the reader falls back to the GSI.
    await repo.putSyncState({ indexVersion: `bench-${Date.now()}` });
    console.log(`  GSI path (no snapshot for the current version): ${await timeLoads()}`);
    const published = await repo.publishIndex();
    console.log(
      `  snapshot path (as after a sync; core ${published?.parts} part(s), ${kb(published?.bytes ?? 0)} gzip; each result's words from its META entry, on demand): ${await timeLoads()}`,
    );
    console.log('  target: 3,000 active trials < 500 ms');

    const report = (
      label: string,
      cold: { totalMs: number; importMs: number; status: number }[],
    ) => {
      const statuses = [...new Set(cold.map((c) => c.status))].join(',');
      console.log(
        `  ${label}: median ${ms(median(cold.map((c) => c.totalMs)))} (import ${ms(median(cold.map((c) => c.importMs)))}), HTTP ${statuses}`,
      );
    };
    console.log(
      `first request of a cold container (fresh process: import the bundle, load the ${stored}-trial index from dynalite, answer one POST /v1/match; median of ${COLD_REQUEST_RUNS}):`,
    );
    report(
      'bundle as specified (DYNAMODB_ENDPOINT)',
      await coldRequest(b.outfile, {
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
      }),
    );
    // Through the SDK's own endpoint variable and env credentials: proves the alias resolves them.
    report(
      'env-only credentials variant (AWS_ENDPOINT_URL_DYNAMODB + AWS_ACCESS_KEY_ID)',
      await coldRequest(lean.outfile, {
        TABLE_NAME: tableName,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      }),
    );
  } finally {
    await dynamo.close();
  }
}

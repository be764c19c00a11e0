/**
 * `npm start`: the whole service on one machine. Embedded DynamoDB (dynalite, data in
 * DATA_DIR), the same API handler as the Lambda behind a local HTTP server, and the same sync
 * as the scheduled Lambda, run at start and then daily.
 *
 *   npm start                          sync from ClinicalTrials.gov (CTGOV_BASE_URL), 1 req/s
 *   npm start -- --replay DIR          serve DIR's v2 study files through the replay server
 *   npm start -- --no-sync             serve what is stored, sync nothing
 *
 * PORT (default 3000; 0 picks a free one), HOST (default 127.0.0.1), DATA_DIR (default
 * .data/ in the project root), CTGOV_BASE_URL, TABLE_NAME.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCtgovClient, DEFAULT_BASE_URL } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import type { Logger } from '#http/log.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { runSync, type SyncSummary } from '#sync/run-sync.ts';
import { startDynalite } from './dynalite.ts';
import { startReplayServer } from './replay/server.ts';
import { createLocalApi } from './server/local-api.ts';
import { createProgressReporter, createRunProgress } from './server/progress.ts';
import { startSyncLoop } from './server/sync-loop.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

const USAGE = `Usage: npm start [-- --replay DIR] [-- --no-sync]

  --replay DIR   sync from a directory of ClinicalTrials.gov v2 study files (offline demo)
  --no-sync      serve what is stored without syncing

Environment: PORT (3000), HOST (127.0.0.1), DATA_DIR (.data), CTGOV_BASE_URL, TABLE_NAME`;

interface StartOptions {
  replayDir?: string | undefined;
  sync: boolean;
  port: number;
  host: string;
  dataDir: string;
  tableName: string;
  ctgovBaseUrl: string;
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      replay: { type: 'string' },
      'no-sync': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0 picks a free one), not "${env.PORT}"`);
  }
  return {
    replayDir: values.replay ? resolve(values.replay) : undefined,
    sync: !values['no-sync'],
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.DATA_DIR ?? resolve(PROJECT_ROOT, '.data')),
    tableName: env.TABLE_NAME ?? 'nsclc-trials',
    ctgovBaseUrl: env.CTGOV_BASE_URL ?? DEFAULT_BASE_URL,
  };
}

async function main(): Promise<void> {
  // The SDK's notice about its future Node versions is noise on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let options: StartOptions;
  try {
    options = readOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const progress = createProgressReporter({ stream: process.stderr });
  const say = (line: string) => progress.log(line);

  mkdirSync(options.dataDir, { recursive: true });
  const releaseLock = lockDataDir(options.dataDir);
  const dynamo = await startDynalite({ path: resolve(options.dataDir, 'dynamodb') });
  const doc = createDocumentClient({ endpoint: dynamo.endpoint });
  const admin = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTable(admin, options.tableName);
  admin.destroy();
  const repo = createDynamoRepository({ doc, tableName: options.tableName });

  // The handler's own JSON request logs would bury the progress bar: keep warnings and errors.
  const log: Logger = (level, msg, fields) => {
    if (level === 'warn' || level === 'error')
      say(`${level}: ${msg} ${JSON.stringify(fields ?? {})}`);
  };
  const { server } = createLocalApi({
    repo,
    log,
    onResponse: ({ method, path, status, ms }) => {
      if (process.env.LOG_REQUESTS !== '0') say(`${method} ${path} ${status} ${ms} ms`);
    },
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StartError(
              `port ${options.port} is already in use: stop what uses it, or choose another, e.g. PORT=3001 npm start`,
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const address = `http://${shownHost}:${port}`;
  const stored = (await repo.getSyncState()).trialCount ?? 0;
  console.log(
    `NSCLC trial matcher: ${address}/  (API: ${address}/v1/match, health: ${address}/health)`,
  );
  console.log(`Data: ${options.dataDir} (${stored} trials stored). Ctrl-C stops.`);

  const replay = options.replayDir
    ? await startReplayServer({ dir: options.replayDir })
    : undefined;
  if (replay)
    say(`Replay: ${replay.size} study records from ${options.replayDir} at ${replay.baseUrl}`);
  const baseUrl = replay?.baseUrl ?? options.ctgovBaseUrl;
  const client = createCtgovClient({ baseUrl, minIntervalMs: replay ? 0 : 1000 });

  const loop = options.sync
    ? startSyncLoop({
        intervalMs: DAY_MS,
        retryMs: HOUR_MS,
        run: async (signal) => {
          if (!replay) await checkReachable(baseUrl);
          const share = createRunProgress();
          const summary = await runSync({
            client,
            repo,
            extract: extractFacts,
            mode: 'auto',
            now: () => new Date(),
            signal,
            log: (line) => {
              if (line.level === 'warn' || line.level === 'error') say(JSON.stringify(line));
            },
            onProgress: (p) => progress.update(share(p)),
          });
          return summarise(summary);
        },
        onStart: () => {
          say(
            `Sync from ${replay ? `the replay of ${options.replayDir}` : baseUrl} (the API answers meanwhile)`,
          );
          progress.start('sync');
        },
        onDone: (summary) => progress.finish(summary),
        onError: (error) => {
          progress.finish(`failed: ${(error as Error).message ?? String(error)}`);
          if (!replay) {
            say(
              'The API keeps serving the trials already stored; the sync tries again in an hour. ' +
                'Offline? Sync from recorded studies instead: npm start -- --replay <dir of v2 study files>',
            );
          }
        },
      })
    : undefined;

  let stopping = false;
  const stop = async (signalName: string) => {
    if (stopping) {
      console.error(
        `${signalName} again: exiting now. The next start resumes the sync from its last checkpoint.`,
      );
      process.exit(130);
    }
    stopping = true;
    console.error(
      `\n${signalName}: stopping (no new requests; the sync stops at its next checkpoint)…`,
    );
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 3000);
    force.unref();
    await loop?.stop();
    await closed;
    await client.close();
    await replay?.close();
    await dynamo.close();
    releaseLock();
    console.error('Stopped. Stored data is kept in', options.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** A quick look at `/version` so that "no internet" is said in a second, not after retries. */
async function checkReachable(baseUrl: string): Promise<void> {
  const probe = createCtgovClient({
    baseUrl,
    maxRetries: 0,
    timeouts: { connectMs: 5000, headersMs: 10000 },
  });
  try {
    await probe.version();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const code = message.match(/\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/)?.[1];
    throw new Error(`ClinicalTrials.gov cannot be reached at ${baseUrl} (${code ?? message})`);
  } finally {
    await probe.close();
  }
}

function summarise(s: SyncSummary): string {
  const seconds = (s.elapsedMs / 1000).toFixed(1);
  if (s.status === 'skipped') {
    return `nothing to do: ClinicalTrials.gov data unchanged since the last run (${s.dataTimestamp})`;
  }
  const counts =
    `${s.mode} sync: ${s.pages} pages, ${s.studies} studies (${s.written} written, ${s.unchanged} unchanged` +
    `${s.rejected ? `, ${s.rejected} rejected` : ''}${s.staleMarked.length ? `, ${s.staleMarked.length} marked stale` : ''}) in ${seconds} s`;
  if (s.status === 'paused')
    return `paused at a checkpoint after ${counts}; the next run resumes it`;
  return `done: ${counts}; ${s.trialCount ?? '?'} trials stored`;
}

/** A message for the user, without a stack trace. */
class StartError extends Error {}

/**
 * One `npm start` per data folder: a second dynalite on the same files cannot open them and
 * would crash. The lock names the process holding it; a lock left by a dead one is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = resolve(dataDir, 'npm-start.pid');
  const take = () => writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  try {
    take();
  } catch {
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new StartError(
        `another npm start (process ${holder}) is using ${dataDir}: stop it, or give this one its own folder, e.g. DATA_DIR=.data-2 npm start`,
      );
    }
    rmSync(lockFile, { force: true });
    take();
  }
  const release = () => rmSync(lockFile, { force: true });
  process.once('exit', release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartError) console.error(`npm start: ${error.message}`);
  else console.error(`npm start failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});

/**
 * Scheduled sync Lambda (EventBridge). `event.mode: 'full'` for the weekly sweep, anything
 * else an incremental run. Stops ahead of the Lambda timeout with a checkpoint; the next
 * invocation resumes it, so the schedule should fire often (the run is skipped cheaply when
 * the API's data timestamp has not moved). Logs are JSON lines with counts and ids only.
 * A failure is recorded in SYNC/STATE (`lastError`) by the sync and then thrown, so the
 * on-failure destination and the error alarm see it.
 *
 * Env: TABLE_NAME (required), CTGOV_BASE_URL (default the public API), CTGOV_MIN_INTERVAL_MS
 * (pacing, default 1000).
 */
import type { Context } from 'aws-lambda';
import { createCtgovClient } from '#ctgov/client.ts';
import { EXTRACTOR_VERSION, extractFacts } from '#eligibility/extract.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository, rederiveFacts } from '#store/dynamo-repository.ts';
import { runSync, type SyncSummary } from '#sync/run-sync.ts';

export interface SyncEvent {
  mode?: 'incremental' | 'full' | undefined;
  /** Run even if the data timestamp has not changed. */
  force?: boolean | undefined;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

// Module scope: reused by warm invocations.
const doc = createDocumentClient();

/** Time kept back from the Lambda timeout for the checkpoint, the index snapshot and the logs. */
const SAFETY_MS = 20_000;

const log = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

export async function handler(
  event: SyncEvent | undefined,
  context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
): Promise<SyncSummary> {
  const tableName = requiredEnv('TABLE_NAME');
  const repo = createDynamoRepository({ doc, tableName });
  const client = createCtgovClient({
    baseUrl: process.env.CTGOV_BASE_URL,
    // Pacing: one request a second by default, as ClinicalTrials.gov's robots.txt asks.
    minIntervalMs: Number(process.env.CTGOV_MIN_INTERVAL_MS ?? 1000),
  });
  const mode = event?.mode === 'full' ? 'full' : 'incremental';
  const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS;
  const logLine = (line: Record<string, unknown>) =>
    log({ ...line, requestId: context.awsRequestId });
  try {
    const summary = await runSync({
      client,
      repo,
      extract: extractFacts,
      mode,
      force: event?.force === true,
      deadlineMs,
      log: logLine,
    });
    if (summary.status !== 'paused') {
      // A deploy with a new extractor re-derives stored facts from the stored records, with no
      // download; unfinished work continues on the next invocation.
      const rederived = await rederiveFacts(repo, extractFacts, EXTRACTOR_VERSION, {
        shouldStop: () => Date.now() >= deadlineMs,
      });
      if (rederived.checked > 0) {
        logLine({
          level: rederived.failed.length ? 'warn' : 'info',
          event: 'sync.rederived',
          extractorVersion: EXTRACTOR_VERSION,
          outdated: rederived.checked,
          written: rederived.written.length,
          failed: rederived.failed.map((f) => f.nctId),
          complete: rederived.complete,
        });
      }
    }
    return summary;
  } finally {
    await client.close();
  }
}

/**
 * `npm run sync [-- --full] [-- --table NAME] [-- --force]`: one sync from CTGOV_BASE_URL
 * (default https://clinicaltrials.gov/api/v2) into the DynamoDB at DYNAMODB_ENDPOINT (AWS,
 * with the usual credential chain, when unset). Creates the table if it is missing. Prints
 * a progress line per page and a summary at the end; Ctrl-C stops at the next checkpoint
 * (the next run resumes there).
 */
import { parseArgs } from 'node:util';
import { createCtgovClient, DEFAULT_BASE_URL } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { runSync } from '#sync/run-sync.ts';

const USAGE = `Usage: npm run sync [-- --full] [-- --table NAME] [-- --force]

  --full         a full sweep (also marks studies that left the query as stale)
  --table NAME   table name (default: TABLE_NAME or nsclc-trials)
  --force        run even if ClinicalTrials.gov's data timestamp has not changed

Environment: CTGOV_BASE_URL (${DEFAULT_BASE_URL}), DYNAMODB_ENDPOINT (AWS when unset),
AWS_REGION (with AWS), CTGOV_MIN_INTERVAL_MS (pacing, default 1000)`;

async function main(): Promise<number> {
  let values: { full?: boolean; table?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        full: { type: 'boolean', default: false },
        table: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const tableName = values.table ?? process.env.TABLE_NAME ?? 'nsclc-trials';
  const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  const baseUrl = process.env.CTGOV_BASE_URL || DEFAULT_BASE_URL;
  const minIntervalMs = Number(process.env.CTGOV_MIN_INTERVAL_MS ?? 1000);

  const doc = createDocumentClient({ endpoint });
  await createTable(doc, tableName);
  const repo = createDynamoRepository({ doc, tableName });
  const client = createCtgovClient({ baseUrl, minIntervalMs });
  const abort = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nSIGINT: stopping at the next checkpoint (Ctrl-C again to exit now)…');
    abort.abort();
    process.once('SIGINT', () => process.exit(130));
  });

  console.log(
    `sync: ${baseUrl} → ${endpoint ?? 'AWS DynamoDB'} table ${tableName} (${values.full ? 'full sweep' : 'incremental'})`,
  );
  try {
    const summary = await runSync({
      client,
      repo,
      extract: extractFacts,
      mode: values.full ? 'full' : 'incremental',
      force: values.force,
      signal: abort.signal,
      log: (line) => {
        if (line.event === 'sync.page') {
          const rejected = (line.rejected as string[]).length;
          console.log(
            `  ${String(line.query).padEnd(22)} page ${String(line.page).padStart(3)}: ${line.studies} studies, ` +
              `${line.written} written, ${line.unchanged} unchanged, ${line.older} older` +
              `${rejected ? `, ${rejected} rejected` : ''} (${line.pageMs} ms; ${((line.elapsedMs as number) / 1000).toFixed(1)} s)`,
          );
        } else if (
          line.level !== 'info' ||
          line.event === 'sync.skipped' ||
          line.event === 'sync.resume'
        ) {
          console.log(`  ${JSON.stringify(line)}`);
        }
      },
    });
    const s = summary;
    console.log(
      `sync ${s.status}${s.resumed ? ' (resumed)' : ''}: ${s.mode}, ${s.pages} pages, ${s.studies} studies, ` +
        `${s.written} written, ${s.unchanged} unchanged, ${s.older} older, ${s.rejected} rejected` +
        `${s.rejectedIds.length ? ` [${s.rejectedIds.slice(0, 10).join(', ')}]` : ''}, ` +
        `${s.staleMarked.length} marked stale, ${s.trialCount ?? '?'} active trials, ` +
        `data ${s.dataTimestamp}, ${(s.elapsedMs / 1000).toFixed(1)} s`,
    );
    return 0;
  } catch (err) {
    console.error(`sync failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await client.close();
    doc.destroy();
  }
}

process.exitCode = await main();

/**
 * The sync Lambda handler as Lambda calls it: env config, the deadline from the context,
 * JSON log lines, and a failure recorded in the state before it is thrown.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXTRACTOR_VERSION } from '#eligibility/extract.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import { createTable } from '#store/table.ts';
import { startDynalite } from '../../local/dynalite.ts';
import { startReplay, syntheticCorpusDir } from '../fixtures/sync/sync-setup.ts';

const TABLE = 'sync-handler-test';
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let replay: Awaited<ReturnType<typeof startReplay>>;
let corpus: ReturnType<typeof syntheticCorpusDir>;
let handler: typeof import('../../functions/sync-studies/handler.ts')['handler'];
let repo: ReturnType<typeof createDynamoRepository>;
let doc: ReturnType<typeof createDocumentClient>;

const context = (remainingMs: number) => ({
  getRemainingTimeInMillis: () => remainingMs,
  awsRequestId: 'req-1',
});

beforeAll(async () => {
  dynamo = await startDynalite();
  corpus = syntheticCorpusDir();
  replay = await startReplay(corpus.dir);
  // As in Lambda: configuration from the environment, read when the module loads.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.TABLE_NAME = TABLE;
  process.env.CTGOV_BASE_URL = replay.baseUrl;
  process.env.CTGOV_MIN_INTERVAL_MS = '0';
  doc = createDocumentClient({ endpoint: dynamo.endpoint });
  await createTable(doc, TABLE);
  repo = createDynamoRepository({ doc, tableName: TABLE });
  ({ handler } = await import('../../functions/sync-studies/handler.ts'));
});
afterAll(async () => {
  await replay?.close();
  doc?.destroy();
  await dynamo?.close();
});

describe('sync-studies handler', () => {
  it('pauses at once when the Lambda has too little time left, leaving a cursor to resume', async () => {
    const summary = await handler({ mode: 'full' }, context(5_000));
    expect(summary.status).toBe('paused');
    expect(summary.pages).toBe(0);
    expect((await repo.getSyncState()).cursor?.mode).toBe('full');
  });

  it('resumes and completes the sweep, logging one JSON line per event with counts and ids only', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      const summary = await handler({ mode: 'full' }, context(600_000));
      expect(summary.status).toBe('completed');
      expect(summary.resumed).toBe(true);
      expect(summary.trialCount).toBe(corpus.expectedIds.length);
    } finally {
      spy.mockRestore();
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l.event === 'sync.page').length).toBeGreaterThan(0);
    expect(parsed.every((l) => l.requestId === 'req-1')).toBe(true);
    expect(parsed.at(-1)?.event).toBe('sync.done');
    // No record content in the logs: no titles, no criteria text.
    expect(lines.join('\n')).not.toMatch(/Synthetic study|Inclusion Criteria/);
  });

  it('re-derives facts left by an older extractor version, without downloading, on a skipped run', async () => {
    const id = corpus.expectedIds[0] as string;
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: `STUDY#${id}`, sk: 'META' },
        UpdateExpression: 'SET extractorVersion = :old',
        ExpressionAttributeValues: { ':old': 'an-older-version' },
      }),
    );
    const before = replay.stats.requests;
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      // The data timestamp has not moved since the sweep above: the sync itself is skipped.
      const summary = await handler({ mode: 'incremental' }, context(600_000));
      expect(summary.status).toBe('skipped');
    } finally {
      spy.mockRestore();
    }
    expect(replay.stats.requests - before).toBe(1); // only /version
    const rederived = lines.map((l) => JSON.parse(l)).find((l) => l.event === 'sync.rederived');
    expect(rederived).toMatchObject({
      outdated: 1,
      written: 1,
      complete: true,
      extractorVersion: EXTRACTOR_VERSION,
    });
    expect(await repo.listOutdatedFacts(EXTRACTOR_VERSION)).toEqual([]);
  });

  it('records lastError and throws when ClinicalTrials.gov cannot be used', async () => {
    process.env.CTGOV_BASE_URL = `${replay.baseUrl}/not-the-api`;
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await expect(handler({ mode: 'incremental', force: true }, context(600_000))).rejects.toThrow(
        /404/,
      );
    } finally {
      spy.mockRestore();
      process.env.CTGOV_BASE_URL = replay.baseUrl;
    }
    expect((await repo.getSyncState()).lastError?.message).toMatch(/404/);
  });
});

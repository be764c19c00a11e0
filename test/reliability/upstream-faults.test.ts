/**
 * The upstream fault matrix: the real sync (real client → replay server with injected
 * faults → real extractor → real repository on dynalite), one row per way ClinicalTrials.gov
 * misbehaves. After each row the table must equal a fault-free sync's table, item by item
 * (minus write times): nothing lost, nothing duplicated, no older record over a newer one.
 * A row may take several invocations (a storm that outlasts the client's retries stops the
 * run; the next invocation resumes from its checkpoint, as the scheduled Lambda would).
 *
 * Each row's cost — retries by reason, extra HTTP requests, invocations, token restarts,
 * wall time against the fault-free run — is printed and written to
 * test-artifacts/fault-matrix.json. Backoffs are shrunk (1–20 ms) so the matrix runs fast;
 * the retry counts are what production would do, the times are not production times.
 *
 * Over a subset of the real shared records when present, else over the project's fixtures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetryInfo } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { type RunSyncOptions, runSync, type SyncSummary } from '#sync/run-sync.ts';
import type { Fault } from '../../local/replay/server.ts';
import { dumpTable, type StoreHarness, startStoreHarness } from '../fixtures/sync/harness.ts';
import { fastClient, olderCopy, startReplay } from '../fixtures/sync/sync-setup.ts';
import { SHARED_AVAILABLE, SKIP_REASON } from '../support/shared-data.ts';
import { ARTIFACTS_DIR } from './support/bounded.ts';
import { type FaultCorpus, fixtureCorpus, realCorpus } from './support/corpus.ts';

const NOW = () => new Date('2026-11-27T03:00:00Z');
const DATA_TS = '2026-11-26T09:00:00';
const MAX_INVOCATIONS = 6;
const CONTROL = 'none (control: a second fault-free run)';

interface Row {
  name: string;
  faults: Fault[];
  /** Extra set-up on the replay server before the run (e.g. an older copy of a record). */
  prepare?: (ctx: RowContext) => Promise<void> | void;
  /** A run that ends with records rejected is followed by a clean incremental run. */
  followUp?: boolean;
  /** Checks beyond table equality. */
  check?: (ctx: RowContext, summaries: SyncSummary[]) => Promise<void> | void;
}

interface RowContext {
  replay: Awaited<ReturnType<typeof startReplay>>;
  repo: Awaited<ReturnType<StoreHarness['newTable']>>['repo'];
  firstId: string;
  /** Invocations the row needed so far. */
  invocations: number;
}

interface RowReport {
  fault: string;
  invocations: number;
  retries: number;
  retriesByReason: Record<string, number>;
  extraRequests: number;
  faultsFired: number;
  restarts: number;
  rejected: number;
  older: number;
  ms: number;
  /** Sum of the client's backoff waits (test backoffs: 1–20 ms). */
  backoffMs: number;
  /** Wall time over the control row's (machine noise included). */
  extraMs: number;
  tableEqual: boolean;
}

function matrixFor(corpusKind: FaultCorpus['kind'], skip: boolean, why: string) {
  describe.skipIf(skip)(
    `upstream fault matrix over the ${corpusKind === 'real' ? 'real shared records (subset)' : "project's fixture records"} (${why})`,
    () => {
      let h: StoreHarness;
      let corpus: FaultCorpus;
      let baseline: Record<string, unknown>[];
      let baseRequests = 0;
      let baseMs = 0;
      /** The warm fault-free run's time: each row's extra time is measured against it. */
      let controlMs = 0;
      let baselineTable = '';
      const reports: RowReport[] = [];

      const setup = async () => {
        const replay = await startReplay(corpus.dir, DATA_TS);
        const retries: RetryInfo[] = [];
        const client = fastClient(replay.baseUrl, { onRetry: (r) => retries.push(r) });
        const { repo, tableName } = await h.newTable({ now: NOW });
        const opts = (extra: Partial<RunSyncOptions> = {}): RunSyncOptions => ({
          client,
          repo,
          extract: extractFacts,
          mode: 'full',
          now: NOW,
          pageSize: corpus.pageSize,
          ...extra,
        });
        return {
          replay,
          client,
          repo,
          retries,
          tableName,
          opts,
          dump: () => dumpTable(h.doc, tableName),
          close: async () => {
            await client.close();
            await replay.close();
          },
        };
      };

      beforeAll(async () => {
        h = await startStoreHarness();
        corpus = corpusKind === 'real' ? realCorpus() : fixtureCorpus();
        const s = await setup();
        const started = performance.now();
        baselineTable = s.tableName;
        const summary = await runSync(s.opts());
        baseMs = performance.now() - started;
        baseRequests = s.replay.stats.requests;
        expect(summary.status).toBe('completed');
        expect(summary.rejectedIds).toEqual([]);
        expect(s.retries).toEqual([]);
        baseline = await s.dump();
        await s.close();
      });

      afterAll(async () => {
        if (reports.length > 0) {
          const header = `fault matrix (${corpus.kind}: ${corpus.records} records, page size ${corpus.pageSize}; fault-free sync ${baseRequests} requests, ${Math.round(baseMs)} ms)`;
          const lines = reports.map(
            (r) =>
              `  ${r.fault.padEnd(58)} inv ${r.invocations}  retries ${String(r.retries).padStart(2)} ${JSON.stringify(r.retriesByReason).padEnd(40)} backoff ${String(r.backoffMs).padStart(3)} ms  +req ${String(r.extraRequests).padStart(3)}  restarts ${r.restarts}  rejected ${r.rejected}  older ${r.older}  ${String(r.ms).padStart(5)} ms (${r.extraMs >= 0 ? '+' : ''}${r.extraMs})  ${r.tableEqual ? 'table equal' : 'TABLE DIFFERS'}`,
          );
          console.log([header, ...lines].join('\n'));
          mkdirSync(ARTIFACTS_DIR, { recursive: true });
          writeFileSync(
            join(ARTIFACTS_DIR, `fault-matrix${corpus.kind === 'real' ? '' : '-fixture'}.json`),
            `${JSON.stringify(
              {
                corpus: corpus.kind,
                records: corpus.records,
                pageSize: corpus.pageSize,
                baseline: {
                  requests: baseRequests,
                  ms: Math.round(baseMs),
                  items: baseline.length,
                },
                backoff: 'client 1–20 ms (test setting), store 1–10 ms',
                rows: reports,
              },
              null,
              2,
            )}\n`,
          );
        }
        await h?.close();
      });

      const ROWS: Row[] = [
        { name: CONTROL, faults: [] },
        {
          name: '429 ×3 with Retry-After (honoured, capped)',
          faults: [{ kind: 'status', status: 429, retryAfterSeconds: 1, times: 3 }],
        },
        {
          name: '429 storm ×14, outlasting the retries',
          faults: [{ kind: 'status', status: 429, retryAfterSeconds: 0, times: 14 }],
          check: (c) => expect(c.invocations).toBeGreaterThan(1),
        },
        { name: '500 ×2 on the first page', faults: [{ kind: 'status', status: 500, times: 2 }] },
        {
          name: '502, 503, 504 on later pages',
          faults: [502, 503, 504].map((status) => ({
            kind: 'status' as const,
            status: status as 502 | 503 | 504,
            match: { withPageToken: true },
          })),
        },
        { name: 'connection reset mid-body, first page', faults: [{ kind: 'reset' }] },
        {
          name: 'connection reset mid-body ×3, later pages',
          faults: [{ kind: 'reset', times: 3, match: { withPageToken: true } }],
        },
        {
          name: 'slow headers (2.5 s > 1 s headers timeout)',
          faults: [{ kind: 'slow', delayMs: 2_500, phase: 'headers' }],
        },
        {
          name: 'slow body stalls (1.5 s > 1 s body timeout)',
          faults: [{ kind: 'slow', delayMs: 1_500, phase: 'body', match: { endpoint: 'studies' } }],
        },
        {
          name: 'slow but within timeouts (300 ms ×4)',
          faults: [{ kind: 'slow', delayMs: 300, times: 4, match: { endpoint: 'studies' } }],
        },
        { name: 'HTML maintenance page with 200 ×2', faults: [{ kind: 'html', times: 2 }] },
        {
          name: 'truncated JSON ×2',
          faults: [{ kind: 'truncated', times: 2, match: { endpoint: 'studies' } }],
        },
        {
          name: 'page token stops working (400)',
          faults: [{ kind: 'bad-token', match: { withPageToken: true } }],
          check: (_c, s) => expect(s.reduce((n, x) => n + x.restarts, 0)).toBeGreaterThanOrEqual(1),
        },
        {
          name: 'page token dies twice in a row (run stops, resumes)',
          faults: [{ kind: 'bad-token', times: 2, match: { withPageToken: true } }],
        },
        {
          name: 'a field changes type (overallStatus → number)',
          faults: [],
          prepare: ({ replay, firstId }) =>
            replay.inject({ kind: 'drift', nctId: firstId, times: 100 }),
          followUp: true,
          check: ({ firstId }, s) => expect(s[0]?.rejectedIds).toEqual([firstId]),
        },
        {
          name: 'an older copy of a record, after a reset',
          faults: [{ kind: 'reset' }],
          prepare: async ({ replay, repo, firstId }) => {
            // The table already holds the current copy; the API then serves an older one.
            const current = await repo.getStudy(firstId);
            if (!current) throw new Error('no current copy to age');
            const older = olderCopy(current.study);
            older.protocolSection.statusModule.overallStatus = 'WITHDRAWN';
            replay.putStudy(older);
          },
          check: (_c, s) => expect(s.at(-1)?.older).toBeGreaterThanOrEqual(1),
        },
        {
          name: 'everything at once (one of each)',
          faults: [
            { kind: 'status', status: 429, retryAfterSeconds: 0 },
            { kind: 'status', status: 500 },
            { kind: 'reset', match: { withPageToken: true } },
            { kind: 'html' },
            { kind: 'truncated', match: { endpoint: 'studies' } },
            { kind: 'bad-token', match: { withPageToken: true } },
          ],
        },
      ];

      for (const row of ROWS) {
        it(row.name, async () => {
          const s = await setup();
          try {
            const firstId = String(baseline.find((i) => i.sk === 'META')?.nctId);
            const ctx: RowContext = { replay: s.replay, repo: s.repo, firstId, invocations: 0 };
            const summaries: SyncSummary[] = [];
            let started = performance.now();
            if (row.name.startsWith('an older copy')) {
              // Seed the table with a fault-free run first; only the second run is measured.
              await runSync(s.opts());
              s.replay.resetStats();
              s.replay.setDataTimestamp('2026-11-27T09:00:00');
              started = performance.now();
            }
            await row.prepare?.(ctx);
            for (const f of row.faults) s.replay.inject(f);

            let invocations = 0;
            for (;;) {
              invocations++;
              try {
                const summary = await runSync(s.opts());
                summaries.push(summary);
                if (summary.status === 'completed') break;
              } catch (err) {
                // A failed invocation must leave a checkpoint (or nothing) and a recorded error.
                expect(String((err as Error).message)).toMatch(
                  /ClinicalTrials\.gov|pageToken|HTTP/,
                );
              }
              if (invocations >= MAX_INVOCATIONS) throw new Error('no completed run');
            }
            if (row.followUp) {
              s.replay.clearFaults();
              s.replay.setDataTimestamp('2026-11-27T09:00:00');
              summaries.push(await runSync(s.opts({ mode: 'incremental' })));
              invocations++;
            }
            const ms = Math.round(performance.now() - started);
            ctx.invocations = invocations;
            if (row.name === CONTROL) controlMs = ms;
            expect(s.replay.pendingFaults).toBe(0);

            const table = await s.dump();
            const metas = table.filter((i) => i.sk === 'META').map((i) => String(i.nctId));
            expect(new Set(metas).size).toBe(metas.length);
            const tableEqual = JSON.stringify(table) === JSON.stringify(baseline);
            const byReason: Record<string, number> = {};
            for (const r of s.retries) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
            reports.push({
              fault: row.name,
              invocations,
              retries: s.retries.length,
              retriesByReason: byReason,
              extraRequests: s.replay.stats.requests - baseRequests,
              faultsFired: s.replay.stats.faultsFired,
              restarts: summaries.reduce((n, x) => n + x.restarts, 0),
              rejected: summaries.reduce((n, x) => n + x.rejected, 0),
              older: summaries.reduce((n, x) => n + x.older, 0),
              ms,
              backoffMs: s.retries.reduce((n, r) => n + r.delayMs, 0),
              extraMs: Math.round(ms - (controlMs || baseMs)),
              tableEqual,
            });
            expect(table).toEqual(baseline);
            await row.check?.(ctx, summaries);
          } finally {
            await s.close();
          }
        });
      }

      it('the record over 400 KB is stored whole, split across items each under 400 KB', async () => {
        const out = await h.doc.send(
          new QueryCommand({
            TableName: baselineTable,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': `STUDY#${corpus.bigNctId}` },
          }),
        );
        const items = out.Items ?? [];
        expect(items.find((i) => i.sk === 'META')).toBeDefined();
        expect(items.length).toBeGreaterThan(2);
        // DynamoDB item size: attribute names plus values (binary as bytes).
        const size = (item: Record<string, unknown>) =>
          Object.entries(item).reduce(
            (n, [k, v]) =>
              n +
              k.length +
              (v instanceof Uint8Array
                ? v.byteLength
                : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v))),
            0,
          );
        for (const item of items) expect(size(item)).toBeLessThan(400 * 1024);
        const s = await setup();
        try {
          await runSync(s.opts());
          const raw = await s.repo.getRawJson(corpus.bigNctId);
          expect(raw?.length).toBeGreaterThan(400 * 1024);
          expect(JSON.parse(raw ?? '{}')).toEqual(
            JSON.parse((await s.client.getStudyJson(corpus.bigNctId)) ?? 'null'),
          );
        } finally {
          await s.close();
        }
      });
    },
  );
}

// The real subset when ../shared is there; the fixture version otherwise (or when asked for).
const FORCE_FIXTURE = process.env.RELIABILITY_FIXTURE === '1';
matrixFor('real', !SHARED_AVAILABLE || FORCE_FIXTURE, SKIP_REASON);
matrixFor(
  'fixture',
  SHARED_AVAILABLE && !FORCE_FIXTURE,
  'runs when the shared records are absent, or with RELIABILITY_FIXTURE=1',
);

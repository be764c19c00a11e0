/**
 * Hand-checked profiles over the real lung trials, through the whole read path: the real sync
 * (runSync, real client, real extractor) fills dynalite from the replay server serving the
 * shared records; the API handler answers real API Gateway v2 events. Each case is a profile
 * of shared/product/EXAMPLES.md (same example numbers and cases) and names the trial's own
 * words that decide it (the deciding quote in the shared fixture): the reason carrying that
 * quote must have the given status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFacts } from '#eligibility/extract.ts';
import { buildHttpEvent } from '#http/event-builder.ts';
import { runSync } from '#sync/run-sync.ts';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import { type ApiHandler, createApiHandler } from '../../functions/api/handler.ts';
import { type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import { type ApiResponse, startDynamoTable } from '../fixtures/api/harness.ts';
import {
  EXAMPLE_CASES,
  type ExpectedVerdict,
  exampleCase,
  type ReasonStatus,
} from '../fixtures/matching/example-profiles.ts';
import { fastClient } from '../fixtures/sync/sync-setup.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

/** The EXAMPLES.md cases traced to the trial's own words (the deciding quote). */
const CASES = EXAMPLE_CASES.flatMap((c) => (c.deciding ? [{ ...c, deciding: c.deciding }] : []));
const ex1 = exampleCase(1, 'A').body;
const ex4 = exampleCase(4, 'A').body;

interface Result {
  nctId: string;
  verdict: ExpectedVerdict;
  targetsPatientDriver: boolean;
  reasons: { status: ReasonStatus; quote: string }[];
  nearestSite: { distanceKm: number } | null;
}

describe.skipIf(!SHARED_AVAILABLE)(
  `hand-checked profiles on real lung trials, synced from replay (${SKIP_REASON})`,
  () => {
    let replay: ReplayServer;
    let close: () => Promise<void>;
    let api: ApiHandler;

    beforeAll(async () => {
      replay = await startReplayServer({ dir: SHARED_STUDIES_DIR });
      const { repo, dynamo } = await startDynamoTable();
      // Pages of 200 real records: patient timeouts (as sync-shared), not fastClient's 1 s ones.
      const client = fastClient(replay.baseUrl, {
        timeouts: { connectMs: 5_000, headersMs: 30_000, bodyMs: 30_000 },
      });
      const summary = await runSync({
        client,
        repo,
        extract: extractFacts,
        mode: 'full',
        pageSize: 200,
      });
      expect(summary.status).toBe('completed');
      await client.close();
      api = createApiHandler({ repo, log: () => {} });
      close = async () => {
        await replay.close();
        await dynamo.close();
      };
    });
    afterAll(async () => {
      await close?.();
    });

    const post = async (body: unknown): Promise<ApiResponse> => {
      const res = await api(buildHttpEvent({ method: 'POST', path: '/v1/match', body }));
      return { ...res, json: JSON.parse(res.body) };
    };
    const everything = (profile: Record<string, unknown>) => ({
      ...profile,
      filters: { statuses: [...OVERALL_STATUSES] },
      options: { includeExcluded: true, limit: 1000 },
    });

    it('traces the cases EXAMPLES.md decides by a quote, none dropped', () => {
      expect(CASES.map((c) => `${c.example}${c.case}`).join(' ')).toBe(
        '1A 1B 2A 3B 4A 4B 4C 5B 8B 10A 12B 12C 13A',
      );
    });

    it.each(CASES.map((c) => [`${c.example}${c.case} ${c.deciding.why}`, c] as const))(
      '%s',
      async (_, c) => {
        const { quote, status } = c.deciding;
        const res = await post(everything(c.body));
        expect(res.statusCode).toBe(200);
        const result = (res.json.results as Result[]).find((r) => r.nctId === c.nctId);
        expect(result, `${c.nctId} is in the results`).toBeDefined();
        const quoted = result?.reasons.filter((r) => r.quote.includes(quote)) ?? [];
        const summary = result?.reasons
          .map((r) => `${r.status}: ${r.quote.slice(0, 90)}`)
          .join('\n');
        expect(result?.verdict, summary).toBe(c.verdict);
        expect(
          quoted.map((r) => r.status),
          `reasons quoting "${quote}":\n${summary}`,
        ).toContain(status);
      },
    );

    it('default status filters hide an active, not recruiting trial without changing its verdict (rule 11)', async () => {
      const res = await post(ex4);
      expect((res.json.results as Result[]).map((r) => r.nctId)).not.toContain('NCT05463224');
      for (const r of res.json.results as { status: string }[]) {
        expect(['RECRUITING', 'NOT_YET_RECRUITING', 'ENROLLING_BY_INVITATION']).toContain(r.status);
      }
    });

    it('ranking over real trials: verdict first, then trials built for the patient driver', async () => {
      const res = await post({ ...ex4, options: { includeExcluded: true, limit: 1000 } });
      const results = res.json.results as Result[];
      expect(results.length).toBeGreaterThan(5);
      // Lexicographic rank: verdict, then built-for-the-driver first.
      const rank = (r: Result) =>
        ['eligible', 'possible', 'excluded'].indexOf(r.verdict) * 2 +
        (r.targetsPatientDriver ? 0 : 1);
      for (let i = 1; i < results.length; i++) {
        const before = results[i - 1] as Result;
        const after = results[i] as Result;
        expect(rank(before), `${before.nctId} before ${after.nctId}`).toBeLessThanOrEqual(
          rank(after),
        );
      }
      expect(results.some((r) => r.targetsPatientDriver)).toBe(true);
    });

    it('distance over real sites: every result has a recruiting site within maxDistanceKm', async () => {
      const anywhere = await post({ ...ex1, location: { postalCode: '02115', country: 'US' } });
      const near = await post({
        ...ex1,
        location: { postalCode: '02115', country: 'US', maxDistanceKm: 50 },
      });
      const nearResults = near.json.results as Result[];
      expect(nearResults.length).toBeGreaterThan(0);
      expect(nearResults.length).toBeLessThan((anywhere.json.results as Result[]).length);
      for (const r of nearResults) expect(r.nearestSite?.distanceKm).toBeLessThanOrEqual(50);
      const allIds = new Set((anywhere.json.results as Result[]).map((r) => r.nctId));
      for (const r of nearResults) expect(allIds.has(r.nctId)).toBe(true);
    });

    it('GET /v1/trials/{nctId} on a real trial: every extracted fact quotes the criteria text', async () => {
      const res = await api(buildHttpEvent({ method: 'GET', path: '/v1/trials/NCT05463224' }));
      expect(res.statusCode).toBe(200);
      const t = JSON.parse(res.body);
      expect(t.status).toBe('ACTIVE_NOT_RECRUITING');
      const text = (t.eligibility.criteria as string).replace(/\\([<>=*_\\[\]()#+-.!])/g, '$1');
      expect(t.facts.criteria.length).toBeGreaterThan(3);
      const flat = text.replace(/\s+/g, ' ');
      const structured: string[] = [
        t.eligibility.minimumAge,
        t.eligibility.maximumAge,
        t.eligibility.sex,
      ].filter(Boolean);
      for (const c of t.facts.criteria as { kind: string; evidence: { quote: string } }[]) {
        const quote = c.evidence.quote.replace(/\s+/g, ' ');
        // Age and sex may come from the structured fields rather than the text.
        if (!flat.includes(quote) && ['age', 'sex'].includes(c.kind)) {
          expect(
            structured.some((v) => quote.includes(v)),
            quote,
          ).toBe(true);
        } else expect(flat).toContain(quote);
      }
    });
  },
);

/**
 * Hand-checked profiles over the real lung trials, through the whole read path: the real sync
 * (runSync, real client, real extractor) fills dynalite from the replay server serving the
 * shared records; the API handler answers real API Gateway v2 events. Each case is a profile
 * of shared/product/EXAMPLES.md (same example numbers and cases) and names the trial's own
 * words that decide it: the reason carrying that quote must have the given status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCtgovClient } from '#ctgov/client.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { buildHttpEvent } from '#http/event-builder.ts';
import { runSync } from '#sync/run-sync.ts';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import { type ApiHandler, createApiHandler } from '../../functions/api/handler.ts';
import { type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import { type ApiResponse, startDynamoTable } from '../fixtures/api/harness.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

type Verdict = 'eligible' | 'possible' | 'excluded';
type Status = 'met' | 'not_met' | 'unknown';

interface Case {
  name: string;
  nctId: string;
  profile: Record<string, unknown>;
  verdict: Verdict;
  /** Verbatim words of the trial, and the status the reason quoting them must have. */
  quote: string;
  status: Status;
}

const ex1 = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVB' },
  biomarkers: [
    { gene: 'KRAS', alteration: 'G12C' },
    { gene: 'PD-L1', tps: 30 },
  ],
  priorTherapies: [],
  brainMetastases: 'none',
  ecog: 1,
  age: 63,
};
const ex2 = {
  diagnosis: { cancer: 'nsclc', stage: 'IIB', resected: true },
  biomarkers: [
    { gene: 'KRAS', alteration: 'G12C' },
    { gene: 'PD-L1', tps: 5 },
  ],
  priorTherapies: [{ class: 'surgery' }],
  ecog: 0,
  age: 67,
};
const ex3 = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IIIA', resected: true },
  biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }],
  priorTherapies: [{ class: 'surgery' }],
  ecog: 0,
  age: 66,
};
const ex4 = {
  diagnosis: { cancer: 'nsclc', stage: 'IVA' },
  biomarkers: [{ gene: 'EGFR', alteration: 'exon19del' }],
  priorTherapies: [],
  brainMetastases: 'none',
  ecog: 1,
  age: 58,
};
const ex5 = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA' },
  biomarkers: [{ gene: 'HER2', alteration: 'amplification' }],
  priorTherapies: [
    { drug: 'carboplatin', line: 1, progressed: true },
    { drug: 'pemetrexed', line: 1, progressed: true },
  ],
  brainMetastases: 'none',
  ecog: 1,
  age: 61,
};
const ex8 = {
  diagnosis: { cancer: 'nsclc', histology: 'squamous', stage: 'IVA' },
  biomarkers: [
    { gene: 'KRAS', alteration: 'G12C' },
    { gene: 'PD-L1', tps: 65 },
  ],
  priorTherapies: [],
  brainMetastases: 'none',
  ecog: 1,
  age: 71,
};
const ex10 = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA' },
  biomarkers: [{ gene: 'PD-L1', tps: 0 }],
  priorTherapies: [
    { drug: 'Keytruda', line: 1, progressed: true },
    { drug: 'carboplatin', line: 1, progressed: true },
    { drug: 'pemetrexed', line: 1, progressed: true },
  ],
  brainMetastases: 'none',
  ecog: 1,
  age: 62,
};
const ex12 = {
  diagnosis: { cancer: 'nsclc', stage: 'IVA' },
  priorTherapies: [],
  brainMetastases: 'none',
  ecog: 1,
  age: 74,
};
const ex13 = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IIIB' },
  biomarkers: [
    { gene: 'KRAS', alteration: 'G12C' },
    { gene: 'PD-L1', tps: 10 },
  ],
  priorTherapies: [],
  brainMetastases: 'none',
  age: 60,
};

const CASES: Case[] = [
  {
    name: '1A unstated EGFR/ALK/ROS1 leave it possible',
    nctId: 'NCT06561386',
    profile: ex1,
    verdict: 'possible',
    quote: 'Participants with unknown EGFR, ALK, or ROS-1 status are excluded',
    status: 'unknown',
  },
  {
    name: '1B stated negatives make it eligible',
    nctId: 'NCT06561386',
    profile: {
      ...ex1,
      biomarkers: [
        ...ex1.biomarkers,
        { gene: 'EGFR', status: 'negative' },
        { gene: 'ALK', status: 'negative' },
        { gene: 'ROS1', status: 'negative' },
      ],
    },
    verdict: 'eligible',
    quote: 'Participants with unknown EGFR, ALK, or ROS-1 status are excluded',
    status: 'met',
  },
  {
    name: '2A resected stage IIB fits Part A',
    nctId: 'NCT06890598',
    profile: ex2,
    verdict: 'eligible',
    quote: 'Pathologic Stage II-IIIB (N2) NSCLC treated with initial upfront resection',
    status: 'met',
  },
  {
    name: '3B EGFR L858R meets the exclusion',
    nctId: 'NCT05286957',
    profile: ex3,
    verdict: 'excluded',
    quote: 'Harboring EGFR sensitizing mutation or ALK gene translocation',
    status: 'not_met',
  },
  {
    name: '4A exon 19 deletion, TKI-naive',
    nctId: 'NCT05463224',
    profile: ex4,
    verdict: 'eligible',
    quote: 'Confirmed EGFR mutations (exon 19 deletion, L858R)',
    status: 'met',
  },
  {
    name: '4B exon 20 insertion is not exon 19 deletion or L858R',
    nctId: 'NCT05463224',
    profile: { ...ex4, biomarkers: [{ gene: 'EGFR', alteration: 'exon20ins' }] },
    verdict: 'excluded',
    quote: 'Confirmed EGFR mutations (exon 19 deletion, L858R)',
    status: 'not_met',
  },
  {
    name: '4C gefitinib is an EGFR TKI',
    nctId: 'NCT05463224',
    profile: { ...ex4, priorTherapies: [{ drug: 'gefitinib', line: 1 }] },
    verdict: 'excluded',
    quote: 'Previously treatment with any kind of EGFR TKI',
    status: 'not_met',
  },
  {
    name: '5B HER2 amplification is not a HER2 mutation',
    nctId: 'NCT02369484',
    profile: ex5,
    verdict: 'excluded',
    quote: 'Locally documented HER2 mutation',
    status: 'not_met',
  },
  {
    name: '8B PD-L1 65% fits Part A, where squamous is allowed',
    nctId: 'NCT06119581',
    profile: ex8,
    verdict: 'eligible',
    quote: 'Part A: Greater than or equal to (≥)50 percent (%)',
    status: 'met',
  },
  {
    name: '10A progression after PD-1 inhibitor, PD-L1 <1%',
    nctId: 'NCT07134413',
    profile: ex10,
    verdict: 'eligible',
    quote: 'demonstrated PD-L1 TPS <1%',
    status: 'met',
  },
  {
    name: '12B age 68 is under "Age ≥70"',
    nctId: 'NCT02175381',
    profile: { ...ex12, age: 68 },
    verdict: 'excluded',
    quote: 'Age ≥70 years old',
    status: 'not_met',
  },
  {
    name: '12C treated stable brain metastases meet a blanket CNS exclusion',
    nctId: 'NCT02175381',
    profile: { ...ex12, brainMetastases: 'treated_stable' },
    verdict: 'excluded',
    quote: 'Central nervous system metastases',
    status: 'not_met',
  },
  {
    name: '13A stage IIIB: whether curative therapy remains is unknown',
    nctId: 'NCT06875310',
    profile: ex13,
    verdict: 'possible',
    quote: 'Not a candidate for definitive therapy',
    status: 'unknown',
  },
];

interface Result {
  nctId: string;
  verdict: Verdict;
  targetsPatientDriver: boolean;
  reasons: { status: Status; quote: string }[];
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
      const client = createCtgovClient({
        baseUrl: replay.baseUrl,
        minIntervalMs: 0,
        baseBackoffMs: 1,
        maxBackoffMs: 20,
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

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      const res = await post(everything(c.profile));
      expect(res.statusCode).toBe(200);
      const result = (res.json.results as Result[]).find((r) => r.nctId === c.nctId);
      expect(result, `${c.nctId} is in the results`).toBeDefined();
      const quoted = result?.reasons.filter((r) => r.quote.includes(c.quote)) ?? [];
      const summary = result?.reasons.map((r) => `${r.status}: ${r.quote.slice(0, 90)}`).join('\n');
      expect(result?.verdict, summary).toBe(c.verdict);
      expect(
        quoted.map((r) => r.status),
        `reasons quoting "${c.quote}":\n${summary}`,
      ).toContain(c.status);
    });

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

/**
 * POST /v1/match end to end on hand-written fixture trials (test/fixtures/api/trials.ts):
 * verdicts, ranking, reasons with quotes, the distance filter and nearest site, filters,
 * limit, and the profile echoed as understood. Every expectation follows from the fixture's
 * criteria text and PROFILE.md's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchResponseSchema } from '#matching/response-schema.ts';
import { type ApiHarness, startApi } from '../fixtures/api/harness.ts';
import { FIXTURE_TRIALS } from '../fixtures/api/trials.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ trials: FIXTURE_TRIALS, lastSuccessAt: '2026-11-26T03:00:00.000Z' });
});
afterAll(async () => {
  await h?.close();
});

interface Result {
  nctId: string;
  verdict: string;
  targetsPatientDriver: boolean;
  reasons: { status: string; quote?: string; [k: string]: unknown }[];
  nearestSite: { city?: string; distanceKm: number; contact?: { phone?: string } } | null;
  url: string;
  [k: string]: unknown;
}
const ids = (results: Result[]) => results.map((r) => r.nctId);
const byId = (results: Result[], id: string) => results.find((r) => r.nctId === id) as Result;
const quotesOf = (r: Result) => JSON.stringify(r.reasons);

const kras = {
  diagnosis: { cancer: 'nsclc', histology: 'adenocarcinoma', stage: 'IVA' },
  biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }],
  priorTherapies: [],
  ecog: 1,
  age: 64,
  sex: 'female',
};
const egfr = { ...kras, biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }] };

describe('verdicts and ranking', () => {
  it('KRAS G12C, stage IVA: the G12C trial first, the all-comers trial next, the EGFR trial possible', async () => {
    const res = await h.post(kras);
    expect(res.statusCode).toBe(200);
    // The body is what the OpenAPI document says it is.
    expect(matchResponseSchema.safeParse(res.json).error).toBeUndefined();
    const results = res.json.results as Result[];
    // NCT99000003 requires "Advanced NSCLC with a KRAS G12C mutation" and "ECOG 0-1": all met.
    // NCT99000002 forbids "Known EGFR mutation or ALK rearrangement": none stated (rule 2).
    // NCT99000001 requires an EGFR exon 19 deletion or L858R: EGFR not stated (rule 3).
    expect(ids(results)).toEqual(['NCT99000003', 'NCT99000002', 'NCT99000001']);
    expect(results.map((r) => r.verdict)).toEqual(['eligible', 'eligible', 'possible']);
    expect(byId(results, 'NCT99000003').targetsPatientDriver).toBe(true);
    expect(byId(results, 'NCT99000002').targetsPatientDriver).toBe(false);
    expect(quotesOf(byId(results, 'NCT99000001'))).toContain(
      'Confirmed EGFR mutation (exon 19 deletion or L858R)',
    );
    // Completed (filtered), small-cell only and resected-only (excluded) are not returned.
    expect(res.json.total).toEqual({ eligible: 2, possible: 1, excluded: 2 });
    expect(res.json.dataSyncedAt).toBe('2026-11-26T03:00:00.000Z');
  });

  it('EGFR L858R: the EGFR trial eligible and first; "known EGFR" excludes the all-comers trial', async () => {
    const res = await h.post({ ...egfr, options: { includeExcluded: true } });
    const results = res.json.results as Result[];
    expect(results[0]?.nctId).toBe('NCT99000001');
    expect(results[0]?.verdict).toBe('eligible');
    expect(results[0]?.targetsPatientDriver).toBe(true);
    const allComers = byId(results, 'NCT99000002');
    expect(allComers.verdict).toBe('excluded');
    expect(quotesOf(allComers)).toContain('Known EGFR mutation or ALK rearrangement');
    expect(allComers.reasons.some((r) => r.status === 'not_met')).toBe(true);
    expect(byId(results, 'NCT99000005').verdict).toBe('excluded'); // small cell only
    expect(byId(results, 'NCT99000006').verdict).toBe('excluded'); // resected IB-IIIA vs IVA
    const order = results.map((r) => r.verdict);
    expect(order).toEqual([...order].sort((a, b) => rank(a) - rank(b)));
  });

  it('a prior EGFR TKI excludes the TKI-naive trial, quoting the exclusion', async () => {
    const res = await h.post({
      ...egfr,
      priorTherapies: [{ drug: 'Tagrisso', line: 1, progressed: true }],
      options: { includeExcluded: true },
    });
    const trial = byId(res.json.results, 'NCT99000001');
    expect(trial.verdict).toBe('excluded');
    expect(quotesOf(trial)).toContain('Prior treatment with any EGFR TKI');
    const notes = JSON.stringify(res.json.profile.notes);
    expect(notes).toContain('osimertinib');
  });

  it('criteria no profile can decide are "to discuss", never a reason to exclude', async () => {
    const res = await h.post(egfr);
    const trial = byId(res.json.results, 'NCT99000001');
    expect(trial.verdict).toBe('eligible');
    expect(JSON.stringify(trial.toDiscuss)).toContain('Adequate organ function');
  });

  it('without excluded trials by default; limit caps results but not totals', async () => {
    const res = await h.post({ ...kras, options: { limit: 1 } });
    expect(ids(res.json.results)).toEqual(['NCT99000003']);
    expect(res.json.total).toEqual({ eligible: 2, possible: 1, excluded: 2 });
  });
});

describe('location and distance', () => {
  it('a ZIP code gives each result its nearest recruiting site, with distance and contact', async () => {
    const res = await h.post({ ...egfr, location: { postalCode: '02115', country: 'US' } });
    const trial = byId(res.json.results, 'NCT99000001');
    // Boston and Los Angeles sites: Boston is nearer to 02115.
    expect(trial.nearestSite?.city).toBe('Boston');
    expect(trial.nearestSite?.distanceKm).toBeLessThan(10);
    expect(trial.nearestSite?.contact?.phone).toBe('555-0199');
    expect(res.json.profile.location).toMatchObject({ postalCode: '02115', country: 'US' });
  });

  it('maxDistanceKm drops trials with no recruiting site that near', async () => {
    const near = await h.post({
      ...kras,
      location: { postalCode: '02115', country: 'US', maxDistanceKm: 100 },
    });
    expect(ids(near.json.results)).toEqual(['NCT99000001']);
    const mid = await h.post({
      ...kras,
      location: { postalCode: '02115', country: 'US', maxDistanceKm: 500 },
    });
    expect(ids(mid.json.results).sort()).toEqual(['NCT99000001', 'NCT99000002']);
    const ny = byId(mid.json.results, 'NCT99000002');
    expect(ny.nearestSite?.distanceKm).toBeGreaterThan(250);
    expect(ny.nearestSite?.distanceKm).toBeLessThan(350);
  });

  it('lat/lon works like a ZIP code; distance never changes a verdict', async () => {
    const la = { lat: 34.05, lon: -118.25 };
    const res = await h.post({ ...kras, location: { ...la, maxDistanceKm: 50 } });
    expect(ids(res.json.results).sort()).toEqual(['NCT99000001', 'NCT99000003']);
    const anywhere = await h.post(kras);
    for (const r of res.json.results as Result[]) {
      expect(r.verdict).toBe(byId(anywhere.json.results, r.nctId).verdict);
    }
  });
});

describe('filters', () => {
  it('statuses select other trials without changing verdicts', async () => {
    const res = await h.post({ ...kras, filters: { statuses: ['COMPLETED'] } });
    expect(ids(res.json.results)).toEqual(['NCT99000004']);
    // "Stage IV NSCLC" is met by IVA and age 64 by "18 Years": a completed trial stays eligible (rule 11).
    expect(res.json.results[0].verdict).toBe('eligible');
  });

  it('phases', async () => {
    const res = await h.post({ ...kras, filters: { phases: ['PHASE1'] } });
    expect(ids(res.json.results)).toEqual(['NCT99000003']);
  });

  it('the response echoes the profile as understood', async () => {
    const res = await h.post({
      diagnosis: { cancer: 'nsclc', stage: 'IVB' },
      biomarkers: [{ gene: 'HER2', alteration: 'amplification' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json.profile.biomarkers[0]).toMatchObject({
      gene: 'ERBB2',
      alteration: 'amplification',
    });
    expect(res.json.profile.filters.statuses).toEqual([
      'RECRUITING',
      'NOT_YET_RECRUITING',
      'ENROLLING_BY_INVITATION',
    ]);
  });
});

const rank = (v: string) => ['eligible', 'possible', 'excluded'].indexOf(v);

/** matchTrials: filters, ranking, distance, limits, counts, echo; over a small hand-built index. */
import { describe, expect, it } from 'vitest';
import { indexEntries, matchTrials } from '#matching/match.ts';
import { parseMatchRequest } from '#matching/profile.ts';
import type { MatchIndexEntry } from '#store/types.ts';
import { entry, facts, forbid, req, site } from '../../fixtures/matching/builders.ts';

const NOW = new Date('2026-11-27T00:00:00Z');
const BOSTON = { lat: 42.3601, lon: -71.0589 };
const NYC = { lat: 40.7128, lon: -74.006 };
const LA = { lat: 34.0522, lon: -118.2437 };

function run(entries: MatchIndexEntry[], body: Record<string, unknown>) {
  const parsed = parseMatchRequest({ diagnosis: { cancer: 'nsclc', stage: 'IVA' }, ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return matchTrials(parsed.request, indexEntries(entries), NOW, {
    dataSyncedAt: '2026-11-26T09:00:00Z',
  });
}

const egfrTrial = (id: string, more: Partial<MatchIndexEntry> = {}) =>
  entry(
    id,
    facts(
      [
        req({
          kind: 'biomarker',
          anyOf: [
            { gene: 'EGFR', alteration: 'L858R' },
            { gene: 'EGFR', alteration: 'exon19del' },
          ],
        }),
      ],
      {
        targets: [
          { gene: 'EGFR', alteration: 'L858R' },
          { gene: 'EGFR', alteration: 'exon19del' },
        ],
      },
    ),
    more,
  );
const allComers = (id: string, more: Partial<MatchIndexEntry> = {}) =>
  entry(id, facts([req({ kind: 'stage', stages: [], settings: ['metastatic'] })]), more);
const unknownEcog = (id: string, more: Partial<MatchIndexEntry> = {}) =>
  entry(
    id,
    facts([
      req({ kind: 'stage', stages: [], settings: ['metastatic'] }),
      req({ kind: 'ecog', max: 1 }),
    ]),
    more,
  );
const excludedTrial = (id: string, more: Partial<MatchIndexEntry> = {}) =>
  entry(
    id,
    facts([forbid({ kind: 'prior_therapy', anyOf: [{ class: 'egfr_tki' }] }, 'Prior EGFR TKI')]),
    more,
  );

const EGFR_PATIENT = {
  biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }],
  priorTherapies: [{ drug: 'osimertinib', line: 1, progressed: true }],
};

describe('ranking', () => {
  it('eligible before possible; driver-targeted before all-comers; fewer unknowns first; nearer, then later phase', () => {
    const r = run(
      [
        unknownEcog('NCT00000001', { sites: [site('Boston', BOSTON.lat, BOSTON.lon)] }),
        allComers('NCT00000002', { sites: [site('LA', LA.lat, LA.lon)], phases: ['PHASE3'] }),
        allComers('NCT00000003', { sites: [site('NYC', NYC.lat, NYC.lon)], phases: ['PHASE1'] }),
        egfrTrial('NCT00000004', { sites: [site('LA', LA.lat, LA.lon)] }),
        allComers('NCT00000005', {
          sites: [site('NYC', NYC.lat, NYC.lon)],
          phases: ['PHASE2', 'PHASE3'],
        }),
        entry(
          'NCT00000006',
          facts([req({ kind: 'ecog', max: 1 }), req({ kind: 'age', min: 18 })]),
          {
            sites: [site('Boston', BOSTON.lat, BOSTON.lon)],
          },
        ),
      ],
      { ...EGFR_PATIENT, location: { ...BOSTON } },
    );
    expect(r.results.map((x) => [x.nctId, x.verdict])).toEqual([
      ['NCT00000004', 'eligible'], // built for the driver, though farthest
      ['NCT00000005', 'eligible'], // NYC, phase 3
      ['NCT00000003', 'eligible'], // NYC, phase 1
      ['NCT00000002', 'eligible'], // LA
      ['NCT00000001', 'possible'], // one unknown
      ['NCT00000006', 'possible'], // two unknowns
    ]);
    expect(r.results[0]?.targetsPatientDriver).toBe(true);
    expect(r.results[1]?.targetsPatientDriver).toBe(false);
  });
  it('a treatment trial before an observational study, even a nearer one', () => {
    const near = { sites: [site('Boston site', BOSTON.lat, BOSTON.lon)] };
    const far = { sites: [site('LA site', LA.lat, LA.lon)] };
    const entries = [
      allComers('NCT00000001', { ...near, studyType: 'OBSERVATIONAL' }),
      allComers('NCT00000002', { ...far, studyType: 'INTERVENTIONAL' }),
      allComers('NCT00000003', far),
    ];
    const r = run(entries, { location: { ...BOSTON } });
    expect(r.results.map((x) => x.nctId)).toEqual(['NCT00000002', 'NCT00000003', 'NCT00000001']);
    expect(r.results.map((x) => x.treatmentStudy)).toEqual([true, true, false]);
  });
  it('an interventional study that tests no treatment (supportive care, diagnosis) ranks like a registry', () => {
    const entries = [
      allComers('NCT00000011', { studyType: 'INTERVENTIONAL', primaryPurpose: 'SUPPORTIVE_CARE' }),
      allComers('NCT00000012', { studyType: 'INTERVENTIONAL', primaryPurpose: 'TREATMENT' }),
      allComers('NCT00000013', { studyType: 'INTERVENTIONAL', primaryPurpose: 'DIAGNOSTIC' }),
    ];
    const r = run(entries, {});
    expect(r.results.map((x) => [x.nctId, x.treatmentStudy])).toEqual([
      ['NCT00000012', true],
      ['NCT00000011', false],
      ['NCT00000013', false],
    ]);
  });
  it('ties break by NCT id, so the order is deterministic', () => {
    const entries = ['NCT00000009', 'NCT00000007', 'NCT00000008'].map((id) => allComers(id));
    const a = run(entries, {});
    const b = run([...entries].reverse(), {});
    expect(a.results.map((x) => x.nctId)).toEqual(['NCT00000007', 'NCT00000008', 'NCT00000009']);
    expect(b).toEqual(a);
  });
});

describe('filters (rule 11: they never change a verdict)', () => {
  const entries = [
    allComers('NCT00000011'),
    allComers('NCT00000012', { overallStatus: 'COMPLETED' }),
    allComers('NCT00000013', { overallStatus: 'NOT_YET_RECRUITING', phases: ['PHASE3'] }),
    allComers('NCT00000014', { overallStatus: 'ENROLLING_BY_INVITATION', phases: [] }),
  ];
  it('default statuses: recruiting, not yet recruiting, by invitation', () => {
    expect(
      run(entries, {})
        .results.map((x) => x.nctId)
        .sort(),
    ).toEqual(['NCT00000011', 'NCT00000013', 'NCT00000014']);
  });
  it('explicit statuses, and the verdict of a completed trial is unchanged', () => {
    const r = run(entries, { filters: { statuses: ['COMPLETED'] } });
    expect(r.results.map((x) => [x.nctId, x.verdict])).toEqual([['NCT00000012', 'eligible']]);
  });
  it('phases: a trial with any of them; a trial without phases counts as NA', () => {
    expect(run(entries, { filters: { phases: ['PHASE3'] } }).results.map((x) => x.nctId)).toEqual([
      'NCT00000013',
    ]);
    expect(run(entries, { filters: { phases: ['NA'] } }).results.map((x) => x.nctId)).toEqual([
      'NCT00000014',
    ]);
  });
});

describe('excluded trials, counts and limit', () => {
  const entries = [
    allComers('NCT00000021'),
    unknownEcog('NCT00000022'),
    excludedTrial('NCT00000023'),
  ];
  it('excluded trials are counted but returned only on request, with what excludes them', () => {
    const r = run(entries, EGFR_PATIENT);
    expect(r.total).toEqual({ eligible: 1, possible: 1, excluded: 1 });
    expect(r.results.map((x) => x.nctId)).toEqual(['NCT00000021', 'NCT00000022']);
    const all = run(entries, { ...EGFR_PATIENT, options: { includeExcluded: true } });
    const last = all.results.at(-1);
    expect(last?.nctId).toBe('NCT00000023');
    expect(last?.verdict).toBe('excluded');
    expect(last?.reasons[0]).toMatchObject({ status: 'not_met', quote: 'Prior EGFR TKI' });
  });
  it('limit caps the results, not the counts', () => {
    const r = run(entries, { ...EGFR_PATIENT, options: { limit: 1 } });
    expect(r.results).toHaveLength(1);
    expect(r.total.eligible + r.total.possible).toBe(2);
  });
});

describe('distance', () => {
  const entries = [
    allComers('NCT00000031', {
      sites: [
        site('Closed Boston site', BOSTON.lat, BOSTON.lon, { status: 'COMPLETED' }),
        site('NYC', NYC.lat, NYC.lon, { contact: { name: 'Dr A', phone: '555-0100' } }),
      ],
    }),
    allComers('NCT00000032', { sites: [site('LA', LA.lat, LA.lon)] }),
    allComers('NCT00000033', { sites: [{ facility: 'No coordinates', status: 'RECRUITING' }] }),
  ];
  it('nearest site is the nearest one that is itself recruiting, with its contact', () => {
    const r = run(entries, { location: { ...BOSTON } });
    const first = r.results[0];
    expect(first?.nctId).toBe('NCT00000031');
    expect(first?.nearestSite?.facility).toBe('NYC');
    expect(first?.nearestSite?.contact).toEqual({ name: 'Dr A', phone: '555-0100' });
    expect(first?.nearestSite?.distanceKm).toBeGreaterThan(290);
    expect(first?.nearestSite?.distanceKm).toBeLessThan(320);
    expect(r.results.at(-1)?.nearestSite).toBeNull();
  });
  it('maxDistanceKm drops trials with no site in range (and those without coordinates)', () => {
    const r = run(entries, { location: { ...BOSTON, maxDistanceKm: 400 } });
    expect(r.results.map((x) => x.nctId)).toEqual(['NCT00000031']);
    expect(r.total).toEqual({ eligible: 1, possible: 0, excluded: 0 });
  });
  it('a US postal code works as a location', () => {
    const r = run(entries, {
      location: { postalCode: '02115', country: 'US', maxDistanceKm: 400 },
    });
    expect(r.results.map((x) => x.nctId)).toEqual(['NCT00000031']);
  });
  it('without a location there is no nearest site and nothing is dropped', () => {
    const r = run(entries, {});
    expect(r.results).toHaveLength(3);
    expect(r.results.every((x) => x.nearestSite === null)).toBe(true);
  });
});

describe('response', () => {
  it('carries the trial fields, the link, freshness and the profile as understood', () => {
    const r = run(
      [egfrTrial('NCT00000041', { title: 'An EGFR trial', lastUpdatePostDate: '2026-10-01' })],
      {
        biomarkers: [{ gene: 'EGFR', alteration: 'p.Leu858Arg' }],
      },
    );
    expect(r.results[0]).toMatchObject({
      nctId: 'NCT00000041',
      title: 'An EGFR trial',
      url: 'https://clinicaltrials.gov/study/NCT00000041',
      status: 'RECRUITING',
      phases: ['PHASE2'],
      lastUpdatePostDate: '2026-10-01',
      verdict: 'eligible',
    });
    expect(r.dataSyncedAt).toBe('2026-11-26T09:00:00Z');
    expect(r.generatedAt).toBe(NOW.toISOString());
    expect(r.profile.biomarkers).toEqual([
      { gene: 'EGFR', alteration: 'L858R', status: 'positive' },
    ]);
    expect(r.profile.notes.some((n) => n.message.includes('L858R'))).toBe(true);
  });
  it('the index shares one evaluation among identical criteria of different trials', () => {
    const { index } = indexEntries([
      allComers('NCT00000051'),
      allComers('NCT00000052'),
      unknownEcog('NCT00000053'),
    ]);
    expect(index.criteria).toHaveLength(2);
  });
});

describe('response schema (the OpenAPI document) matches what matchTrials returns', () => {
  it('a response with cohorts, sites, contacts, notes and excluded trials parses', async () => {
    const { matchResponseSchema } = await import('#matching/response-schema.ts');
    const cohortTrial = entry(
      'NCT00000061',
      facts(
        [
          req({ kind: 'pdl1', min: 50 }, 'Part A: PD-L1 ≥ 50%', ['part a']),
          req({ kind: 'unclassified' }, 'Adequate organ function'),
        ],
        { cohorts: ['part a', 'part b'] },
      ),
      {
        sites: [
          site('NYC', NYC.lat, NYC.lon, { contact: { name: 'Dr A', email: 'a@example.org' } }),
        ],
      },
    );
    const notNsclc = entry(
      'NCT00000062',
      facts([], { scope: 'not_nsclc', scopeQuote: 'Small cell lung cancer' }),
    );
    const r = run([cohortTrial, notNsclc], {
      biomarkers: [{ gene: 'HER2', alteration: 'mutation' }],
      location: { ...BOSTON },
      options: { includeExcluded: true },
    });
    expect(r.results.map((x) => x.verdict)).toEqual(['eligible', 'excluded']);
    expect(r.results[0]?.cohorts?.length).toBe(2);
    expect(r.results[0]?.toDiscuss).toEqual([
      { quote: 'Adequate organ function', section: 'inclusion' },
    ]);
    expect(r.results[1]?.reasons[0]?.quote).toBe('Small cell lung cancer');
    const parsed = matchResponseSchema.parse(JSON.parse(JSON.stringify(r)));
    expect(parsed.results).toHaveLength(2);
  });
});

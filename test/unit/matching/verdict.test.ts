/** Verdicts per cohort (rule 7), scope, structured eligibility fields, reasons and discussion items. */
import { describe, expect, it } from 'vitest';
import { type Profile, parseMatchRequest } from '#matching/profile.ts';
import { evaluateTrial, parseAgeYears } from '#matching/verdict.ts';
import { facts, forbid, req } from '../../fixtures/matching/builders.ts';

function profile(body: Record<string, unknown>): Profile {
  const parsed = parseMatchRequest({ diagnosis: { cancer: 'nsclc' }, ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.request.profile;
}

describe('verdicts', () => {
  const trial = facts([
    req({ kind: 'ecog', max: 1 }, 'ECOG 0-1'),
    forbid({ kind: 'brain_metastases', states: ['active'] }, 'Active CNS metastases'),
  ]);
  it('eligible when every criterion is met', () => {
    expect(evaluateTrial(trial, profile({ ecog: 0, brainMetastases: 'none' })).verdict).toBe(
      'eligible',
    );
  });
  it('possible when something is unknown and nothing conflicts, naming what is missing', () => {
    const v = evaluateTrial(trial, profile({ ecog: 0 }));
    expect(v.verdict).toBe('possible');
    expect(v.unknowns).toEqual(['brain metastases']);
  });
  it('excluded on one conflict, whatever else is unknown; the conflict comes first with its quote', () => {
    const v = evaluateTrial(trial, profile({ brainMetastases: 'active' }));
    expect(v.verdict).toBe('excluded');
    expect(v.reasons[0]).toMatchObject({
      status: 'not_met',
      quote: 'Active CNS metastases',
      section: 'exclusion',
      effect: 'forbid',
    });
  });
  it('unclassified items go to "to discuss", never to the verdict', () => {
    const t = facts([
      req({ kind: 'unclassified' }, 'Adequate renal function'),
      req({ kind: 'ecog', max: 1 }),
    ]);
    const v = evaluateTrial(t, profile({ ecog: 1 }));
    expect(v.verdict).toBe('eligible');
    expect(v.toDiscuss).toEqual([{ quote: 'Adequate renal function', section: 'inclusion' }]);
    expect(v.reasons.map((r) => r.criterion.kind)).toEqual(['ecog']);
  });

  it('an unread requirement about a profile fact is unknown: possible at best, quoted as the reason', () => {
    const t = facts([
      req({ kind: 'unclassified', topic: 'biomarker' }, 'Presence of a PACC-class EGFR variant'),
      req({ kind: 'unclassified' }, 'Adequate renal function'),
      req({ kind: 'ecog', max: 1 }),
    ]);
    const v = evaluateTrial(
      t,
      profile({ ecog: 1, biomarkers: [{ gene: 'ALK', alteration: 'fusion' }] }),
    );
    expect(v.verdict).toBe('possible');
    expect(v.reasons[0]).toMatchObject({
      status: 'unknown',
      quote: 'Presence of a PACC-class EGFR variant',
      criterion: {
        kind: 'unclassified',
        label: "Must have a criterion on biomarkers (in the trial's words)",
      },
    });
    expect(v.unknowns[0]).toMatch(/^biomarkers \(a criterion the matcher could not read/);
    expect(v.toDiscuss).toEqual([{ quote: 'Adequate renal function', section: 'inclusion' }]);
  });
});

describe('scope', () => {
  it('a trial that does not enrol NSCLC is excluded, quoting the evidence', () => {
    const v = evaluateTrial(
      facts([], { scope: 'not_nsclc', scopeQuote: 'Small cell lung carcinoma (SCLC)' }),
      profile({}),
    );
    expect(v.verdict).toBe('excluded');
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatchObject({
      status: 'not_met',
      quote: 'Small cell lung carcinoma (SCLC)',
    });
  });
  it('an unknown scope is never excluded on that ground, never eligible either', () => {
    const v = evaluateTrial(
      facts([req({ kind: 'ecog', max: 2 })], { scope: 'unknown' }),
      profile({ ecog: 1 }),
    );
    expect(v.verdict).toBe('possible');
  });
});

describe('rule 7: cohorts', () => {
  const t = facts(
    [
      req({ kind: 'biomarker', anyOf: [{ gene: 'KRAS', alteration: 'G12C' }] }, 'KRAS G12C'),
      req({ kind: 'pdl1', min: 50 }, 'Part A: PD-L1 ≥ 50%', ['part a']),
      req({ kind: 'histology', histologies: ['adenocarcinoma'] }, 'Part B: adenocarcinoma', [
        'part b',
      ]),
    ],
    { cohorts: ['part a', 'part b'] },
  );
  it('a profile that fits one cohort is not excluded; the other cohort’s criteria do not apply', () => {
    const v = evaluateTrial(
      t,
      profile({
        diagnosis: { cancer: 'nsclc', histology: 'squamous' },
        biomarkers: [
          { gene: 'KRAS', alteration: 'G12C' },
          { gene: 'PD-L1', tps: 60 },
        ],
      }),
    );
    expect(v.verdict).toBe('eligible');
    expect(v.cohort).toBe('part a');
    expect(v.reasons.some((r) => r.criterion.kind === 'histology')).toBe(false);
    expect(v.cohorts).toEqual([
      { cohort: 'part a', verdict: 'eligible', notMet: [] },
      { cohort: 'part b', verdict: 'excluded', notMet: ['Must have histology adenocarcinoma'] },
    ]);
  });
  it('excluded only when every cohort conflicts', () => {
    const v = evaluateTrial(
      t,
      profile({
        diagnosis: { cancer: 'nsclc', histology: 'squamous' },
        biomarkers: [
          { gene: 'KRAS', alteration: 'G12C' },
          { gene: 'PD-L1', tps: 10 },
        ],
      }),
    );
    expect(v.verdict).toBe('excluded');
  });
  it('cohort-specific reasons carry their cohort', () => {
    const v = evaluateTrial(t, profile({ biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }] }));
    expect(v.verdict).toBe('possible');
    const pdl1 = v.reasons.find((r) => r.criterion.kind === 'pdl1');
    expect(pdl1?.cohort).toBe('part a');
    expect(v.reasons.find((r) => r.criterion.kind === 'biomarker')?.cohort).toBeUndefined();
  });
  it('a diagnosis exclusion limited to one part does not reach the others', () => {
    const basket = facts([forbid({ kind: 'diagnosis' }, 'NSCLC for Part 1', ['part 1'])], {
      cohorts: ['part 1', 'part 2'],
    });
    const v = evaluateTrial(basket, profile({}));
    expect(v.verdict).toBe('eligible');
    expect(v.cohort).toBe('part 2');
  });
});

describe('structured eligibility fields', () => {
  it('minimumAge / maximumAge / sex become criteria when the facts have none', () => {
    const t = facts([]);
    const s = { minimumAge: '18 Years', maximumAge: '75 Years', sex: 'FEMALE' };
    expect(evaluateTrial(t, profile({ age: 80, sex: 'female' }), s).verdict).toBe('excluded');
    expect(evaluateTrial(t, profile({ age: 75, sex: 'male' }), s).verdict).toBe('excluded');
    expect(evaluateTrial(t, profile({ age: 75, sex: 'female' }), s).verdict).toBe('eligible');
    expect(evaluateTrial(t, profile({}), s).verdict).toBe('possible');
  });
  it('an age criterion from the text is not duplicated', () => {
    const t = facts([req({ kind: 'age', min: 70 }, 'Age ≥70 years old')]);
    const v = evaluateTrial(t, profile({ age: 74 }), { minimumAge: '18 Years' });
    expect(v.reasons.filter((r) => r.criterion.kind === 'age')).toHaveLength(1);
  });
  it('parses ages in other units', () => {
    expect(parseAgeYears('18 Years')).toBe(18);
    expect(parseAgeYears('6 Months')).toBe(0.5);
    expect(parseAgeYears('N/A')).toBeUndefined();
  });
});

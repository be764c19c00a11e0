/**
 * Defects a reviewer found on real records, each pinned by a short hand-written sentence:
 * wording that allows brain metastases, a stage named after other words, cohort headings
 * that name a population, and cohort prefixes with a description.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelPrefix, parseCriteria } from '#eligibility/criteria-parser.ts';
import { extractFacts } from '#eligibility/extract.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { diagnosisClauseStage, stageFinding, stagesIn } from '#eligibility/stage.ts';
import { fold } from '#eligibility/text.ts';
import { factsOf, makeStudy, ofKind } from '../../fixtures/eligibility/make-study.ts';
import { FIXTURES_DIR } from '../../support/shared-data.ts';

const facts = factsOf;
const brain = (f: TrialFacts) =>
  ofKind(f, 'brain_metastases').map((c) => [c.effect, [...c.states].sort()]);

describe('inclusion wording that allows brain metastases is no requirement', () => {
  it('"with or without brain metastases" requires nothing (and excludes nothing)', () => {
    expect(brain(facts(['Adults with or without brain metastases.']))).toEqual([]);
    expect(brain(facts(['People with lung cancer, with and without CNS metastases.']))).toEqual([]);
  });

  it('"measurable and non-measurable CNS lesions, including leptomeningeal" requires nothing', () => {
    expect(
      brain(
        facts(['People whose measurable and non-measurable CNS lesions include meningeal spread.']),
      ),
    ).toEqual([]);
    expect(
      brain(
        facts([
          'Adults with measurable or non-measurable brain lesions, including leptomeningeal disease.',
        ]),
      ),
    ).toEqual([]);
  });

  it('reads more ways of saying "may enrol" as permissions, not requirements', () => {
    for (const sentence of [
      'People with brain metastases are acceptable.',
      'People with CNS lesions may enroll.',
      'People with brain metastases will be accepted.',
      'People with brain metastases qualify.',
      'People with CNS metastases may take part.',
    ]) {
      expect(brain(facts([sentence])), sentence).toEqual([]);
    }
    expect(brain(facts(['Brain metastases are welcome if treated.']))).toEqual([
      ['forbid', ['active', 'untreated_asymptomatic']],
    ]);
  });

  it('keeps the conditions an allowing item sets', () => {
    expect(
      brain(
        facts([
          'Adults with or without brain metastases; any brain metastases must be treated and stable.',
        ]),
      ),
    ).toEqual([['forbid', ['active', 'untreated_asymptomatic']]]);
  });

  it('still requires brain metastases where the need is explicit', () => {
    expect(
      brain(facts(['Must have at least one measurable or non-measurable brain lesion.'])),
    ).toEqual([
      ['require', ['active', 'leptomeningeal', 'treated_stable', 'untreated_asymptomatic']],
    ]);
    expect(brain(facts(['Must have brain metastases, with or without symptoms.']))).toEqual([
      ['require', ['active', 'leptomeningeal', 'treated_stable', 'untreated_asymptomatic']],
    ]);
  });
});

describe('stage named after other words', () => {
  const clause = (s: string) => diagnosisClauseStage(fold(s));

  it('reads the diagnosis clause of an item that starts with treatment history', () => {
    expect(
      clause('Never treated before, cytologically proven operable stage II or IIIA lung cancer.')
        ?.stages,
    ).toEqual(expect.arrayContaining(['IIA', 'IIB', 'IIIA']));
    expect(
      clause('No earlier chemotherapy; pathologically confirmed metastatic NSCLC.')?.settings,
    ).toEqual(['metastatic']);
  });

  it('does not take a stage written about earlier treatment', () => {
    expect(
      clause('No prior therapy other than chemoradiation for stage III NSCLC.'),
    ).toBeUndefined();
    expect(
      clause(
        'One earlier regimen, histologically confirmed stage IV NSCLC after progression on radiotherapy for stage IIIA',
      )?.stages,
    ).toEqual(['IVA', 'IVB', 'IV']);
  });

  it('keeps recurrence offered as one numbered or "either" alternative beside named stages', () => {
    const f = (s: string) => stageFinding(fold(s));
    expect(
      f(
        'One of: (1) recurrent disease after surgery, (2) stage IIIB unfit for radiation, (3) stage IV',
      )?.settings,
    ).toEqual(['recurrent']);
    expect(f('Either recurrent lung cancer or newly diagnosed stage IV')?.settings).toEqual([
      'recurrent',
    ]);
    // A recurrence that only describes the named stage offers no alternative.
    expect(f('Stage IV disease, recurrent after treatment')?.settings).toEqual([]);
  });

  it('reads a stage list written with ", or" and a qualified group ("select IIIB")', () => {
    expect(stagesIn(fold('Stage IIIB, IIIC, or IV lung cancer'))).toEqual(
      expect.arrayContaining(['IIIB', 'IIIC', 'IVA', 'IVB']),
    );
    expect(stagesIn(fold('Stage IIA, or selected IIIB (N2 only)'))).toEqual(['IIA', 'IIIB']);
  });
});

describe('cohorts named by their population', () => {
  it('treats "Inclusion Criteria for Patients with …" headings as separate cohorts', () => {
    const text = readFileSync(resolve(FIXTURES_DIR, 'eligibility/population-cohorts.md'), 'utf8');
    const f = extractFacts(makeStudy(text));
    expect(f.cohorts).toHaveLength(2);
    const stage = ofKind(f, 'stage');
    // "Completely resected stage IB–IIIA" is the stages and, beside them, the resection.
    expect(stage).toHaveLength(3);
    const [unresectable, resected, resection] = stage;
    expect(unresectable?.cohorts).toHaveLength(1);
    expect(resected?.cohorts).toHaveLength(1);
    expect(unresectable?.cohorts).not.toEqual(resected?.cohorts);
    expect(resection?.settings).toEqual(['resected']);
    expect(resection?.cohorts).toEqual(resected?.cohorts);
    // The items under the plain and "All Patients" headings apply to every cohort.
    const sample = f.criteria.find((c) => c.evidence.quote.startsWith('Adults who agree'));
    const other = f.criteria.find((c) => c.evidence.quote.startsWith('Another cancer'));
    expect(sample?.cohorts).toBeUndefined();
    expect(other?.cohorts).toBeUndefined();
    // The heading is no criterion of its own.
    expect(f.criteria.some((c) => /^for patients/i.test(c.evidence.quote))).toBe(false);
  });

  it('joins "Exclusion Criteria for <the same population>" to that cohort', () => {
    const parsed = parseCriteria(
      [
        'Inclusion Criteria for Patients with Resected Disease:',
        '* Complete resection',
        'Inclusion Criteria for Patients with Metastatic Disease:',
        '* Stage IV lung cancer',
        'Exclusion Criteria for Patients with Resected Disease:',
        '* Positive margins',
      ].join('\n'),
    );
    expect(parsed.cohorts).toHaveLength(2);
    const [resected, metastatic, margins] = parsed.items;
    expect(margins?.labels).toEqual(resected?.labels);
    expect(margins?.section).toBe('exclusion');
    expect(metastatic?.labels).not.toEqual(resected?.labels);
  });

  it('does not make a cohort of headings for everyone or for a step of the study', () => {
    for (const heading of [
      'Inclusion Criteria for All Participants:',
      'Inclusion Criteria for Trial Entry:',
      'Inclusion Criteria for Both Phases:',
    ]) {
      expect(parseCriteria(`${heading}\n\n* Lung cancer\n`).cohorts).toEqual([]);
    }
  });
});

describe('cohort prefixes with a description', () => {
  it('reads "Cohort 1 (description):", "Cohort 2," and "Cohort 3 patients" as cohort labels', () => {
    expect(labelPrefix('Cohort 1 (after an EGFR TKI): progressed on osimertinib')?.labels).toEqual([
      'cohort 1',
    ]);
    expect(
      labelPrefix('In Cohort 2, patients who failed one or two chemotherapy lines')?.labels,
    ).toEqual(['cohort 2']);
    expect(labelPrefix('Cohort 3 patients have had no systemic therapy')?.labels).toEqual([
      'cohort 3',
    ]);
    expect(labelPrefix('Cohorts are assigned by the sponsor')).toBeUndefined();
  });

  it('scopes each item of a cohort list under one parent to its cohort', () => {
    const f = parseCriteria(
      [
        'Inclusion Criteria:',
        '',
        '1. Earlier treatment by cohort:',
        '   * Cohort 1 (first line): taking osimertinib now',
        '   * Cohort 2 (later lines): progressed after a third-generation EGFR TKI',
        '2. ECOG 0 or 1',
      ].join('\n'),
    );
    expect(f.cohorts).toEqual(['cohort 1', 'cohort 2']);
    expect(f.items.map((i) => i.labels)).toEqual([[], ['cohort 1'], ['cohort 2'], []]);
  });
});

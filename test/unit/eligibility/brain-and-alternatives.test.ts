/**
 * Brain-metastases wording and "one of the following" alternatives, each pinned by a short
 * hand-written sentence. Each test fails without the rule it names.
 */
import { describe, expect, it } from 'vitest';
import { extractFacts } from '#eligibility/extract.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { factsOf, makeStudy, ofKind } from '../../fixtures/eligibility/make-study.ts';

const fromText = (criteria: string): TrialFacts => extractFacts(makeStudy(criteria));
const facts = factsOf;
const brainStates = (f: TrialFacts) =>
  ofKind(f, 'brain_metastases').map((c) => [c.effect, [...c.states].sort()]);

describe('brain metastases', () => {
  it('reads "untreated symptomatic" as one case (active), "untreated or symptomatic" as two', () => {
    expect(brainStates(facts([], ['Untreated symptomatic brain metastases.']))).toEqual([
      ['forbid', ['active']],
    ]);
    expect(brainStates(facts([], ['Untreated or symptomatic brain metastases.']))).toEqual([
      ['forbid', ['active', 'untreated_asymptomatic']],
    ]);
  });

  it('reads "uncontrollable" as active, and "brain stem" as a site', () => {
    expect(brainStates(facts([], ['Uncontrollable brain metastases.']))).toEqual([
      ['forbid', ['active']],
    ]);
    expect(brainStates(facts([], ['Metastases located in the brain stem.']))).toEqual([]);
  });

  it('reads "cancerous meningitis" as leptomeningeal disease', () => {
    expect(brainStates(facts([], ['Active CNS metastases or cancerous meningitis.']))).toEqual([
      ['forbid', ['active', 'leptomeningeal']],
    ]);
  });

  it('lets a parenthesised "leptomeningeal" share the qualifier before it', () => {
    expect(
      brainStates(facts([], ['Symptomatic CNS disease (brain parenchymal or leptomeningeal).'])),
    ).toEqual([['forbid', ['active']]]);
    expect(
      brainStates(facts([], ['Known CNS lesions (brain metastases or leptomeningeal disease).'])),
    ).toContainEqual(['forbid', expect.arrayContaining(['leptomeningeal'])]);
  });

  it('does not exclude leptomeningeal disease an exclusion item allows', () => {
    expect(
      brainStates(
        facts(
          [],
          ['Symptomatic brain metastases. Leptomeningeal spread without symptoms is allowed.'],
        ),
      ),
    ).toEqual([['forbid', ['active']]]);
  });

  it('reads "leptomeningeal … not eligible" and "no ongoing symptoms" in a permission', () => {
    expect(
      brainStates(
        facts([
          'Brain metastases are eligible if there are no ongoing symptoms; leptomeningeal metastases are not eligible.',
        ]),
      ),
    ).toEqual([['forbid', ['active', 'leptomeningeal']]]);
  });

  it('does not read a newly diagnosed cancer as untreated brain metastases', () => {
    expect(
      brainStates(facts(['Advanced NSCLC with brain metastases, newly diagnosed or relapsed.'])),
    ).toEqual([
      ['require', ['active', 'leptomeningeal', 'treated_stable', 'untreated_asymptomatic']],
    ]);
  });
});

describe('"one of the following" alternatives', () => {
  it('leaves each alternative to discuss instead of requiring it', () => {
    const f = fromText(
      [
        'Inclusion Criteria:',
        '',
        '* Patients must have one of the following:',
        '  1. No brain metastases',
        '  2. Brain metastases that are untreated and asymptomatic',
        '',
        'Exclusion Criteria:',
        '',
        '* Pregnancy',
      ].join('\n'),
    );
    expect(ofKind(f, 'brain_metastases')).toEqual([]);
    expect(ofKind(f, 'unclassified').map((c) => c.evidence.quote)).toContain('No brain metastases');
  });
});

describe('stage settings', () => {
  const stageOf = (text: string) => ofKind(facts([text]), 'stage')[0];

  it('keeps "stage IV, not amenable to curative surgery" to the stage it names (a narrower, not wider, rule)', () => {
    expect(stageOf('Stage IV lung cancer, not amenable to curative surgery.')).toMatchObject({
      stages: expect.arrayContaining(['IVA', 'IVB']),
      settings: [],
    });
  });

  it('reads "locally advanced, unresectable, or metastatic" as advanced and unresectable stage III', () => {
    expect(stageOf('Unresectable locally advanced or metastatic disease.')?.settings).toEqual([
      'advanced',
      'locally_advanced_unresectable',
    ]);
  });
});

describe('"no actionable driver" umbrella', () => {
  const umbrellaOf = (f: TrialFacts) =>
    ofKind(f, 'biomarker').find((c) => c.knownOnly && c.anyOf.some((r) => r.gene === 'RET'));

  it('reads EGFR as the sensitising pair and exon 20 insertions, not the uncommon mutations', () => {
    const egfr = umbrellaOf(facts(['No known actionable oncogenic driver alteration.']))
      ?.anyOf.filter((r) => r.gene === 'EGFR')
      .map((r) => r.alteration);
    expect(egfr).toEqual(['exon19del', 'L858R', 'exon20ins']);
  });

  it('leaves out the drivers another item already names', () => {
    const f = facts([
      'No EGFR sensitising mutation and no ALK fusion.',
      'No known other actionable oncogenic driver alteration.',
    ]);
    const genes = umbrellaOf(f)?.anyOf.map(
      (r) => `${r.gene}${r.alteration ? `:${r.alteration}` : ''}`,
    );
    expect(genes).not.toContain('ALK');
    expect(genes).not.toContain('EGFR:L858R');
    expect(genes).toContain('EGFR:exon20ins');
    expect(genes).toContain('ROS1');
  });
});

describe('conditional biomarker exclusions', () => {
  it('does not forbid an alteration that excludes only together with a missing treatment', () => {
    const f = facts([], ['Documented ROS1 fusion and previously untreated with crizotinib.']);
    expect(ofKind(f, 'biomarker')).toEqual([]);
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
  });
});

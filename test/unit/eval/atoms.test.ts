import { describe, expect, it } from 'vitest';
import type { Criterion, Evidence, TrialFacts } from '#eligibility/facts.ts';
import { factsToAtoms, type Kind, normaliseAtom } from '../../../eval/atoms.ts';

const inc: Evidence = { quote: 'q', section: 'inclusion' };
const exc: Evidence = { quote: 'q', section: 'exclusion' };

const facts = (
  criteria: Criterion[],
  scope: TrialFacts['scope']['value'] = 'nsclc',
): TrialFacts => ({
  extractorVersion: 'test',
  scope: { value: scope },
  cohorts: [],
  criteria,
  targets: [],
});

const atomsOf = (c: Criterion[], kind: Kind) => [...factsToAtoms(facts(c))[kind]].sort();

describe('factsToAtoms', () => {
  it('always carries the scope, and a cohort that excludes NSCLC', () => {
    const a = factsToAtoms(
      facts(
        [{ kind: 'diagnosis', effect: 'forbid', evidence: exc, cohorts: ['part 1'] }],
        'basket',
      ),
    );
    expect([...a.scope].sort()).toEqual(['forbid:nsclc', 'scope:basket']);
    expect([...factsToAtoms(facts([])).scope]).toEqual(['scope:nsclc']);
  });

  it('ignores cohorts: criteria of two cohorts make one set', () => {
    const a = atomsOf(
      [
        {
          kind: 'biomarker',
          effect: 'require',
          evidence: inc,
          cohorts: ['cohort 1'],
          anyOf: [{ gene: 'EGFR', alteration: 'exon20ins' }],
        },
        {
          kind: 'biomarker',
          effect: 'require',
          evidence: inc,
          cohorts: ['cohort 2'],
          anyOf: [{ gene: 'ERBB2', alteration: 'exon20ins' }],
        },
      ],
      'biomarker',
    );
    expect(a).toEqual(['require:EGFR:exon20ins', 'require:ERBB2:exon20ins']);
  });

  it('keeps the sign and rule-2 knownOnly of biomarkers; fusion-only genes drop ":fusion"', () => {
    const a = atomsOf(
      [
        {
          kind: 'biomarker',
          effect: 'require',
          evidence: inc,
          anyOf: [
            { gene: 'EGFR', alteration: 'L858R' },
            { gene: 'EGFR', alteration: 'exon19del' },
          ],
        },
        {
          kind: 'biomarker',
          effect: 'forbid',
          evidence: exc,
          anyOf: [{ gene: 'EGFR', alteration: 'T790M' }],
        },
        {
          kind: 'biomarker',
          effect: 'forbid',
          evidence: exc,
          knownOnly: true,
          anyOf: [{ gene: 'ALK', alteration: 'fusion' }, { gene: 'ROS1' }],
        },
        {
          kind: 'biomarker',
          effect: 'require',
          evidence: inc,
          anyOf: [{ gene: 'MET', alteration: 'exon14_skipping' }],
        },
      ],
      'biomarker',
    );
    expect(a).toEqual([
      'forbid-known:ALK',
      'forbid-known:ROS1',
      'forbid:EGFR:T790M',
      'require:EGFR:L858R',
      'require:EGFR:exon19del',
      'require:MET:exon14_skipping',
    ]);
  });

  it('puts PD-L1 testing with PD-L1 and other testing with biomarkers', () => {
    const f = factsToAtoms(
      facts([
        { kind: 'biomarker_tested', effect: 'require', evidence: inc, genes: ['PD-L1', 'EGFR'] },
      ]),
    );
    expect([...f.pdl1]).toEqual(['tested:PD-L1']);
    expect([...f.biomarker]).toEqual(['tested:EGFR']);
  });

  it('writes PD-L1 ranges as allowed bounds, an excluded range as its complement', () => {
    expect(atomsOf([{ kind: 'pdl1', effect: 'require', evidence: inc, min: 50 }], 'pdl1')).toEqual([
      'pdl1:min:50',
    ]);
    expect(
      atomsOf(
        [{ kind: 'pdl1', effect: 'require', evidence: inc, max: 1, maxExclusive: true }],
        'pdl1',
      ),
    ).toEqual(['pdl1:max:<1']);
    expect(
      atomsOf([{ kind: 'pdl1', effect: 'require', evidence: inc, min: 1, max: 49 }], 'pdl1'),
    ).toEqual(['pdl1:max:49', 'pdl1:min:1']);
    // Exclusion "TPS ≥ 50%" = allowed < 50; exclusion "TPS < 1%" = allowed ≥ 1.
    expect(atomsOf([{ kind: 'pdl1', effect: 'forbid', evidence: exc, min: 50 }], 'pdl1')).toEqual([
      'pdl1:max:<50',
    ]);
    expect(
      atomsOf(
        [{ kind: 'pdl1', effect: 'forbid', evidence: exc, max: 1, maxExclusive: true }],
        'pdl1',
      ),
    ).toEqual(['pdl1:min:1']);
  });

  it('expands stage groups and reads "metastatic" as stage IV', () => {
    const a = atomsOf(
      [
        {
          kind: 'stage',
          effect: 'require',
          evidence: inc,
          stages: ['IIIB', 'IV'],
          settings: ['metastatic', 'advanced'],
        },
        { kind: 'stage', effect: 'forbid', evidence: exc, stages: ['I'], settings: ['resected'] },
      ],
      'stage',
    );
    expect(a).toEqual([
      'forbid:setting:resected',
      'forbid:stage:IA1',
      'forbid:stage:IA2',
      'forbid:stage:IA3',
      'forbid:stage:IB',
      'require:setting:advanced',
      'require:setting:recurrent',
      'require:stage:IIIB',
      'require:stage:IVA',
      'require:stage:IVB',
    ]);
  });

  it('reads "advanced" as met by stage IV or recurrence, so both spellings give one set', () => {
    const alone = atomsOf(
      [{ kind: 'stage', effect: 'require', evidence: inc, stages: [], settings: ['advanced'] }],
      'stage',
    );
    const spelledOut = atomsOf(
      [
        {
          kind: 'stage',
          effect: 'require',
          evidence: inc,
          stages: ['IV'],
          settings: ['advanced', 'metastatic', 'recurrent'],
        },
      ],
      'stage',
    );
    expect(alone).toEqual(spelledOut);
    expect(alone).toEqual([
      'require:setting:advanced',
      'require:setting:recurrent',
      'require:stage:IVA',
      'require:stage:IVB',
    ]);
  });

  it('writes a forbidden histology as the allowed complement', () => {
    const forbidSq = atomsOf(
      [{ kind: 'histology', effect: 'forbid', evidence: exc, histologies: ['squamous'] }],
      'histology',
    );
    const requireNonSq = atomsOf(
      [
        {
          kind: 'histology',
          effect: 'require',
          evidence: inc,
          histologies: ['adenocarcinoma', 'large_cell', 'nsclc_nos'],
        },
      ],
      'histology',
    );
    expect(forbidSq).toEqual(requireNonSq);
    expect(forbidSq).toEqual([
      'require:histology:adenocarcinoma',
      'require:histology:large_cell',
      'require:histology:nsclc_nos',
    ]);
  });

  it('converts prior therapy, naivety and line limits to one vocabulary', () => {
    const a = atomsOf(
      [
        {
          kind: 'prior_therapy',
          effect: 'require',
          evidence: inc,
          anyOf: [{ class: 'platinum_chemotherapy' }],
          progressed: true,
        },
        {
          kind: 'prior_therapy',
          effect: 'forbid',
          evidence: exc,
          anyOf: [{ class: 'egfr_tki' }, { drug: 'amivantamab' }],
        },
        { kind: 'prior_lines', effect: 'forbid', evidence: exc, min: 2 },
        { kind: 'prior_lines', effect: 'require', evidence: inc, min: 1, max: 3 },
      ],
      'prior_therapy',
    );
    expect(a).toEqual([
      'forbid:class:egfr_tki',
      'forbid:drug:amivantamab',
      'max_lines:1',
      'max_lines:3',
      'min_lines:1',
      'require:class:platinum_chemotherapy',
    ]);
    expect(
      atomsOf([{ kind: 'treatment_naive', effect: 'require', evidence: inc }], 'prior_therapy'),
    ).toEqual(['require:naive']);
    expect(
      atomsOf([{ kind: 'prior_lines', effect: 'require', evidence: inc, max: 0 }], 'prior_therapy'),
    ).toEqual(['require:naive']);
    expect(
      atomsOf([{ kind: 'treatment_naive', effect: 'forbid', evidence: exc }], 'prior_therapy'),
    ).toEqual(['min_lines:1']);
  });

  it('writes brain metastases as forbidden states, a requirement as its complement', () => {
    expect(
      atomsOf(
        [
          {
            kind: 'brain_metastases',
            effect: 'forbid',
            evidence: exc,
            states: ['active', 'leptomeningeal'],
          },
        ],
        'brain_metastases',
      ),
    ).toEqual(['forbid:brain:active', 'forbid:brain:leptomeningeal']);
    expect(
      atomsOf(
        [
          {
            kind: 'brain_metastases',
            effect: 'require',
            evidence: inc,
            states: ['treated_stable', 'untreated_asymptomatic', 'none'],
          },
        ],
        'brain_metastases',
      ),
    ).toEqual(['forbid:brain:active', 'forbid:brain:leptomeningeal']);
  });

  it('converts ECOG, age and sex; unclassified items give no atom', () => {
    const f = factsToAtoms(
      facts([
        { kind: 'ecog', effect: 'require', evidence: inc, max: 1, min: 0 },
        { kind: 'age', effect: 'require', evidence: inc, min: 18, max: 75 },
        { kind: 'sex', effect: 'require', evidence: inc, sex: 'female' },
        { kind: 'unclassified', effect: 'require', evidence: inc },
      ]),
    );
    expect([...f.ecog]).toEqual(['ecog_max:1']);
    expect([...f.age_sex].sort()).toEqual(['age_max:75', 'age_min:18', 'sex:female']);
    const total = Object.values(f).reduce((n, s) => n + s.size, 0);
    expect(total).toBe(5);
  });
});

describe('normaliseAtom', () => {
  it('expands coarse stages, leaves the rest', () => {
    expect(normaliseAtom('stage', 'require:stage:III')).toEqual([
      'require:stage:IIIA',
      'require:stage:IIIB',
      'require:stage:IIIC',
    ]);
    expect(normaliseAtom('stage', 'forbid:setting:metastatic')).toEqual([
      'forbid:stage:IVA',
      'forbid:stage:IVB',
    ]);
    expect(normaliseAtom('biomarker', 'require:NTRK1:fusion')).toEqual(['require:NTRK1']);
    expect(normaliseAtom('biomarker', 'require:MET:amplification')).toEqual([
      'require:MET:amplification',
    ]);
  });
});

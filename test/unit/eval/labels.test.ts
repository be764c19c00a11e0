import { describe, expect, it } from 'vitest';
import { KINDS, normaliseAtoms } from '../../../eval/atoms.ts';
import { isValidAtom, LabelError, loadLabels, parseLabel } from '../../../eval/labels.ts';

const labels = loadLabels();

describe('eval labels in the repo', () => {
  it('are at least 45 trials and 120 profile-verdict pairs, every file valid', () => {
    expect(labels.length).toBeGreaterThanOrEqual(45);
    const pairs = labels.reduce((n, l) => n + l.profiles.length, 0);
    expect(pairs).toBeGreaterThanOrEqual(120);
  });

  it('hold one label per NCT id', () => {
    const ids = labels.map((l) => l.nctId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('include every worked example of EXAMPLES.md', () => {
    const ids = new Set(labels.map((l) => l.nctId));
    for (const id of [
      'NCT06561386',
      'NCT06890598',
      'NCT05286957',
      'NCT05463224',
      'NCT02369484',
      'NCT04482309',
      'NCT05879978',
      'NCT06119581',
      'NCT05994131',
      'NCT07134413',
      'NCT05984277',
      'NCT02175381',
      'NCT06875310',
      'NCT03318939',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
    const fromExamples = labels
      .flatMap((l) => l.profiles)
      .filter((p) => p.source?.startsWith('EXAMPLES.md'));
    expect(fromExamples.length).toBe(30);
  });

  it('use all three verdicts in a realistic mix', () => {
    const counts = { eligible: 0, possible: 0, excluded: 0 };
    for (const l of labels) for (const p of l.profiles) counts[p.expected] += 1;
    for (const v of Object.values(counts)) expect(v).toBeGreaterThanOrEqual(20);
  });

  it('write atoms that are already canonical or normalise without loss', () => {
    for (const l of labels) {
      for (const k of KINDS) {
        expect(normaliseAtoms(k, l.facts[k]).size, `${l.nctId} ${k}`).toBeGreaterThanOrEqual(
          new Set(l.facts[k]).size,
        );
      }
    }
  });
});

const valid = {
  nctId: 'NCT00000001',
  facts: {
    scope: ['scope:nsclc'],
    histology: [],
    stage: ['require:stage:IV'],
    biomarker: ['require:EGFR:exon19del', 'forbid-known:ALK'],
    pdl1: ['pdl1:min:50'],
    prior_therapy: ['require:naive'],
    brain_metastases: ['forbid:brain:active'],
    ecog: ['ecog_max:1'],
    age_sex: ['age_min:18'],
  },
  quotes: { 'pdl1:min:50': 'PD-L1 TPS ≥ 50%' },
  profiles: [
    {
      profile: {
        diagnosis: { cancer: 'nsclc', stage: 'IVA' },
        biomarkers: [{ gene: 'EGFR', alteration: 'exon19del' }],
      },
      expected: 'possible',
      reason: 'Rule 1: PD-L1 unknown',
    },
  ],
};

const text = (x: unknown) => JSON.stringify(x);
const withFacts = (kind: string, atoms: string[]) => ({
  ...valid,
  facts: { ...valid.facts, [kind]: atoms },
});

describe('parseLabel', () => {
  it('accepts a well-formed label and fills defaults', () => {
    const l = parseLabel('NCT00000001.json', text(valid));
    expect(l.unsure).toEqual([]);
    expect(l.profiles[0]?.expected).toBe('possible');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    [
      'a misspelt atom',
      text(withFacts('biomarker', ['require:EGFR:exon19'])),
      /not a biomarker atom/,
    ],
    ['an atom of another kind', text(withFacts('ecog', ['age_min:18'])), /not a ecog atom/],
    ['a duplicate atom', text(withFacts('ecog', ['ecog_max:1', 'ecog_max:1'])), /duplicate/],
    ['two scopes', text(withFacts('scope', ['scope:nsclc', 'scope:basket'])), /exactly one scope/],
    [
      'a missing kind',
      text({ ...valid, facts: { ...valid.facts, pdl1: undefined } }),
      /facts\.pdl1/,
    ],
    [
      'an unknown verdict',
      text({ ...valid, profiles: [{ ...valid.profiles[0], expected: 'maybe' }] }),
      /expected/,
    ],
    [
      'an unknown profile field',
      text({
        ...valid,
        profiles: [{ ...valid.profiles[0], profile: { diagnosis: { cancer: 'nsclc' }, egfr: 1 } }],
      }),
      /profile/,
    ],
    [
      'an alteration of another gene',
      text({
        ...valid,
        profiles: [
          {
            ...valid.profiles[0],
            profile: {
              diagnosis: { cancer: 'nsclc' },
              biomarkers: [{ gene: 'KRAS', alteration: 'L858R' }],
            },
          },
        ],
      }),
      /not one of KRAS/,
    ],
    [
      'a quote longer than 200 characters',
      text({ ...valid, quotes: { 'pdl1:min:50': 'x'.repeat(201) } }),
      /quotes/,
    ],
    [
      'a quote for an atom not labelled',
      text({ ...valid, quotes: { 'pdl1:min:1': 'PD-L1 ≥ 1%' } }),
      /not in facts/,
    ],
    ['no profiles', text({ ...valid, profiles: [] }), /profiles/],
  ])('fails loudly on %s', (_what, body, message) => {
    expect(() => parseLabel('NCT00000001.json', body)).toThrow(LabelError);
    expect(() => parseLabel('NCT00000001.json', body)).toThrow(message);
  });

  it('names the file and requires it to match the NCT id', () => {
    expect(() => parseLabel('NCT99999999.json', text(valid))).toThrow(
      /NCT99999999\.json.*file name must be NCT00000001\.json/,
    );
  });
});

describe('isValidAtom', () => {
  it.each([
    ['stage', 'require:setting:locally_advanced_unresectable', true],
    ['stage', 'require:setting:curative', false],
    ['biomarker', 'forbid:ERBB2:overexpression', true],
    ['biomarker', 'forbid:HER2:overexpression', false],
    ['biomarker', 'tested:EGFR', true],
    ['pdl1', 'pdl1:max:<1', true],
    ['pdl1', 'pdl1:max:>1', false],
    ['prior_therapy', 'forbid:class:egfr_tki_3rd_gen', true],
    ['prior_therapy', 'require:drug:Osimertinib', false],
    ['brain_metastases', 'forbid:brain:none', true],
  ] as const)('%s %s → %s', (kind, atom, ok) => {
    expect(isValidAtom(kind, atom)).toBe(ok);
  });
});

/** PROFILE.md's rules of interpretation, one criterion at a time, with hand-written facts. */
import { describe, expect, it } from 'vitest';
import type { Criterion } from '#eligibility/facts.ts';
import { criterionStatus, prepareProfile } from '#matching/evaluate.ts';
import { parseMatchRequest } from '#matching/profile.ts';
import { forbid, req } from '../../fixtures/matching/builders.ts';

function status(c: Criterion, body: Record<string, unknown>) {
  const parsed = parseMatchRequest({ diagnosis: { cancer: 'nsclc' }, ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return criterionStatus(c, prepareProfile(parsed.request.profile));
}
const dx = (d: Record<string, unknown>) => ({ diagnosis: { cancer: 'nsclc', ...d } });

describe('rule 1: unknown never excludes', () => {
  it.each([
    [req({ kind: 'ecog', max: 1 }), {}],
    [req({ kind: 'age', min: 18 }), {}],
    [req({ kind: 'sex', sex: 'female' }), {}],
    [req({ kind: 'histology', histologies: ['squamous'] }), {}],
    [req({ kind: 'pdl1', min: 50 }), {}],
    [forbid({ kind: 'brain_metastases', states: ['active'] }), {}],
    [req({ kind: 'treatment_naive' }), {}],
    [forbid({ kind: 'prior_therapy', anyOf: [{ class: 'egfr_tki' }] }), {}],
    [req({ kind: 'biomarker', anyOf: [{ gene: 'EGFR' }] }), {}],
    [forbid({ kind: 'biomarker', anyOf: [{ gene: 'EGFR' }] }), {}],
    [req({ kind: 'biomarker_tested', genes: ['EGFR'] }), {}],
    [req({ kind: 'stage', stages: ['IVA'], settings: [] }), {}],
  ] as const)('%# %o with the field left out → unknown', (c, body) => {
    expect(status(c, body)).toBe('unknown');
  });
  it('a stated value decides: ECOG 2 conflicts with ≤ 1, ECOG 1 meets it', () => {
    expect(status(req({ kind: 'ecog', max: 1 }), { ecog: 2 })).toBe('not_met');
    expect(status(req({ kind: 'ecog', max: 1 }), { ecog: 1 })).toBe('met');
  });
});

describe('rule 2: "known" means stated', () => {
  const known = forbid({
    kind: 'biomarker',
    anyOf: [{ gene: 'EGFR' }, { gene: 'ALK' }],
    knownOnly: true,
  });
  it('an unstated gene satisfies "no known EGFR or ALK alteration"', () => {
    expect(status(known, {})).toBe('met');
    expect(status(known, { biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }] })).toBe('met');
  });
  it('a stated alteration meets the exclusion', () => {
    expect(status(known, { biomarkers: [{ gene: 'ALK', alteration: 'EML4-ALK' }] })).toBe(
      'not_met',
    );
  });
});

describe('a requirement for a documented alteration', () => {
  const documented = req({
    kind: 'biomarker',
    anyOf: [{ gene: 'ERBB2', alteration: 'exon20ins' }],
    knownOnly: true,
  });
  it('is not met by a biomarker list that leaves it out (EXAMPLES.md 14B)', () => {
    expect(status(documented, { biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }] })).toBe(
      'not_met',
    );
  });
  it('stays unknown when the profile gives no biomarkers at all (rule 1)', () => {
    expect(status(documented, {})).toBe('unknown');
  });
  it('is met when stated', () => {
    expect(status(documented, { biomarkers: [{ gene: 'HER2', alteration: 'exon20ins' }] })).toBe(
      'met',
    );
  });
});

describe('acquired EGFR resistance mutations sit beside the founding one', () => {
  const t790m = req({ kind: 'biomarker', anyOf: [{ gene: 'EGFR', alteration: 'T790M' }] });
  it('L858R alone leaves a T790M requirement unknown, not conflicting', () => {
    expect(status(t790m, { biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }] })).toBe('unknown');
  });
  it('a stated T790M-negative conflicts', () => {
    expect(
      status(t790m, {
        biomarkers: [
          { gene: 'EGFR', alteration: 'L858R' },
          { gene: 'EGFR', alteration: 'T790M', status: 'negative' },
        ],
      }),
    ).toBe('not_met');
  });
});

describe('rule 3: unqualified gene criteria need the gene', () => {
  const excl = forbid({ kind: 'biomarker', anyOf: [{ gene: 'EGFR' }, { gene: 'ALK' }] });
  it('another driver leaves an EGFR/ALK exclusion unknown', () => {
    expect(status(excl, { biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }] })).toBe('unknown');
  });
  it('stated negatives satisfy it', () => {
    expect(
      status(excl, {
        biomarkers: [
          { gene: 'EGFR', status: 'negative' },
          { gene: 'ALK', status: 'negative' },
        ],
      }),
    ).toBe('met');
  });
  it('a requirement for a gene the profile does not mention is unknown', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'MET', alteration: 'exon14_skipping' }] });
    expect(status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }] })).toBe('unknown');
  });
});

describe('rule 4: same gene, other alteration conflicts', () => {
  it('KRAS G12C does not meet KRAS G12D', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'KRAS', alteration: 'G12D' }] });
    expect(status(r, { biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }] })).toBe('not_met');
  });
  it('EGFR exon20ins does not meet "exon 19 deletion or L858R"', () => {
    const r = req({
      kind: 'biomarker',
      anyOf: [
        { gene: 'EGFR', alteration: 'exon19del' },
        { gene: 'EGFR', alteration: 'L858R' },
      ],
    });
    expect(status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'exon20ins' }] })).toBe('not_met');
    expect(status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'p.Leu858Arg' }] })).toBe('met');
  });
  it('"HER2-positive, kind not known" leaves a specific alteration unknown', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'ERBB2', alteration: 'mutation' }] });
    expect(status(r, { biomarkers: [{ gene: 'HER2', status: 'positive' }] })).toBe('unknown');
  });
  it('a negative for the very alteration conflicts; a negative for another one does not decide', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'EGFR', alteration: 'T790M' }] });
    expect(
      status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'T790M', status: 'negative' }] }),
    ).toBe('not_met');
    expect(
      status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'C797S', status: 'negative' }] }),
    ).toBe('unknown');
  });
});

describe('rule 5: umbrella terms are groups', () => {
  it('"EGFR-mutant" (any alteration) is met by exon20ins', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'EGFR' }] });
    expect(status(r, { biomarkers: [{ gene: 'EGFR', alteration: 'exon20ins' }] })).toBe('met');
  });
  it('HER2 amplification is not a HER2 mutation', () => {
    const r = req({ kind: 'biomarker', anyOf: [{ gene: 'ERBB2', alteration: 'mutation' }] });
    expect(status(r, { biomarkers: [{ gene: 'HER2', alteration: 'amplification' }] })).toBe(
      'not_met',
    );
  });
});

describe('rule 6: the section (effect) decides the sign', () => {
  const excl = forbid({ kind: 'biomarker', anyOf: [{ gene: 'EGFR', alteration: 'L858R' }] });
  it('a biomarker named under exclusion excludes those who have it', () => {
    expect(status(excl, { biomarkers: [{ gene: 'EGFR', alteration: 'L858R' }] })).toBe('not_met');
  });
  it('and is met by those without it', () => {
    expect(status(excl, { biomarkers: [{ gene: 'EGFR', status: 'negative' }] })).toBe('met');
  });
});

describe('rule 8: prior therapy', () => {
  const noTki = forbid({ kind: 'prior_therapy', anyOf: [{ class: 'egfr_tki' }] });
  it('the list is complete: a class not listed was not given', () => {
    expect(status(noTki, { priorTherapies: [{ drug: 'carboplatin', line: 1 }] })).toBe('met');
    expect(status(noTki, { priorTherapies: [] })).toBe('met');
  });
  it('a drug implies its classes (Tagrisso → osimertinib → 3rd-gen EGFR TKI → EGFR TKI)', () => {
    const third = req({ kind: 'prior_therapy', anyOf: [{ class: 'egfr_tki_3rd_gen' }] });
    expect(status(third, { priorTherapies: [{ drug: 'Tagrisso' }] })).toBe('met');
    expect(status(noTki, { priorTherapies: [{ drug: 'AZD9291' }] })).toBe('not_met');
    expect(status(third, { priorTherapies: [{ drug: 'gefitinib' }] })).toBe('not_met');
  });
  it('a class given directly implies its parents', () => {
    const chemo = req({ kind: 'prior_therapy', anyOf: [{ class: 'chemotherapy' }] });
    expect(status(chemo, { priorTherapies: [{ class: 'platinum_chemotherapy' }] })).toBe('met');
  });
  it('a class does not tell which drug: "no prior osimertinib" is unknown for "an EGFR TKI"', () => {
    const noOsi = forbid({ kind: 'prior_therapy', anyOf: [{ drug: 'osimertinib' }] });
    expect(status(noOsi, { priorTherapies: [{ class: 'egfr_tki' }] })).toBe('unknown');
    expect(status(noOsi, { priorTherapies: [{ class: 'taxane' }] })).toBe('met');
  });
  it('an unrecognised drug leaves class criteria unknown but matches its own name', () => {
    expect(status(noTki, { priorTherapies: [{ drug: 'XYZ-1234' }] })).toBe('unknown');
    const named = forbid({ kind: 'prior_therapy', anyOf: [{ drug: 'xyz-1234' }] });
    expect(status(named, { priorTherapies: [{ drug: 'XYZ-1234' }] })).toBe('not_met');
  });
  it('"for advanced disease" is not met by adjuvant use; "in any setting" is', () => {
    const adv = req({
      kind: 'prior_therapy',
      anyOf: [{ class: 'platinum_chemotherapy' }],
      settings: 'advanced',
    });
    expect(status(adv, { priorTherapies: [{ drug: 'cisplatin', setting: 'adjuvant' }] })).toBe(
      'not_met',
    );
    expect(status(adv, { priorTherapies: [{ drug: 'cisplatin', line: 1 }] })).toBe('met');
    expect(status(adv, { priorTherapies: [{ drug: 'cisplatin' }] })).toBe('unknown');
    const any = forbid({ kind: 'prior_therapy', anyOf: [{ class: 'kras_g12c_inhibitor' }] });
    expect(status(any, { priorTherapies: [{ drug: 'sotorasib', setting: 'neoadjuvant' }] })).toBe(
      'not_met',
    );
  });
  it('"progressed on" needs progression', () => {
    const prog = req({
      kind: 'prior_therapy',
      anyOf: [{ class: 'anti_pd1_pdl1' }],
      progressed: true,
    });
    expect(
      status(prog, { priorTherapies: [{ drug: 'Keytruda', line: 1, progressed: true }] }),
    ).toBe('met');
    expect(
      status(prog, { priorTherapies: [{ drug: 'Keytruda', line: 1, progressed: false }] }),
    ).toBe('not_met');
    expect(status(prog, { priorTherapies: [{ drug: 'Keytruda', line: 1 }] })).toBe('unknown');
  });
  it('lines come from `line`: drugs sharing a line are one regimen', () => {
    const max1 = forbid({ kind: 'prior_lines', min: 2 });
    const oneLine = [
      { drug: 'pembrolizumab', line: 1 },
      { drug: 'carboplatin', line: 1 },
      { drug: 'pemetrexed', line: 1 },
    ];
    expect(status(max1, { priorTherapies: oneLine })).toBe('met');
    expect(status(max1, { priorTherapies: [...oneLine, { drug: 'docetaxel', line: 2 }] })).toBe(
      'not_met',
    );
  });
  it('without `line` the number of lines is unknown', () => {
    const atLeast1 = req({ kind: 'prior_lines', min: 1 });
    const max1 = req({ kind: 'prior_lines', max: 1 });
    const unnumbered = { priorTherapies: [{ drug: 'carboplatin', setting: 'metastatic' }] };
    expect(status(atLeast1, unnumbered)).toBe('met');
    expect(status(max1, unnumbered)).toBe('unknown');
    expect(status(max1, { priorTherapies: [{ drug: 'carboplatin' }] })).toBe('unknown');
    expect(status(max1, {})).toBe('unknown');
  });
  it('adjuvant treatment counts as a line only where the trial says so', () => {
    const adjuvant = {
      priorTherapies: [{ drug: 'cisplatin', setting: 'adjuvant' }, { class: 'surgery' }],
    };
    expect(status(req({ kind: 'prior_lines', min: 1 }), adjuvant)).toBe('not_met');
    expect(status(req({ kind: 'prior_lines', min: 1, countsPerioperative: true }), adjuvant)).toBe(
      'met',
    );
    expect(status(req({ kind: 'treatment_naive' }), adjuvant)).toBe('met');
    expect(status(req({ kind: 'treatment_naive', includesPerioperative: true }), adjuvant)).toBe(
      'not_met',
    );
  });
  it('surgery and radiotherapy are not systemic lines; an empty list is treatment-naive', () => {
    expect(
      status(req({ kind: 'treatment_naive' }), {
        priorTherapies: [{ class: 'surgery' }, { class: 'radiotherapy' }],
      }),
    ).toBe('met');
    expect(status(req({ kind: 'treatment_naive' }), { priorTherapies: [] })).toBe('met');
    expect(
      status(req({ kind: 'treatment_naive' }), {
        priorTherapies: [{ drug: 'osimertinib', line: 1 }],
      }),
    ).toBe('not_met');
  });
});

describe('rule 9: brain metastases', () => {
  const noActive = forbid({ kind: 'brain_metastases', states: ['active', 'leptomeningeal'] });
  const blanket = forbid({
    kind: 'brain_metastases',
    states: ['treated_stable', 'untreated_asymptomatic', 'active', 'leptomeningeal'],
  });
  const treatedOk = req({ kind: 'brain_metastases', states: ['none', 'treated_stable'] });
  it('active conflicts with exclusions of active ones and with "treated and stable" requirements', () => {
    expect(status(noActive, { brainMetastases: 'active' })).toBe('not_met');
    expect(status(treatedOk, { brainMetastases: 'active' })).toBe('not_met');
  });
  it('treated_stable meets "treated and stable" and passes an active-only exclusion', () => {
    expect(status(treatedOk, { brainMetastases: 'treated_stable' })).toBe('met');
    expect(status(noActive, { brainMetastases: 'treated_stable' })).toBe('met');
  });
  it('a blanket CNS exclusion counts treated, stable ones; none passes', () => {
    expect(status(blanket, { brainMetastases: 'treated_stable' })).toBe('not_met');
    expect(status(blanket, { brainMetastases: 'none' })).toBe('met');
  });
});

describe('rule 10: stage and setting', () => {
  const metastatic = req({ kind: 'stage', stages: [], settings: ['metastatic'] });
  const advanced = req({ kind: 'stage', stages: [], settings: ['advanced'] });
  const unresectable = req({
    kind: 'stage',
    stages: [],
    settings: ['locally_advanced_unresectable'],
  });
  const early = req({ kind: 'stage', stages: [], settings: ['early'] });
  const resected = req({ kind: 'stage', stages: [], settings: ['resected'] });
  it('"metastatic" = IV', () => {
    expect(status(metastatic, dx({ stage: 'IVB' }))).toBe('met');
    expect(status(metastatic, dx({ stage: 'IV' }))).toBe('met');
    expect(status(metastatic, dx({ stage: 'IIIA' }))).toBe('not_met');
  });
  it('"advanced": IV or recurrent meet it, I–II conflict, III is unknown', () => {
    expect(status(advanced, dx({ stage: 'IVA' }))).toBe('met');
    expect(status(advanced, dx({ stage: 'IIA', recurrent: true }))).toBe('met');
    expect(status(advanced, dx({ stage: 'IB' }))).toBe('not_met');
    expect(status(advanced, dx({ stage: 'II' }))).toBe('not_met');
    expect(status(advanced, dx({ stage: 'IIIB' }))).toBe('unknown');
  });
  it('"unresectable stage III" is unknown for III unless resected', () => {
    expect(status(unresectable, dx({ stage: 'IIIA' }))).toBe('unknown');
    expect(status(unresectable, dx({ stage: 'IIIA', resected: true }))).toBe('not_met');
    expect(status(unresectable, dx({ stage: 'IVA' }))).toBe('not_met');
  });
  it('a stage named explicitly is met by that stage; a coarse profile stage may be unknown', () => {
    const iiib = req({ kind: 'stage', stages: ['IIIB'], settings: [] });
    expect(status(iiib, dx({ stage: 'IIIB' }))).toBe('met');
    expect(status(iiib, dx({ stage: 'IIIA' }))).toBe('not_met');
    expect(status(iiib, dx({ stage: 'III' }))).toBe('unknown');
    expect(
      status(req({ kind: 'stage', stages: ['III'], settings: [] }), dx({ stage: 'IIIC' })),
    ).toBe('met');
  });
  it('early-stage and resected trials conflict with stage IV', () => {
    expect(status(early, dx({ stage: 'IVA' }))).toBe('not_met');
    expect(status(resected, dx({ stage: 'IVA' }))).toBe('not_met');
    expect(status(resected, dx({ stage: 'IIB', resected: true }))).toBe('met');
    expect(status(early, dx({ stage: 'IB' }))).toBe('met');
  });
  it('alternatives: "stage IIIB–IV or recurrent" is met by recurrence', () => {
    const alt = req({
      kind: 'stage',
      stages: ['IIIB', 'IIIC', 'IVA', 'IVB'],
      settings: ['recurrent'],
    });
    expect(status(alt, dx({ stage: 'IIA', recurrent: true }))).toBe('met');
    expect(status(alt, dx({ stage: 'IIA', recurrent: false }))).toBe('not_met');
  });
});

describe('histology, PD-L1, TMB, age, sex', () => {
  const nonSq = req({
    kind: 'histology',
    histologies: ['adenocarcinoma', 'large_cell', 'nsclc_nos'],
  });
  it('non_squamous meets a non-squamous requirement; squamous conflicts', () => {
    expect(status(nonSq, dx({ histology: 'non_squamous' }))).toBe('met');
    expect(status(nonSq, dx({ histology: 'squamous' }))).toBe('not_met');
    expect(
      status(
        req({ kind: 'histology', histologies: ['adenocarcinoma'] }),
        dx({ histology: 'non_squamous' }),
      ),
    ).toBe('unknown');
  });
  it('PD-L1 thresholds, exclusive bounds and "negative"/"positive" without a TPS', () => {
    const high = req({ kind: 'pdl1', min: 50 });
    const neg = req({ kind: 'pdl1', max: 1, maxExclusive: true });
    expect(status(high, { biomarkers: [{ gene: 'PD-L1', tps: 50 }] })).toBe('met');
    expect(status(high, { biomarkers: [{ gene: 'PD-L1', tps: 49 }] })).toBe('not_met');
    expect(status(neg, { biomarkers: [{ gene: 'PD-L1', tps: 1 }] })).toBe('not_met');
    expect(status(neg, { biomarkers: [{ gene: 'PD-L1', tps: 0 }] })).toBe('met');
    expect(status(neg, { biomarkers: [{ gene: 'PD-L1', status: 'negative' }] })).toBe('met');
    expect(status(high, { biomarkers: [{ gene: 'PD-L1', status: 'positive' }] })).toBe('unknown');
    expect(status(neg, { biomarkers: [{ gene: 'PD-L1', status: 'positive' }] })).toBe('not_met');
  });
  it('TMB', () => {
    expect(
      status(req({ kind: 'tmb', min: 10 }), { biomarkers: [{ gene: 'TMB', value: 12 }] }),
    ).toBe('met');
    expect(status(req({ kind: 'tmb', min: 10 }), { biomarkers: [{ gene: 'TMB', value: 4 }] })).toBe(
      'not_met',
    );
  });
  it('age and sex', () => {
    expect(status(req({ kind: 'age', min: 18, max: 75 }), { age: 75 })).toBe('met');
    expect(status(req({ kind: 'age', min: 18, max: 75 }), { age: 76 })).toBe('not_met');
    expect(status(req({ kind: 'sex', sex: 'female' }), { sex: 'male' })).toBe('not_met');
    expect(status(forbid({ kind: 'sex', sex: 'female' }), { sex: 'male' })).toBe('met');
  });
  it('biomarker_tested is met by a stated result, positive or negative', () => {
    const tested = req({ kind: 'biomarker_tested', genes: ['PD-L1'] });
    expect(status(tested, { biomarkers: [{ gene: 'PD-L1', tps: 0 }] })).toBe('met');
  });
});

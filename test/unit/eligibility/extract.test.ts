import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTRACTOR_VERSION, extractFacts } from '#eligibility/extract.ts';
import { factsOf, makeStudy, ofKind } from '../../fixtures/eligibility/make-study.ts';
import { FIXTURES_DIR } from '../../support/shared-data.ts';

const facts = factsOf;

describe('extractFacts: shape', () => {
  it('stamps the version, keeps quotes unescaped and sections', () => {
    const f = facts(['PD-L1 TPS \\<1%'], ['Known EGFR mutation']);
    expect(f.extractorVersion).toBe(EXTRACTOR_VERSION);
    const pdl1 = ofKind(f, 'pdl1')[0];
    expect(pdl1?.evidence).toEqual({ quote: 'PD-L1 TPS <1%', section: 'inclusion' });
    expect(pdl1).toMatchObject({ effect: 'require', max: 1, maxExclusive: true });
  });

  it('makes an item it cannot read unclassified, never a guess', () => {
    const f = facts(['Adequate bone marrow function'], ['Pregnant or breastfeeding']);
    expect(f.criteria.map((c) => [c.kind, c.evidence.section])).toEqual([
      ['unclassified', 'inclusion'],
      ['unclassified', 'exclusion'],
    ]);
  });

  it('reads age and sex from the structured fields', () => {
    const f = facts([], [], { minimumAge: '18 Years', maximumAge: '75 Years', sex: 'FEMALE' });
    expect(ofKind(f, 'age')[0]).toMatchObject({ min: 18, max: 75 });
    expect(ofKind(f, 'sex')[0]).toMatchObject({ sex: 'female', effect: 'require' });
    const open = facts([], [], { minimumAge: '18 Years', maximumAge: '120 Years' });
    expect(ofKind(open, 'age')[0]).toEqual(expect.objectContaining({ min: 18 }));
    expect(ofKind(open, 'age')[0]?.max).toBeUndefined();
  });
});

describe('biomarkers', () => {
  it('lists named EGFR alterations, never exon 20 (rule 4)', () => {
    const b = ofKind(facts(['Confirmed EGFR mutations (exon 19 deletion, L858R)']), 'biomarker')[0];
    expect(b).toMatchObject({ effect: 'require' });
    expect(b?.anyOf).toEqual([
      { gene: 'EGFR', alteration: 'exon19del' },
      { gene: 'EGFR', alteration: 'L858R' },
    ]);
  });

  it('expands "sensitizing" to exon19del and L858R (rule 5)', () => {
    const b = ofKind(
      facts([], ['Harboring EGFR sensitizing mutation or ALK gene translocation']),
      'biomarker',
    )[0];
    expect(b).toMatchObject({ effect: 'forbid' });
    expect(b?.knownOnly).toBeFalsy();
    expect(b?.anyOf).toEqual([
      { gene: 'EGFR', alteration: 'exon19del' },
      { gene: 'EGFR', alteration: 'L858R' },
      { gene: 'ALK' },
    ]);
  });

  it('marks "known" exclusions knownOnly (rule 2)', () => {
    const b = ofKind(facts([], ['Have known changes in the EGFR or ALK genes.']), 'biomarker')[0];
    expect(b).toMatchObject({
      effect: 'forbid',
      knownOnly: true,
      anyOf: [{ gene: 'EGFR' }, { gene: 'ALK' }],
    });
  });

  it('reads "absence of" under inclusion as a forbid that needs a stated negative', () => {
    const b = ofKind(
      facts(['Absence of sensitizing EGFR mutations and ALK and ROS1 rearrangements.']),
      'biomarker',
    )[0];
    expect(b).toMatchObject({ effect: 'forbid' });
    expect(b?.knownOnly).toBeFalsy();
    expect(b?.anyOf.map((r) => r.gene)).toEqual(['EGFR', 'EGFR', 'ALK', 'ROS1']);
  });

  it('reads "EGFR/ALK wild-type" as a forbid of EGFR-sensitizing and ALK', () => {
    const b = ofKind(facts(['EGFR and ALK wild-type non-squamous NSCLC']), 'biomarker')[0];
    expect(b).toMatchObject({ effect: 'forbid' });
    expect(b?.anyOf).toEqual([
      { gene: 'EGFR', alteration: 'exon19del' },
      { gene: 'EGFR', alteration: 'L858R' },
      { gene: 'ALK' },
    ]);
  });

  it('marks a required alteration that must be documented as knownOnly', () => {
    const doc = ofKind(facts(['Documented HER2 exon 20 insertion mutation']), 'biomarker')[0];
    expect(doc?.effect).toBe('require');
    expect(doc?.knownOnly).toBe(true);
    const plain = ofKind(facts(['EGFR exon 20 insertion mutation']), 'biomarker')[0];
    expect(plain?.knownOnly).toBeFalsy();
  });

  it('tells HER2 mutation from HER2 IHC/amplification', () => {
    const mut = ofKind(facts(['Locally documented HER2 mutation']), 'biomarker')[0];
    expect(mut?.anyOf).toEqual([
      { gene: 'ERBB2', alteration: 'mutation' },
      { gene: 'ERBB2', alteration: 'exon20ins' },
    ]);
    const ihc = ofKind(facts(['Solid tumours that are HER2 IHC 3+']), 'biomarker')[0];
    expect(ihc?.anyOf).toEqual([{ gene: 'ERBB2', alteration: 'overexpression' }]);
    const pos = ofKind(facts(['HER2-positive disease']), 'biomarker')[0];
    expect(pos?.anyOf.map((r) => r.alteration).sort()).toEqual(['amplification', 'overexpression']);
  });

  it('does not read a drug class as a biomarker', () => {
    const f = facts(
      [],
      [
        'Treatment targeting KRAS G12C mutation (eg, sotorasib, adagrasib) in any setting.',
        'Previous treatment with any other EGFR or HER2 exon 20 insertion mutation-selective tyrosine kinase inhibitor (TKI)',
        'Previously treatment with any kind of EGFR TKI (Previously chemotherapy treated patients is allowed)',
      ],
    );
    expect(ofKind(f, 'biomarker')).toEqual([]);
    expect(ofKind(f, 'prior_therapy').map((c) => c.anyOf)).toEqual([
      [{ class: 'kras_g12c_inhibitor' }],
      [{ class: 'egfr_tki' }],
    ]);
  });

  it('names "no actionable genomic alteration" as the first-line actionable group', () => {
    const b = ofKind(facts(['No known actionable genomic alteration']), 'biomarker')[0];
    expect(b).toMatchObject({ effect: 'forbid', knownOnly: true });
    expect(b?.anyOf).toEqual(
      expect.arrayContaining([{ gene: 'ALK' }, { gene: 'BRAF', alteration: 'V600E' }]),
    );
    expect(b?.anyOf).not.toContainEqual({ gene: 'KRAS' });
  });

  it('turns "unknown status are excluded" into a testing requirement', () => {
    const f = facts([], ['Participants with unknown EGFR, ALK, or ROS-1 status are excluded.']);
    expect(ofKind(f, 'biomarker_tested')[0]).toMatchObject({
      effect: 'require',
      genes: ['EGFR', 'ALK', 'ROS1'],
    });
  });

  it('ignores tissue-availability items and co-mutations that are merely allowed', () => {
    const f = facts([
      'Tumour block available for central review of HER2 mutation status.',
      'Coexisting with other EGFR mutation types such as T790M can be allowed.',
    ]);
    expect(ofKind(f, 'biomarker')).toEqual([]);
  });
});

describe('PD-L1 and TMB', () => {
  it.each([
    ['PD-L1 TPS ≥ 50%', { min: 50 }],
    ['PD-L1 expression ≥1%', { min: 1 }],
    ['PD-L1 tumor proportion score of 1-49%', { min: 1, max: 49 }],
    ['PD-L1 negative', { max: 1, maxExclusive: true }],
    ['PD-L1 TPS less than 50%', { max: 50, maxExclusive: true }],
  ])('%s', (text, bounds) => {
    expect(ofKind(facts([text]), 'pdl1')[0]).toMatchObject({ effect: 'require', ...bounds });
  });

  it('reads a part-scoped threshold nested under the PD-L1 item', () => {
    const f = extractFacts(
      makeStudy(
        'Inclusion Criteria:\n\n* Must have known programmed death-ligand 1 (PD-L1) expression\n\n  * Part A: Greater than or equal to (≥)50 percent (%).\n  * Part B: 0% to 100%.\n',
      ),
    );
    expect(f.cohorts).toEqual(['part a', 'part b']);
    expect(ofKind(f, 'biomarker_tested')[0]).toMatchObject({ genes: ['PD-L1'] });
    expect(ofKind(f, 'pdl1')[0]).toMatchObject({ cohorts: ['part a'], min: 50 });
  });

  it('reads TMB-high', () => {
    expect(ofKind(facts(['TMB ≥ 10 mut/Mb']), 'tmb')[0]).toMatchObject({ min: 10 });
  });
});

describe('stage and histology', () => {
  it('keeps explicit AJCC groups', () => {
    const s = ofKind(
      facts([
        'Histologically confirmed NSCLC with Stage IIIB-IIIC or Stage IV disease, not suitable for curative intent surgery',
      ]),
      'stage',
    )[0];
    expect(s?.stages).toEqual(['IIIB', 'IIIC', 'IVA', 'IVB', 'IV']);
  });

  it('reads "locally advanced or metastatic" as advanced', () => {
    expect(
      ofKind(facts(['Locally advanced or metastatic disease.']), 'stage')[0]?.settings,
    ).toEqual(['advanced']);
    expect(ofKind(facts(['Metastatic NSCLC']), 'stage')[0]?.settings).toEqual(['metastatic']);
  });

  it('reads "Clinical Stage III, unresectable" as a setting, not a stage', () => {
    const s = ofKind(
      facts([
        'Part B - Clinical Stage III, unresectable NSCLC, without progression on chemoradiotherapy.',
      ]),
      'stage',
    )[0];
    expect(s).toMatchObject({
      stages: [],
      settings: ['locally_advanced_unresectable'],
      cohorts: ['part b'],
    });
  });

  it('reads roman numerals written as unicode and "stage is"', () => {
    expect(ofKind(facts(['Resected stage ⅠA2-Ⅱ NSCLC']), 'stage')[0]?.stages).toEqual([
      'IA2',
      'IA3',
      'IB',
      'IIA',
      'IIB',
      'II',
    ]);
    expect(ofKind(facts(['Postoperative stage is IIA, IIB or IIIA']), 'stage')[0]?.stages).toEqual([
      'IIA',
      'IIB',
      'IIIA',
      'II',
    ]);
  });

  it('non-squamous = adenocarcinoma, large cell, NOS; squamous exclusion is a forbid', () => {
    expect(ofKind(facts(['Non-squamous NSCLC']), 'histology')[0]?.histologies).toEqual([
      'adenocarcinoma',
      'large_cell',
      'nsclc_nos',
    ]);
    expect(
      ofKind(facts(['Non-predominant squamous subtype (<50% squamous cells).']), 'histology')[0]
        ?.histologies,
    ).toEqual(['adenocarcinoma', 'large_cell', 'nsclc_nos']);
    expect(
      ofKind(facts([], ['Have predominantly squamous cell histology for NSCLC']), 'histology')[0],
    ).toMatchObject({
      effect: 'forbid',
      histologies: ['squamous'],
    });
    expect(
      ofKind(
        facts([], ['Other malignancy except squamous cell carcinoma of the skin']),
        'histology',
      ),
    ).toEqual([]);
  });
});

describe('prior therapy', () => {
  it('requires progression on a class and splits "and" into two requirements', () => {
    const f = facts([
      'Subjects failed in third-generation EGFR-TKI treatment and also failed in or were intolerant to 1-2 lines of chemotherapy.',
    ]);
    const p = ofKind(f, 'prior_therapy');
    expect(p).toHaveLength(2);
    expect(p[0]).toMatchObject({
      effect: 'require',
      anyOf: [{ class: 'egfr_tki_3rd_gen' }],
      progressed: true,
    });
    expect(p[1]).toMatchObject({ effect: 'require', anyOf: [{ class: 'chemotherapy' }] });
    expect(p[1]?.progressed).toBeUndefined();
  });

  it('does not require the partner of a combination', () => {
    const p = ofKind(
      facts([
        'Disease progression following prior treatment with PD-1/PD-L1 inhibitors (administered as monotherapy or in combination with chemotherapy)',
      ]),
      'prior_therapy',
    );
    expect(p).toEqual([
      expect.objectContaining({ anyOf: [{ class: 'anti_pd1_pdl1' }], progressed: true }),
    ]);
  });

  it('reads "No prior chemotherapy" under inclusion as a forbid', () => {
    expect(
      ofKind(facts(['No prior chemotherapy (for phase II part)']), 'prior_therapy')[0],
    ).toMatchObject({
      effect: 'forbid',
      anyOf: [{ class: 'chemotherapy' }],
    });
  });

  it('reads treatment-naive and "prior systemic therapy for advanced disease" exclusions', () => {
    expect(
      ofKind(
        facts(['Participant is treatment-naïve for locally advanced or metastatic NSCLC']),
        'treatment_naive',
      ),
    ).toHaveLength(1);
    const f = facts(
      [],
      [
        'Prior systemic therapy (chemotherapy, immunotherapy, targeted therapy) for advanced or metastatic NSCLC.',
      ],
    );
    expect(ofKind(f, 'treatment_naive')[0]).toMatchObject({ effect: 'require' });
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
  });

  it('maps brand and code names to drugs and drops drugs named as permissible', () => {
    const f = facts(
      [],
      [
        'Prior treatment with AMG 510 or MK-3475',
        'Previous treatment with an exon 20 insertion-selective TKI. The approved TKIs (ie, erlotinib, osimertinib) are permissible.',
      ],
    );
    expect(ofKind(f, 'prior_therapy')[0]?.anyOf).toEqual([
      { drug: 'sotorasib' },
      { drug: 'pembrolizumab' },
    ]);
    const forbidden = ofKind(f, 'prior_therapy').flatMap((c) => c.anyOf);
    expect(forbidden).not.toContainEqual({ drug: 'osimertinib' });
    expect(forbidden).not.toContainEqual({ drug: 'erlotinib' });
  });

  it('ignores washouts, hypersensitivity and concurrent use', () => {
    const f = facts(
      [],
      [
        'Chemotherapy within 21 days before the first dose',
        'Known hypersensitivity to pemetrexed',
        'Concurrent treatment with other anticancer therapy',
      ],
    );
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
  });

  it('does not forbid the therapy a biomarker exclusion only dates', () => {
    const f = facts(
      [],
      [
        'Presence of MET amplification after progression on prior third-generation EGFR-TKI treatment.',
      ],
    );
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
    expect(ofKind(f, 'biomarker')[0]?.anyOf).toEqual([
      { gene: 'MET', alteration: 'amplification' },
    ]);
  });

  it.each([
    ['Prior lines of systemic anti-tumor therapy ≥ 2.', 'exclusion', { max: 1 }],
    ['More than 2 prior lines of systemic therapy', 'exclusion', { max: 2 }],
    [
      'At least one prior systemic treatment for locally advanced or metastatic NSCLC',
      'inclusion',
      { min: 1 },
    ],
    ['Received 1-2 prior lines of systemic therapy', 'inclusion', { min: 1, max: 2 }],
    ['No more than 2 prior regimens', 'inclusion', { max: 2 }],
  ])('%s → lines', (text, section, bounds) => {
    const f = section === 'inclusion' ? facts([text]) : facts([], [text]);
    expect(ofKind(f, 'prior_lines')[0]).toMatchObject({ effect: 'require', ...bounds });
  });
});

describe('brain metastases, ECOG, age', () => {
  it.each([
    [
      'Central nervous system metastases',
      ['treated_stable', 'untreated_asymptomatic', 'active', 'leptomeningeal'],
    ],
    [
      'Symptomatic brain metastases. Brain metastases may be treated or untreated, but participants must be asymptomatic and off steroids',
      ['active'],
    ],
    [
      'Participants must not have untreated central nervous system (CNS) metastases.',
      ['untreated_asymptomatic', 'active'],
    ],
    ['Known active CNS metastases and/or carcinomatous meningitis', ['leptomeningeal', 'active']],
  ])('exclusion %s', (text, states) => {
    const b = ofKind(facts([], [text]), 'brain_metastases')[0];
    expect(b?.effect).toBe('forbid');
    expect([...(b?.states ?? [])].sort()).toEqual([...states].sort());
  });

  it.each([
    ['ECOG performance status of 0 or 1', 'inclusion', { max: 1 }],
    ['World Health Organisation (WHO) performance status 0-2', 'inclusion', { max: 2 }],
    ['Karnofsky performance status ≥ 70', 'inclusion', { max: 2 }],
    ['ECOG ≥ 2', 'exclusion', { max: 1 }],
  ])('%s', (text, section, bounds) => {
    const f = section === 'inclusion' ? facts([text]) : facts([], [text]);
    expect(ofKind(f, 'ecog')[0]).toMatchObject(bounds);
  });

  it('does not read "who" in a sentence as WHO performance status', () => {
    expect(
      ofKind(
        facts([
          'Total bilirubin ≤ 1.5 × ULN (except subjects with Gilbert Syndrome, who can have bilirubin < 3.0 mg/dL)',
        ]),
        'ecog',
      ),
    ).toEqual([]);
  });

  it('reads age from the text', () => {
    expect(ofKind(facts(['Age ≥70 years old']), 'age')[0]).toMatchObject({ min: 70 });
  });
});

describe('scope', () => {
  it('NSCLC in the title', () => {
    expect(facts(['Stage IV NSCLC']).scope.value).toBe('nsclc');
  });
  it('non-squamous NSCLC is not small cell', () => {
    expect(
      facts([], [], { title: 'Stage IV/Recurrent Non-squamous Non-small Cell Lung Cancer' }).scope
        .value,
    ).toBe('nsclc');
  });
  it('SCLC and neuroendocrine only → not_nsclc', () => {
    const f = facts(
      ['Small cell lung carcinoma (SCLC)', 'Large cells neuroendocrine lung carcinoma (LCNEC)'],
      [],
      {
        title: 'BI 764532 in Small Cell Lung Cancer and Other Neuroendocrine Tumours',
        conditions: ['Small Cell Lung Carcinoma'],
      },
    );
    expect(f.scope.value).toBe('not_nsclc');
  });
  it('solid-tumour basket admitting NSCLC, with cohort-scoped NSCLC exclusion', () => {
    const md = readFileSync(join(FIXTURES_DIR, 'eligibility/basket-trial.md'), 'utf8');
    const f = extractFacts(
      makeStudy(md, {
        title: 'T-DXd in Selected HER2 Expressing Tumors',
        conditions: ['HER2 Expressing Solid Tumors'],
      }),
    );
    expect(f.scope.value).toBe('basket');
    const forbidNsclc = ofKind(f, 'diagnosis').filter(
      (c) => c.effect === 'forbid' && c.evidence.section === 'exclusion',
    );
    expect(forbidNsclc[0]?.cohorts).toEqual(['cohort 1', 'cohort 2']);
    expect(
      ofKind(f, 'diagnosis').some((c) => c.effect === 'forbid' && c.cohorts?.includes('cohort a')),
    ).toBe(false);
  });
  it('non-cancer study → not_nsclc', () => {
    expect(
      facts(['Healthy volunteers'], [], { title: 'Meditation and sleep', conditions: ['Insomnia'] })
        .scope.value,
    ).toBe('not_nsclc');
  });
});

describe('targets and cohorts', () => {
  it('targets are the biomarkers required in some cohort', () => {
    const md = readFileSync(join(FIXTURES_DIR, 'eligibility/cohort-trial.md'), 'utf8');
    const f = extractFacts(makeStudy(md));
    expect(f.targets).toEqual([
      { gene: 'EGFR', alteration: 'exon20ins' },
      { gene: 'ERBB2', alteration: 'exon20ins' },
    ]);
    const naive = ofKind(f, 'treatment_naive')[0];
    expect(naive?.cohorts).toEqual(['cohort 3']);
    expect(ofKind(f, 'biomarker').find((c) => c.effect === 'forbid')?.cohorts).toEqual([
      'cohort 2',
    ]);
    for (const c of f.criteria)
      for (const label of c.cohorts ?? []) expect(f.cohorts).toContain(label);
  });
});

describe('pinned phrases from real trials', () => {
  it('reads "eGFR" as kidney function, not the EGFR gene', () => {
    expect(
      ofKind(facts(['Estimated glomerular filtration rate (eGFR) ≥ 60 mL/min']), 'biomarker'),
    ).toEqual([]);
  });

  it('reads a menopause definition as no age limit', () => {
    expect(
      ofKind(
        facts([
          'Women under 50 years old would be considered postmenopausal if amenorrheic for 12 months',
        ]),
        'age',
      ),
    ).toEqual([]);
  });

  it('keeps the gene of "No prior therapy for metastatic ALK+ NSCLC" out of the biomarker forbids', () => {
    const f = facts([
      'No prior therapy for metastatic ALK+ NSCLC including therapy with ALK inhibitors.',
    ]);
    expect(ofKind(f, 'biomarker').filter((c) => c.effect === 'forbid')).toEqual([]);
  });

  it('reads "StageIIIB/C or IV", "Ib stage" and stages listed in parentheses', () => {
    expect(
      ofKind(facts(['Confirmed diagnosis of StageIIIB/C or IV NSCLC.']), 'stage')[0]?.stages,
    ).toEqual(['IIIB', 'IIIC', 'IVA', 'IVB', 'IV']);
    expect(ofKind(facts(['Pathology confirmed Ib stage NSCLC']), 'stage')[0]?.stages).toEqual([
      'IB',
    ]);
    expect(
      ofKind(facts(['Locally advanced or metastatic NSCLC (IIIB, IIIC, IVA, IVB)']), 'stage')[0]
        ?.stages,
    ).toEqual(['IIIB', 'IIIC', 'IVA', 'IVB', 'IV']);
  });

  it('lets "stage III not suitable for surgery" qualify stage III only', () => {
    const f = facts([
      'Histologically documented, stage III, IV NSCLC',
      'Patients with stage III NSCLC who are not suitable for surgery.',
    ]);
    const lau = ofKind(f, 'stage').find((c) =>
      c.settings.includes('locally_advanced_unresectable'),
    );
    expect(lau?.stages).toContain('IVA');
  });

  it('treats "Phase 2:" as a cohort label', () => {
    const f = facts(['Phase 2: KRAS G12C mutation and any PD-L1 TPS', 'Phase 3: PD-L1 TPS ≥ 50%']);
    expect(f.cohorts).toEqual(['phase 2', 'phase 3']);
    expect(ofKind(f, 'pdl1').find((c) => c.min === 50)?.cohorts).toEqual(['phase 3']);
  });

  it('ignores conditional items ("If subjects received prior chemotherapy …")', () => {
    const f = facts([
      'If subjects received prior chemotherapy for metastatic disease, they should have documented progression',
    ]);
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
    expect(
      ofKind(
        facts([
          'Treatment-naïve patients will be eligible only if they refused standard treatment.',
        ]),
        'treatment_naive',
      ),
    ).toEqual([]);
  });

  it('reads "osimertinib treatment-naïve" as a forbid of osimertinib', () => {
    expect(
      ofKind(facts(['Osimertinib treatment-naïve for NSCLC']), 'prior_therapy')[0],
    ).toMatchObject({
      effect: 'forbid',
      anyOf: [{ drug: 'osimertinib' }],
    });
  });

  it('does not make "treatment other than EGFR-TKI for advanced disease" a treatment-naive rule', () => {
    const f = facts(
      [],
      [
        'Have previously received systemic anti-tumor treatment other than EGFR-TKI for advanced non-squamous NSCLC.',
      ],
    );
    expect(ofKind(f, 'treatment_naive')).toEqual([]);
    expect(ofKind(f, 'histology')).toEqual([]);
  });

  it('counts lines "after second-line therapy" and caps "more than 3 prior regimens"', () => {
    expect(
      ofKind(facts(['Disease progression after standard second-line therapy']), 'prior_lines')[0],
    ).toMatchObject({ min: 2 });
    const f = facts(
      [],
      [
        'More than 3 prior systemic anticancer therapy regimens for locally advanced or metastatic NSCLC',
      ],
    );
    expect(ofKind(f, 'prior_lines')[0]).toMatchObject({ max: 3 });
    expect(ofKind(f, 'treatment_naive')).toEqual([]);
  });

  it('reads "Performance status 0-2 (ECOG)"', () => {
    expect(ofKind(facts(['Performance status 0-2 (ECOG)']), 'ecog')[0]).toMatchObject({ max: 2 });
  });

  it('reads brain metastases in trials for them', () => {
    expect(
      ofKind(facts(['LM diagnosis confirmed by positive CSF cytology']), 'brain_metastases')[0],
    ).toMatchObject({
      effect: 'require',
      states: ['leptomeningeal'],
    });
    const ex = facts(
      [],
      [
        'Diagnosis of meningeal metastasis, or brain parenchymal metastasis combined with meningeal metastasis.',
      ],
    );
    expect(ofKind(ex, 'brain_metastases')[0]?.states).toEqual(['leptomeningeal']);
    const therapy = facts(
      [],
      [
        'Any prior systemic chemotherapy. This includes systemic radiosensitizers used to treat brain metastases.',
      ],
    );
    expect(ofKind(therapy, 'brain_metastases')).toEqual([]);
  });

  it('keeps the named alterations when the gene is also written alone', () => {
    const b = ofKind(
      facts([
        'Documented EGFR mutations known to be associated with EGFR-TKI sensitivity, including Ex19del or L858R.',
      ]),
      'biomarker',
    )[0];
    expect(b?.anyOf).toEqual([
      { gene: 'EGFR', alteration: 'exon19del' },
      { gene: 'EGFR', alteration: 'L858R' },
    ]);
  });

  it('drops the trial\'s own target from "known targetable co-mutations"', () => {
    const f = facts(
      ['Documented ROS1 rearrangement'],
      ['Known tumor targetable co-mutations or rearrangements'],
    );
    const forbid = ofKind(f, 'biomarker').find((c) => c.effect === 'forbid');
    expect(forbid?.anyOf.map((r) => r.gene)).not.toContain('ROS1');
    expect(forbid?.anyOf.map((r) => r.gene)).toContain('ALK');
  });
});

describe('notes and conditions', () => {
  it('reads no brain-metastases policy from an explanatory note', () => {
    const f = facts(
      [],
      [
        'NOTE: If a patient has worsening neurological symptoms due to CNS metastasis, the patient needs to complete local therapy',
      ],
    );
    expect(ofKind(f, 'brain_metastases')).toEqual([]);
  });

  it('does not require a biomarker named in a parenthesised condition', () => {
    const f = facts([
      'Have undergone failure 1-2 prior EGFR-TKI (Osimertinib exposure required for T790M+)',
    ]);
    expect(ofKind(f, 'biomarker')).toEqual([]);
  });

  it('reads "EGFR-targeting agents (… bispecific antibodies)" as EGFR TKIs and bispecifics', () => {
    const f = facts(
      [],
      [
        'Prior treatment with any EGFR-targeting agents (e.g., EGFR tyrosine kinase inhibitors [TKIs], monoclonal antibodies, or bispecific antibodies).',
      ],
    );
    const classes = ofKind(f, 'prior_therapy').flatMap((c) => c.anyOf.map((r) => r.class));
    expect(classes).toEqual(expect.arrayContaining(['egfr_tki', 'egfr_met_bispecific']));
  });
});

describe('prior-therapy exclusions that are not about prior therapy', () => {
  it.each([
    'The effect of third space fluid, such as pleural effusion and ascites, on pemetrexed is unknown.',
    'Patients with known activating mutations of EGFR, as these patients should be offered EGFR-TKI therapy.',
    'Patients with irreversible toxicity not expected to be exacerbated by treatment with durvalumab',
    'Current undergoing or preparing treatment with tumor immunotherapy',
    'Chemotherapy, immunotherapy and targeted therapy received less than 4 weeks or less than 5 half-lives from the first dose.',
    'Chronic gastrointestinal disease or previous bowel resection that would preclude adequate absorption of afatinib',
  ])('%s', (text) => {
    expect(ofKind(facts([], [text]), 'prior_therapy')).toEqual([]);
  });

  it('does not read "4th-generation EGFR-TKIs" as any EGFR TKI', () => {
    expect(
      ofKind(
        facts(
          [],
          ['Prior treatment with 4th-generation EGFR-TKIs (TKI for 3rd-generation resistance).'],
        ),
        'prior_therapy',
      ),
    ).toEqual([]);
  });

  it('keeps the generic class of "EGFR-TKI, including 1st, 2nd and 3rd-generation"', () => {
    const p = ofKind(
      facts([
        'Previous treatment with at least one EGFR-TKI, including 1st, 2nd and 3rd-generation EGFR-TKI',
      ]),
      'prior_therapy',
    )[0];
    expect(p?.anyOf).toEqual([{ class: 'egfr_tki' }]);
  });

  it('reads "TKI treatment naïve" as no general naivety', () => {
    expect(
      ofKind(facts(['Tyrosine Kinase Inhibitor (TKI) treatment naïve.']), 'treatment_naive'),
    ).toEqual([]);
  });
});

describe('more biomarker and brain phrases', () => {
  it('does not read "criteria are met" as MET, nor "to inhibit the EGFR" as a biomarker', () => {
    expect(
      ofKind(
        facts(['Organ function is normal, the following criteria are met: (1) blood counts']),
        'biomarker',
      ),
    ).toEqual([]);
    expect(
      ofKind(
        facts(
          [],
          [
            'Previous treatment to inhibit the human epidermal growth factor receptor (EGFR) (e.g. erlotinib)',
          ],
        ),
        'biomarker',
      ),
    ).toEqual([]);
  });

  it('reads listed examples of an EGFR mutation as any EGFR mutation', () => {
    const b = ofKind(
      facts(['Confirmed with EGFR mutation [e.g., T 790 M, exon 19 deletion, L 858 R, etc]']),
      'biomarker',
    )[0];
    expect(b?.anyOf).toEqual([{ gene: 'EGFR' }]);
  });

  it('reads brain exclusions by symptom, lepto-only wording and size', () => {
    expect(
      ofKind(facts([], ['A person who has symptoms of brain metastases']), 'brain_metastases')[0]
        ?.states,
    ).toEqual(['active']);
    expect(
      ofKind(
        facts(
          [],
          [
            'Leptomeningeal metastasis confirmed by MRI, but no evidence of brain parenchymal metastasis.',
          ],
        ),
        'brain_metastases',
      )[0]?.states,
    ).toEqual(['leptomeningeal']);
    expect(ofKind(facts([], ['Brain metastases in the brainstem']), 'brain_metastases')).toEqual(
      [],
    );
  });
});

describe('plans, cautions and targets of a drug', () => {
  it('does not read "prior to pemetrexed administration" or a bleeding caution as prior therapy', () => {
    const f = facts(
      [],
      [
        'In patients with third space fluid, consideration should be given to draining the effusion prior to pemetrexed administration.',
        'Caution should be taken on treating patients with heparin during treatment with bevacizumab.',
      ],
    );
    expect(ofKind(f, 'prior_therapy')).toEqual([]);
  });

  it('reads "third-generation epidermal growth factor receptor TKI for T790M" as the 3rd-generation class, not a T790M exclusion', () => {
    const f = facts(
      [],
      [
        'Previously treated by other third-generation epidermal growth factor receptor tyrosine kinase inhibitor (EGFR-TKI) for T790M (for example Osimertinib).',
      ],
    );
    expect(ofKind(f, 'prior_therapy')[0]?.anyOf).toEqual([{ class: 'egfr_tki_3rd_gen' }]);
    expect(ofKind(f, 'biomarker')).toEqual([]);
  });
});

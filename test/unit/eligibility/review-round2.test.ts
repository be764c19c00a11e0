/**
 * Second review round: wrong `eligible` verdicts traced to extraction, each pinned by a short
 * hand-written sentence (not the trial's words): the last gene of a list, a note that no test
 * is needed, a gene that names which drugs are meant, treatment that exists for a driver,
 * "non-curative stage III or IV", and requirements the vocabulary cannot name.
 */
import { describe, expect, it } from 'vitest';
import type { TrialFacts } from '#eligibility/facts.ts';
import { stageFinding } from '#eligibility/stage.ts';
import { fold, isPermission } from '#eligibility/text.ts';
import { profileTopicOf } from '#eligibility/topics.ts';
import { factsOf, ofKind } from '../../fixtures/eligibility/make-study.ts';

const facts = factsOf;
const genes = (f: TrialFacts, effect: 'require' | 'forbid') =>
  ofKind(f, 'biomarker')
    .filter((c) => c.effect === effect)
    .flatMap((c) => c.anyOf.map((r) => r.gene));
const topicsOf = (f: TrialFacts) =>
  ofKind(f, 'unclassified')
    .filter((c) => c.effect === 'require')
    .map((c) => c.topic);

describe('biomarker lists', () => {
  it('reads RET as the last element of a gene list ("EGFR, ALK, ROS1, and RET.")', () => {
    const f = facts(
      ['Adults with lung cancer.'],
      ['Tumours with driver changes in KRAS, ALK and RET.'],
    );
    expect(genes(f, 'forbid')).toContain('RET');
    expect(genes(f, 'forbid')).toContain('ALK');
    const g = facts(['Adults with lung cancer.'], ['Known mutation of EGFR, BRAF, or RET']);
    expect(genes(g, 'forbid')).toContain('RET');
  });

  it('reads MET as an element of a gene list ("BRAF, MET, RET", "ALK/MET", "MET, ALK or …")', () => {
    for (const sentence of [
      'Known alterations of EGFR, BRAF, MET, RET or NTRK.',
      'Tumours with driver mutations of KRAS and MET.',
      'Tumours with MET, ALK or ROS1 changes.',
    ]) {
      const f = facts(['Adults with lung cancer.'], [sentence]);
      expect(genes(f, 'forbid'), sentence).toContain('MET');
    }
  });

  it('does not read the verb "met" after a gene as MET', () => {
    const f = facts(
      ['Adults with lung cancer.'],
      ['Known EGFR and met all criteria of the registry.'],
    );
    expect(genes(f, 'forbid')).not.toContain('MET');
  });

  it('"other driving gene mutations" is the actionable-driver umbrella', () => {
    const f = facts(
      ['EGFR-mutant lung cancer.'],
      ['Tumours with other driving gene mutations that have an effective therapy.'],
    );
    const forbidden = genes(f, 'forbid');
    expect(forbidden).toContain('ALK');
    expect(forbidden).toContain('RET');
    expect(forbidden).not.toContain('EGFR');
  });

  it('does not read "ret" as a gene outside a gene list', () => {
    const f = facts(['Adults with lung cancer.'], ['Unable to return to the clinic.']);
    expect(genes(f, 'forbid')).toEqual([]);
  });

  it('an exclusion that says no test is needed excludes only known alterations (rule 2)', () => {
    const f = facts(
      ['Adults with lung cancer.'],
      ['People whose tumours harbour ALK or ROS1 fusions (no further testing required).'],
    );
    const [c] = ofKind(f, 'biomarker');
    expect(c?.effect).toBe('forbid');
    expect(c?.knownOnly).toBe(true);
  });

  it('a gene that says which drugs are meant is no biomarker of the patient', () => {
    const f = facts([
      'Not previously given inhibitors with proven activity in ALK-rearranged tumours.',
    ]);
    expect(genes(f, 'require')).toEqual([]);
    const g = facts(
      ['Adults with lung cancer.'],
      ['Prior use of a drug approved for RET-positive disease.'],
    );
    expect(genes(g, 'forbid')).toEqual([]);
  });
});

describe('prior therapy', () => {
  it('treatment that exists for a driver is no history of the patient', () => {
    const f = facts([
      'No known driver alteration for which an approved 1L targeted therapy exists locally.',
    ]);
    expect(ofKind(f, 'treatment_naive')).toEqual([]);
  });

  it('an unnameable required therapy (an ADC) keeps the item unread, beside what is read', () => {
    const f = facts(['Progression after standard therapy and after an antibody-drug conjugate.']);
    expect(topicsOf(f)).toContain('prior_therapy');
    const g = facts(['Progression after standard therapy.']);
    expect(topicsOf(g)).toEqual([]);
  });

  it('a history or a refusal of therapy is no requirement of history', () => {
    for (const sentence of [
      'Received at least one prior line of therapy, or refused standard therapy.',
      'Progression after prior systemic therapy or who declined chemotherapy.',
      'Progressed on one prior regimen or is not a candidate for standard chemotherapy.',
      'Progressed on prior anti-PD-1 therapy unless it was contraindicated.',
    ]) {
      const f = facts([sentence]);
      expect(ofKind(f, 'prior_lines'), sentence).toEqual([]);
      expect(ofKind(f, 'prior_therapy'), sentence).toEqual([]);
      expect(topicsOf(f), sentence).toContain('prior_therapy');
    }
    expect(
      ofKind(facts(['Progressed after at least one prior line of therapy.']), 'prior_lines'),
    ).toHaveLength(1);
  });

  it('an exclusion of any prior ADC forbids the ADCs the vocabulary knows', () => {
    const [c] = ofKind(
      facts(['Adults with lung cancer.'], ['Previous therapy with any antibody-drug conjugate.']),
      'prior_therapy',
    );
    expect(c?.effect).toBe('forbid');
    expect(c?.anyOf).toContainEqual({ class: 'adc_trop2' });
    expect(c?.anyOf).toContainEqual({ drug: 'trastuzumab deruxtecan' });
    // A payload or target narrows it: only what is named counts, here nothing.
    expect(
      ofKind(
        facts(['Adults with lung cancer.'], ['Prior ADC with a tubulin payload.']),
        'prior_therapy',
      ),
    ).toEqual([]);
  });

  it('systemic therapy "other than" a class forbids every other systemic class', () => {
    const [c] = ofKind(
      facts(
        ['Adults with lung cancer.'],
        ['Prior systemic anticancer therapy other than an ALK TKI for metastatic disease.'],
      ),
      'prior_therapy',
    );
    expect(c?.effect).toBe('forbid');
    expect(c?.settings).toBe('advanced');
    const classes = c?.anyOf.map((r) => r.class) ?? [];
    expect(classes).toContain('chemotherapy');
    expect(classes).toContain('anti_pd1_pdl1');
    expect(classes).not.toContain('alk_tki');
    // Crizotinib is an ALK TKI as well as a MET inhibitor: the excepted drug stays allowed.
    expect(classes).not.toContain('met_inhibitor');
    expect(classes).not.toContain('radiotherapy');
  });

  it('systemic therapy "other than" a drug or a setting is no class list', () => {
    for (const sentence of [
      'Earlier systemic anticancer therapy other than osimertinib for metastatic disease.',
      'Earlier systemic therapy for advanced disease, except adjuvant chemotherapy.',
    ])
      expect(
        ofKind(facts(['Adults with lung cancer.'], [sentence]), 'prior_therapy'),
        sentence,
      ).toEqual([]);
  });

  it('progression after the first line is a history, not a first-line (naive) setting', () => {
    for (const sentence of [
      'Disease that progressed on or after first-line therapy.',
      'Failure of 1st-line treatment for metastatic disease.',
    ]) {
      const f = facts([sentence]);
      expect(ofKind(f, 'treatment_naive'), sentence).toEqual([]);
      expect(
        ofKind(f, 'prior_lines').map((c) => c.min),
        sentence,
      ).toEqual([1]);
    }
    expect(
      ofKind(facts(['First-line treatment of metastatic disease.']), 'treatment_naive'),
    ).toHaveLength(1);
  });

  it('"no prior therapy or one prior line" is no naivety requirement', () => {
    const f = facts(['Either no prior systemic therapy or a single prior line of chemotherapy.']);
    expect(ofKind(f, 'treatment_naive')).toEqual([]);
    expect(topicsOf(f)).toContain('prior_therapy');
  });

  it('a response on a named drug is a treatment history, though it names RECIST', () => {
    expect(
      profileTopicOf(
        'Stable disease on crizotinib for at least 4 months per RECIST 1.1',
        'inclusion',
      ),
    ).toBe('prior_therapy');
  });

  it('a stated IHC result of a gene is a biomarker requirement, though about a sample', () => {
    expect(
      profileTopicOf('A tumour sample showing HER2 IHC 2+ or 3+ by central testing', 'inclusion'),
    ).toBe('biomarker');
  });
});

describe('an inclusion sentence that says who is excluded', () => {
  it('reads "… are excluded" / "… are not eligible" under inclusion as an exclusion', () => {
    const therapy = facts(['People given an ALK inhibitor before are excluded.']);
    expect(ofKind(therapy, 'prior_therapy').map((c) => c.effect)).toEqual(['forbid']);
    const brain = facts(['People with symptomatic brain metastases are not eligible.']);
    expect(ofKind(brain, 'brain_metastases').map((c) => c.effect)).toEqual(['forbid']);
    const genesOut = facts(['People with known KRAS or BRAF mutations will be excluded.']);
    expect(genes(genesOut, 'require')).toEqual([]);
    expect(genes(genesOut, 'forbid')).toEqual(['KRAS', 'BRAF']);
  });

  it('keeps "not eligible for <treatment>" and "unless … not eligible" as they were', () => {
    const unfit = facts(['People who are not eligible for platinum chemotherapy.']);
    expect(ofKind(unfit, 'prior_therapy').filter((c) => c.effect === 'forbid')).toEqual([]);
    expect(isPermission(fold('people are not eligible'))).toBe(false);
  });

  it('reads "lacking" as a negation of the genes it names', () => {
    const f = facts(['Tumour lacking KRAS and BRAF mutations.']);
    expect(genes(f, 'require')).toEqual([]);
    expect(genes(f, 'forbid')).toEqual(['KRAS', 'BRAF']);
  });
});

describe('stage', () => {
  it('"non-curatively treatable stage III or stage IV" is stage IV or unresectable stage III', () => {
    expect(stageFinding(fold('Lung cancer of stage III or IV, treated non-curatively'))).toEqual({
      stages: ['IVA', 'IVB', 'IV'],
      settings: ['locally_advanced_unresectable'],
    });
    expect(stageFinding(fold('Inoperable stage III or stage IV lung cancer'))).toEqual({
      stages: ['IVA', 'IVB', 'IV'],
      settings: ['locally_advanced_unresectable'],
    });
  });

  it('a plain "stage III or IV" and a named sub-stage keep their stages', () => {
    expect(stageFinding(fold('Stage III or IV lung cancer'))?.stages).toContain('IIIB');
    expect(stageFinding(fold('Unresectable stage IIIC or IV lung cancer'))?.stages).toContain(
      'IIIC',
    );
  });

  it('a resected stage requires the resection as well as the stage', () => {
    for (const sentence of [
      'Completely resected stage II–IIIA lung cancer.',
      'Stage IB to IIIA lung cancer treated with upfront resection.',
    ]) {
      const settings = ofKind(facts([sentence]), 'stage').flatMap((c) => c.settings);
      expect(settings, sentence).toContain('resected');
    }
    for (const sentence of [
      'Resectable stage II–IIIA lung cancer, candidates for surgery.',
      'Stage IIIA lung cancer, unresected or not completely resected.',
      'Stage II-III disease recurrent after complete resection.',
    ]) {
      const settings = ofKind(facts([sentence]), 'stage').flatMap((c) => c.settings);
      expect(settings, sentence).not.toContain('resected');
    }
  });

  it('"non eligible for" is no permission, so the stage item is read', () => {
    expect(isPermission(fold('stage 3 non eligible for chemoradiation or stage 4'))).toBe(false);
    const [s] = ofKind(
      facts(['Stage 3 non eligible for chemoradiation, or stage 4 lung cancer.']),
      'stage',
    );
    expect(s?.settings).toEqual(['locally_advanced_unresectable']);
    expect(s?.stages).toContain('IVA');
  });
});

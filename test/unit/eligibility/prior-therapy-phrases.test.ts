/**
 * Prior-therapy phrasing families, each pinned by a short hand-written sentence (not copied
 * from a record). Each test fails without the rule it names.
 */
import { describe, expect, it } from 'vitest';
import type { TrialFacts } from '#eligibility/facts.ts';
import { factsOf, ofKind } from '../../fixtures/eligibility/make-study.ts';

const facts = factsOf;
const inc = (text: string) => facts([text]);
const exc = (text: string) => facts([], [text]);

const therapies = (f: TrialFacts) =>
  ofKind(f, 'prior_therapy').map(({ effect, anyOf, settings, progressed }) => ({
    effect,
    anyOf,
    settings,
    ...(progressed ? { progressed } : {}),
  }));

describe('checkpoint-inhibitor family', () => {
  it('forbids anti-CTLA-4 as well when an exclusion names checkpoint inhibitors as a family', () => {
    expect(therapies(exc('Earlier treatment with any immune checkpoint inhibitor.'))).toEqual([
      {
        effect: 'forbid',
        anyOf: [{ class: 'anti_pd1_pdl1' }, { class: 'anti_ctla4' }],
        settings: 'any',
      },
    ]);
  });

  it('lets a defining parenthesis narrow the family to anti-PD-(L)1, but not an example list', () => {
    expect(
      therapies(exc('Prior checkpoint inhibitor (anti-PD-1 or anti-PD-L1).'))[0]?.anyOf,
    ).toEqual([{ class: 'anti_pd1_pdl1' }]);
    expect(therapies(exc('Prior checkpoint inhibitor (e.g. nivolumab).'))[0]?.anyOf).toEqual([
      { class: 'anti_pd1_pdl1' },
      { class: 'anti_ctla4' },
    ]);
  });

  it('keeps a PD-1 wording to anti-PD-(L)1 only', () => {
    expect(therapies(exc('Has previously had a PD-1 inhibitor.'))[0]?.anyOf).toEqual([
      { class: 'anti_pd1_pdl1' },
    ]);
  });

  it('reads a required checkpoint inhibitor as anti-PD-(L)1', () => {
    expect(
      therapies(inc('Disease progression after a checkpoint inhibitor for metastatic disease.'))[0]
        ?.anyOf,
    ).toEqual([{ class: 'anti_pd1_pdl1' }]);
  });

  it('reads CTLA-4 spelled out and "T-cell co-stimulation" agents', () => {
    expect(
      therapies(exc('Prior anti-cytotoxic T-lymphocyte-associated antigen 4 antibody.'))[0]?.anyOf,
    ).toEqual([{ class: 'anti_ctla4' }]);
    expect(
      therapies(exc('Previous antibody directed at T-cell co-stimulation molecules.'))[0]?.anyOf,
    ).toEqual([{ class: 'anti_pd1_pdl1' }, { class: 'anti_ctla4' }]);
  });
});

describe('names and lists', () => {
  it('writes docetaxel as its own class', () => {
    expect(therapies(exc('Prior docetaxel for metastatic disease.'))[0]?.anyOf).toEqual([
      { class: 'docetaxel' },
    ]);
  });

  it('reads "is not permitted" as a prohibition, not a permission', () => {
    expect(therapies(exc('Prior gefitinib is not permitted.'))[0]?.anyOf).toEqual([
      { drug: 'gefitinib' },
    ]);
  });

  it('keeps an "e.g." list in its clause', () => {
    expect(
      therapies(
        exc('Previous treatment aimed at the VEGF pathway (e.g. bevacizumab or ramucirumab)'),
      )[0]?.anyOf,
    ).toEqual([{ drug: 'bevacizumab' }, { drug: 'ramucirumab' }]);
  });

  it('reads "have used" as prior use', () => {
    expect(therapies(exc('Patients who have used erlotinib.'))[0]?.anyOf).toEqual([
      { drug: 'erlotinib' },
    ]);
  });

  it('reads "first/second/third-generation EGFR TKI" as any EGFR TKI', () => {
    expect(
      therapies(inc('Progression on a first/second/third-generation EGFR TKI.'))[0]?.anyOf,
    ).toEqual([{ class: 'egfr_tki' }]);
  });
});

describe('lists and counts', () => {
  it('reads a target list sharing one head noun ("PD-1, PD-L1 or CTLA-4 inhibitor")', () => {
    expect(therapies(exc('Prior PD-L1, PD-1 or CTLA-4 inhibitor therapy.'))[0]?.anyOf).toEqual([
      { class: 'anti_pd1_pdl1' },
      { class: 'anti_ctla4' },
    ]);
  });

  it('reads "EGFR-MET bispecific" as the bispecific class', () => {
    expect(therapies(exc('Prior EGFR-MET bispecific antibody.'))[0]?.anyOf).toEqual([
      { class: 'egfr_met_bispecific' },
    ]);
  });

  it('counts "at least 1 standard systemic cancer therapy" and "progressed on the most recent regimen"', () => {
    expect(
      ofKind(
        inc('Received at least 2 standard systemic cancer therapies, the last regimen failing.'),
        'prior_lines',
      )[0],
    ).toMatchObject({ min: 2 });
    expect(
      ofKind(inc('Progressed on their most recent treatment regimen.'), 'prior_lines')[0],
    ).toMatchObject({ min: 1 });
  });

  it('reads "at least one but no more than two prior regimens" as both bounds', () => {
    expect(
      ofKind(inc('Received at least one but no more than two prior regimens.'), 'prior_lines')[0],
    ).toMatchObject({ min: 1, max: 2 });
  });

  it('does not read "no more than one prior chemotherapy regimen" as no prior chemotherapy', () => {
    expect(therapies(inc('No more than one prior chemotherapy regimen.'))).toEqual([]);
  });
});

describe('counts and durations', () => {
  it('does not read a duration after "at least" as a count of lines', () => {
    const f = exc(
      'Has received prior systemic therapy for metastatic NSCLC. Prior adjuvant therapy is allowed if completed at least 6 months before.',
    );
    expect(ofKind(f, 'prior_lines')).toEqual([]);
    expect(ofKind(f, 'treatment_naive')).toHaveLength(1);
  });

  it('does not forbid a class an exclusion only counts ("two or more EGFR TKIs")', () => {
    expect(therapies(exc('Prior treatment with two or more EGFR TKIs.'))).toEqual([]);
  });

  it('reads "prior systemic therapy for NSCLC" as naivety, with perioperative treatment when it says so', () => {
    expect(
      ofKind(exc('Any prior systemic anticancer therapy for NSCLC.'), 'treatment_naive'),
    ).toEqual([expect.objectContaining({ includesPerioperative: false })]);
    expect(
      ofKind(
        exc('Prior systemic therapy for lung cancer, including adjuvant therapy.'),
        'treatment_naive',
      ),
    ).toEqual([expect.objectContaining({ includesPerioperative: true })]);
  });
});

describe('exceptions', () => {
  it('ends a parenthesised exception at its parenthesis, and reads an excepted setting as advanced-only', () => {
    expect(
      therapies(
        exc(
          'Prior anti-PD-L1 antibody (other than as consolidation after chemoradiation), or anti-CTLA-4 antibody.',
        ),
      ),
    ).toEqual([
      {
        effect: 'forbid',
        anyOf: [{ class: 'anti_pd1_pdl1' }, { class: 'anti_ctla4' }],
        settings: 'advanced',
      },
    ]);
  });

  it('reads "unless given as adjuvant treatment" and "as first-line treatment" as advanced-only', () => {
    expect(
      therapies(exc('Prior osimertinib, unless given as adjuvant treatment.'))[0]?.settings,
    ).toBe('advanced');
    expect(therapies(exc('Prior alectinib as first-line treatment.'))[0]?.settings).toBe(
      'advanced',
    );
  });

  it('does not forbid a class when a drug of that class is excepted', () => {
    expect(therapies(exc('Prior EGFR TKI other than erlotinib.'))).toEqual([]);
  });
});

describe('washouts that are not', () => {
  it('reads a prior-systemic-therapy exclusion that lists "any investigational agent"', () => {
    expect(
      ofKind(
        exc(
          'Previous systemic therapy for metastatic disease, including chemotherapy or any investigational agent.',
        ),
        'treatment_naive',
      ),
    ).toHaveLength(1);
  });

  it('reads chemotherapy given concurrently with radiotherapy as both required', () => {
    expect(
      therapies(
        inc(
          'Must have completed a platinum doublet given concurrently with thoracic radiotherapy.',
        ),
      ),
    ).toEqual([
      { effect: 'require', anyOf: [{ class: 'platinum_chemotherapy' }], settings: 'any' },
      { effect: 'require', anyOf: [{ class: 'radiotherapy' }], settings: 'any' },
    ]);
  });

  it('does not read "either concurrently or sequentially" as concurrent use', () => {
    expect(
      therapies(
        inc(
          'Must have received carboplatin and pembrolizumab, either concurrently or sequentially.',
        ),
      ).map((t) => t.anyOf),
    ).toEqual([[{ drug: 'carboplatin' }], [{ drug: 'pembrolizumab' }]]);
  });

  it('reads "in the 6 months preceding" as a washout', () => {
    expect(therapies(inc('No adjuvant chemotherapy in the 6 months preceding enrolment.'))).toEqual(
      [],
    );
  });
});

describe('exclusions that are not forbids', () => {
  it('does not forbid a drug the patient lacks ("not previously treated with")', () => {
    expect(therapies(exc('ALK rearrangement and not previously treated with alectinib.'))).toEqual(
      [],
    );
  });

  it('does not read eligibility for a standard treatment as a history of it', () => {
    expect(therapies(exc('Patients who are eligible for treatment with nivolumab alone.'))).toEqual(
      [],
    );
    expect(
      therapies(
        exc('Patients previously treated with osimertinib are not eligible for this study.'),
      )[0]?.anyOf,
    ).toEqual([{ drug: 'osimertinib' }]);
  });

  it('does not read the treatment of another malignancy as naivety', () => {
    expect(
      ofKind(
        inc('No other malignancy in the past five years, without any anticancer treatment.'),
        'treatment_naive',
      ),
    ).toEqual([]);
  });
});

describe('radiotherapy', () => {
  it('forbids a plain prior radiotherapy', () => {
    expect(therapies(exc('Has previously had radiotherapy or chemotherapy.'))[0]?.anyOf).toEqual([
      { class: 'chemotherapy' },
      { class: 'radiotherapy' },
    ]);
  });

  it('leaves a radiotherapy with a site, or without prior words, to discuss', () => {
    expect(therapies(exc('Previous radiotherapy to the chest.'))).toEqual([]);
    expect(therapies(exc('Lesions treatable by radiotherapy.'))).toEqual([]);
    expect(therapies(exc('Earlier spinal radiation received.'))).toEqual([]);
  });

  it('does not forbid a radiotherapy the exception allows, nor read "had no prior" as a forbid', () => {
    expect(
      therapies(exc('Previous radiotherapy, with the exception of irradiation of bone lesions.')),
    ).toEqual([]);
    expect(therapies(exc('Participants must have had no prior chemotherapy.'))).toEqual([]);
    expect(therapies(exc('Prior radiotherapy (except palliative).'))).toEqual([]);
  });
});

describe('permissions are no requirements', () => {
  it.each([
    'Patients previously treated with immunotherapy may be enrolled.',
    'Patients who received prior pembrolizumab are also eligible.',
    'Prior chemotherapy is not mandatory.',
    'Regardless of prior EGFR TKI treatment.',
    'Patients who received prior chemotherapy can participate.',
  ])('%s', (text) => {
    expect(therapies(inc(text))).toEqual([]);
  });

  it('still forbids "prior EGFR TKI, regardless of the setting"', () => {
    expect(therapies(exc('Prior EGFR TKI, regardless of the setting.'))[0]?.anyOf).toEqual([
      { class: 'egfr_tki' },
    ]);
  });
});

describe('negated inclusions', () => {
  it('does not read a permission sentence as part of the prohibition', () => {
    expect(
      therapies(
        inc('No previous ALK inhibitor. Chemotherapy given as adjuvant treatment is allowed.'),
      ),
    ).toEqual([{ effect: 'forbid', anyOf: [{ class: 'alk_tki' }], settings: 'any' }]);
  });

  it('reads "none previous" and an adjuvant permission as advanced-only', () => {
    expect(
      therapies(inc('None previous chemotherapy (adjuvant chemotherapy is allowed).')),
    ).toEqual([{ effect: 'forbid', anyOf: [{ class: 'chemotherapy' }], settings: 'advanced' }]);
  });

  it('adds naivety to "no prior X or other systemic therapy for metastatic disease"', () => {
    const f = inc(
      'No prior KRAS G12C inhibitor, chemotherapy or other systemic therapy for metastatic disease.',
    );
    expect(therapies(f)[0]).toMatchObject({ effect: 'forbid', settings: 'advanced' });
    expect(ofKind(f, 'treatment_naive')).toHaveLength(1);
  });

  it('keeps the prohibition after "but" when the first half is a permission', () => {
    expect(
      therapies(
        inc('Participants may have received chemotherapy but no previous anti-PD-L1 antibody.'),
      ),
    ).toEqual([{ effect: 'forbid', anyOf: [{ class: 'anti_pd1_pdl1' }], settings: 'any' }]);
  });

  it('reads the gene before "TKI treatment-naive"', () => {
    expect(therapies(inc('ALK TKI treatment-naive.'))[0]?.anyOf).toEqual([{ class: 'alk_tki' }]);
  });

  it('reads "receiving first-line X" as untreated, but not after progression', () => {
    expect(
      ofKind(inc('Patients starting first-line chemo-immunotherapy.'), 'treatment_naive'),
    ).toHaveLength(1);
    expect(
      ofKind(inc('Progression after receiving first-line chemotherapy.'), 'treatment_naive'),
    ).toEqual([]);
  });

  it.each([
    'Either treatment-naive or previously treated with one line of chemotherapy.',
    'Progressed on a prior ALK TKI or ALK TKI-naive.',
    'Must not have received osimertinib, or must have progressed on it.',
  ])('leaves a naive-or-treated alternative to discuss: %s', (text) => {
    const f = inc(text);
    expect(therapies(f)).toEqual([]);
    expect(ofKind(f, 'treatment_naive')).toEqual([]);
  });

  it('does not require what an inclusion item says is not allowed', () => {
    expect(
      therapies(inc('Chemotherapy before the EGFR TKI for advanced disease is not allowed.')),
    ).toEqual([]);
  });
});

describe('required therapies', () => {
  it('reads "one line of platinum-based chemotherapy" as platinum required, not a count', () => {
    const f = inc('At least one prior line of platinum-based chemotherapy.');
    expect(therapies(f)[0]?.anyOf).toEqual([{ class: 'platinum_chemotherapy' }]);
    expect(ofKind(f, 'prior_lines')).toEqual([]);
  });

  it('keeps the count and requires what the lines included', () => {
    const f = inc(
      'At least one prior systemic treatment for metastatic disease, including a platinum doublet and an anti-PD-1 antibody.',
    );
    expect(ofKind(f, 'prior_lines')[0]).toMatchObject({ min: 1 });
    expect(therapies(f).map((t) => t.anyOf)).toEqual([
      [{ class: 'platinum_chemotherapy' }],
      [{ class: 'anti_pd1_pdl1' }],
    ]);
  });

  it('requires nothing when one alternative has no class ("targeted therapy")', () => {
    expect(
      therapies(
        inc('Received neoadjuvant chemotherapy, targeted therapy or immunotherapy before surgery.'),
      ),
    ).toEqual([]);
  });

  it('reads a list with an unnamed kind "for advanced disease" as at least one line', () => {
    const f = inc(
      'Has received chemotherapy, targeted therapy or immunotherapy for metastatic disease.',
    );
    expect(therapies(f)).toEqual([]);
    expect(ofKind(f, 'prior_lines')[0]).toMatchObject({ min: 1 });
  });

  it('requires what a counted line "included"', () => {
    expect(
      therapies(
        inc('Progression after at least one line of systemic therapy that included a taxane.'),
      )[0]?.anyOf,
    ).toEqual([{ class: 'taxane' }]);
  });

  it('reads no naivety when a therapy is excepted from it', () => {
    expect(
      ofKind(
        inc('Untreated with systemic therapy for metastatic disease, except an ALK inhibitor.'),
        'treatment_naive',
      ),
    ).toEqual([]);
  });

  it('reads "prior receipt of" and "has undergone"', () => {
    expect(therapies(inc('Prior receipt of pembrolizumab.'))[0]?.anyOf).toEqual([
      { drug: 'pembrolizumab' },
    ]);
    expect(therapies(inc('Has undergone treatment with nivolumab.'))[0]?.anyOf).toEqual([
      { drug: 'nivolumab' },
    ]);
  });

  it('lets "progressed on A and B" apply to both, and ", and" join two requirements', () => {
    expect(
      therapies(inc('Disease progression on an anti-PD-1 antibody and a platinum doublet.')),
    ).toEqual([
      { effect: 'require', anyOf: [{ class: 'anti_pd1_pdl1' }], settings: 'any', progressed: true },
      {
        effect: 'require',
        anyOf: [{ class: 'platinum_chemotherapy' }],
        settings: 'any',
        progressed: true,
      },
    ]);
    expect(
      therapies(inc('Must have received osimertinib (any line), and carboplatin.')).map(
        (t) => t.anyOf,
      ),
    ).toEqual([[{ drug: 'osimertinib' }], [{ drug: 'carboplatin' }]]);
  });

  it('does not let progress words of an earlier sentence qualify a later requirement', () => {
    expect(
      therapies(inc('Failed standard treatment. Previous therapies must include cisplatin.')),
    ).toEqual([{ effect: 'require', anyOf: [{ drug: 'cisplatin' }], settings: 'any' }]);
  });

  it('does not read the plan for the study treatment as a history', () => {
    expect(
      therapies(
        inc('A boost will be given to patients who have undergone induction chemotherapy.'),
      ),
    ).toEqual([]);
  });

  it('merges a therapy named twice into one requirement', () => {
    expect(therapies(inc('Received gefitinib and progressed while on gefitinib.'))).toEqual([
      { effect: 'require', anyOf: [{ drug: 'gefitinib' }], settings: 'any', progressed: true },
    ]);
  });

  it('drops a partner named in a "(combined …)" aside', () => {
    expect(
      therapies(inc('Progressed on an anti-PD-1 antibody (combined with chemotherapy or not).')),
    ).toEqual([
      { effect: 'require', anyOf: [{ class: 'anti_pd1_pdl1' }], settings: 'any', progressed: true },
    ]);
  });
});

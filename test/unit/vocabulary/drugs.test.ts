import { describe, expect, it } from 'vitest';
import { THERAPY_CLASSES } from '#vocabulary/codes.ts';
import {
  DRUGS,
  drugClasses,
  lookupDrug,
  lookupTherapyClass,
  therapyClassesIn,
} from '#vocabulary/drugs.ts';

describe('lookupDrug', () => {
  it.each([
    ['AZD9291', 'osimertinib'],
    ['Tagrisso', 'osimertinib'],
    ['MK-3475', 'pembrolizumab'],
    ['Keytruda®', 'pembrolizumab'],
    ['AMG 510', 'sotorasib'],
    ['amg-510', 'sotorasib'],
    ['AMG510', 'sotorasib'],
    ['MRTX849', 'adagrasib'],
    ['DS-8201a', 'trastuzumab deruxtecan'],
    ['T-DXd', 'trastuzumab deruxtecan'],
    ['RMC-6236', 'daraxonrasib'],
    ['Dato-DXd', 'datopotamab deruxtecan'],
    ['almonertinib', 'aumolertinib'],
    ['nab-paclitaxel', 'nab-paclitaxel'],
    ['Abraxane', 'nab-paclitaxel'],
    ['Alimta', 'pemetrexed'],
    ['Lenvima', 'lenvatinib'],
    ['rivoceranib', 'apatinib'],
    ['XL184', 'cabozantinib'],
    ['Zactima', 'vandetanib'],
  ])('%s → %s', (name, drug) => {
    expect(lookupDrug(name)?.drug).toBe(drug);
  });

  it('returns undefined for an unknown name', () => {
    expect(lookupDrug('aspirin')).toBeUndefined();
    expect(lookupDrug('')).toBeUndefined();
  });

  it('gives each drug its classes', () => {
    expect(drugClasses('osimertinib').sort()).toEqual(['egfr_tki', 'egfr_tki_3rd_gen']);
    expect(drugClasses('gefitinib')).toEqual(['egfr_tki']);
    expect(drugClasses('carboplatin').sort()).toEqual(['chemotherapy', 'platinum_chemotherapy']);
    expect(drugClasses('pemetrexed').sort()).toEqual(['chemotherapy', 'pemetrexed']);
    expect(drugClasses('docetaxel').sort()).toEqual(['chemotherapy', 'docetaxel', 'taxane']);
    expect(drugClasses('paclitaxel')).not.toContain('docetaxel');
    expect(drugClasses('Keytruda')).toEqual(['anti_pd1_pdl1']);
    expect(drugClasses('durvalumab')).toEqual(['anti_pd1_pdl1']);
    expect(drugClasses('sotorasib')).toEqual(['kras_g12c_inhibitor']);
    expect(drugClasses('amivantamab')).toEqual(['egfr_met_bispecific']);
    expect(drugClasses('unknown-drug')).toEqual([]);
  });

  it('uses only closed-vocabulary classes and has no name pointing at two drugs', () => {
    const seen = new Map<string, string>();
    for (const entry of DRUGS) {
      for (const cls of entry.classes) expect(THERAPY_CLASSES).toContain(cls);
      for (const name of [entry.drug, ...entry.aliases]) {
        const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
        const previous = seen.get(key);
        if (previous) expect(previous).toBe(entry.drug);
        seen.set(key, entry.drug);
      }
    }
  });
});

describe('lookupTherapyClass', () => {
  it.each([
    ['anti-PD-(L)1', 'anti_pd1_pdl1'],
    ['anti-PD-1/PD-L1 antibody', 'anti_pd1_pdl1'],
    ['PD-1/PD-L1 inhibitors', 'anti_pd1_pdl1'],
    ['immune checkpoint inhibitor', 'anti_pd1_pdl1'],
    ['platinum-based chemotherapy', 'platinum_chemotherapy'],
    ['platinum doublet', 'platinum_chemotherapy'],
    ['third-generation EGFR TKI', 'egfr_tki_3rd_gen'],
    ['3rd generation EGFR-TKI', 'egfr_tki_3rd_gen'],
    ['EGFR tyrosine kinase inhibitor', 'egfr_tki'],
    ['ALK inhibitor', 'alk_tki'],
    ['KRAS G12C inhibitor', 'kras_g12c_inhibitor'],
    ['anti-CTLA-4 antibody', 'anti_ctla4'],
    ['taxane', 'taxane'],
    ['cytotoxic chemotherapy', 'chemotherapy'],
    ['thoracic radiotherapy', 'radiotherapy'],
    ['cytotoxic T-lymphocyte-associated protein 4 antibody', 'anti_ctla4'],
    ['agents aimed at T-cell co-stimulation', 'anti_pd1_pdl1'],
    ['an anti-KRAS agent', 'kras_g12c_inhibitor'],
    ['drugs targeting the HGF/MET pathway', 'met_inhibitor'],
    ['VEGF receptor inhibitors', 'anti_vegf'],
    ['PD-1 or PD-L1 antibodies', 'anti_pd1_pdl1'],
    ['EGFR-MET bispecific antibody', 'egfr_met_bispecific'],
  ])('%s → %s', (phrase, cls) => {
    expect(lookupTherapyClass(phrase)).toBe(cls);
  });

  it('finds several classes in one phrase', () => {
    expect(therapyClassesIn('platinum-based chemotherapy and an anti-PD-(L)1')).toEqual(
      expect.arrayContaining(['platinum_chemotherapy', 'anti_pd1_pdl1']),
    );
  });

  it('names nothing for unrelated text', () => {
    expect(lookupTherapyClass('adequate organ function')).toBeUndefined();
  });
});

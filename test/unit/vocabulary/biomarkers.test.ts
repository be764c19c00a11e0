import { describe, expect, it } from 'vitest';
import { alterationIn, normaliseBiomarker, normaliseGene } from '#vocabulary/biomarkers.ts';

describe('normaliseGene', () => {
  it.each([
    ['HER2', 'ERBB2'],
    ['her-2', 'ERBB2'],
    ['ERBB2', 'ERBB2'],
    ['PD-L1', 'PD-L1'],
    ['pdl1', 'PD-L1'],
    ['c-MET', 'MET'],
    ['egfr', 'EGFR'],
    ['LKB1', 'STK11'],
  ])('%s → %s', (name, gene) => {
    expect(normaliseGene(name)).toBe(gene);
  });
  it('rejects unknown genes', () => {
    expect(normaliseGene('BRCA1')).toBeUndefined();
  });
});

describe('normaliseBiomarker', () => {
  it.each([
    ['EGFR', 'Ex19del', 'EGFR', 'exon19del'],
    ['EGFR', 'del19', 'EGFR', 'exon19del'],
    ['EGFR', 'exon 19 deletion', 'EGFR', 'exon19del'],
    ['EGFR', 'E746_A750del', 'EGFR', 'exon19del'],
    ['EGFR', 'p.Leu858Arg', 'EGFR', 'L858R'],
    ['EGFR', 'p.L858R', 'EGFR', 'L858R'],
    ['EGFR', 'exon 21 L858R', 'EGFR', 'L858R'],
    ['EGFR', 'T790M', 'EGFR', 'T790M'],
    ['EGFR', 'exon 20 insertion', 'EGFR', 'exon20ins'],
    ['EGFR', 'ex20ins', 'EGFR', 'exon20ins'],
    ['EGFR', 'G719A', 'EGFR', 'G719X'],
    ['EGFR', 'E709K', 'EGFR', 'other'],
    ['ALK', 'rearrangement', 'ALK', 'fusion'],
    ['ALK', 'EML4-ALK', 'ALK', 'fusion'],
    ['ROS1', 'CD74-ROS1', 'ROS1', 'fusion'],
    ['MET', 'METex14', 'MET', 'exon14_skipping'],
    ['MET', 'exon 14 skipping', 'MET', 'exon14_skipping'],
    ['MET', 'amplification', 'MET', 'amplification'],
    ['MET', 'IHC 3+', 'MET', 'overexpression'],
    ['KRAS', 'G12C', 'KRAS', 'G12C'],
    ['KRAS', 'p.Gly12Cys', 'KRAS', 'G12C'],
    ['KRAS', 'G13D', 'KRAS', 'other'],
    ['BRAF', 'V600E', 'BRAF', 'V600E'],
    ['BRAF', 'p.Val600Glu', 'BRAF', 'V600E'],
    ['BRAF', 'non-V600', 'BRAF', 'non_V600'],
    ['HER2', 'exon 20 insertion', 'ERBB2', 'exon20ins'],
    ['HER2', 'amplification', 'ERBB2', 'amplification'],
    ['HER2', 'IHC 3+', 'ERBB2', 'overexpression'],
    ['HER2', 'mutation', 'ERBB2', 'mutation'],
    ['RET', 'KIF5B-RET', 'RET', 'fusion'],
    ['NRG1', 'fusion', 'NRG1', 'fusion'],
    ['EGFR', 'L858R', 'EGFR', 'L858R'],
  ])('%s %s → %s %s', (gene, alteration, g, a) => {
    expect(normaliseBiomarker(gene, alteration)).toEqual({ gene: g, alteration: a });
  });

  it.each([
    ['EML4-ALK', 'ALK', 'fusion'],
    ['METex14', 'MET', 'exon14_skipping'],
    ['Ex19del', 'EGFR', 'exon19del'],
    ['EGFR L858R', 'EGFR', 'L858R'],
    ['KRAS G12C', 'KRAS', 'G12C'],
    ['HER2 exon 20 insertion', 'ERBB2', 'exon20ins'],
  ])('combined spelling %s → %s %s', (text, g, a) => {
    expect(normaliseBiomarker(text)).toEqual({ gene: g, alteration: a });
  });

  it('keeps the gene alone when no alteration is given', () => {
    expect(normaliseBiomarker('HER2')).toEqual({ gene: 'ERBB2' });
    expect(normaliseBiomarker('HER2', 'positive')).toEqual({ gene: 'ERBB2' });
    expect(normaliseBiomarker('PD-L1')).toEqual({ gene: 'PD-L1' });
  });

  it('refuses what it does not understand', () => {
    expect(normaliseBiomarker('BRCA2')).toBeUndefined();
    expect(normaliseBiomarker('EGFR', 'banana')).toBeUndefined();
    expect(normaliseBiomarker('ALK', 'L858R')).toBeUndefined();
  });
});

describe('alterationIn', () => {
  it('does not confuse HER2 mutation with amplification or IHC', () => {
    expect(alterationIn('ERBB2', 'HER2 mutation')).toBe('mutation');
    expect(alterationIn('ERBB2', 'HER2 IHC 3+')).toBe('overexpression');
    expect(alterationIn('ERBB2', 'HER2 amplification')).toBe('amplification');
  });
  it('tells exon 20 insertion from exon 19 deletion', () => {
    expect(alterationIn('EGFR', 'EGFR exon 20 insertion mutations')).toBe('exon20ins');
    expect(alterationIn('EGFR', 'exon 19 deletion')).toBe('exon19del');
  });
});

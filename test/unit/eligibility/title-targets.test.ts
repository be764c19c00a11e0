/** The driver a trial is built for, read from its title when its criteria name none. */
import { describe, expect, it } from 'vitest';
import { titleTargets } from '#eligibility/title-targets.ts';

describe('titleTargets', () => {
  it.each([
    ['A new drug in NSCLC patients with EGFR mutation', [{ gene: 'EGFR' }]],
    ['Drug X for EGFR-mutated lung cancer', [{ gene: 'EGFR' }]],
    ['Drug Y in ALK+ NSCLC', [{ gene: 'ALK' }]],
    ['Drug Z for ROS1-positive NSCLC', [{ gene: 'ROS1' }]],
    ['Drug W in KRAS G12C-mutant NSCLC', [{ gene: 'KRAS', alteration: 'G12C' }]],
    ['Drug V for HER2 exon 20 insertion mutations', [{ gene: 'ERBB2', alteration: 'exon20ins' }]],
    ['Drug U in MET exon 14 skipping NSCLC', [{ gene: 'MET', alteration: 'exon14_skipping' }]],
  ])('"%s"', (title, refs) => {
    expect(titleTargets(title)).toEqual(refs);
  });

  it.each([
    'Drug X after progression on an EGFR TKI',
    'Drug X in HR+/HER2-negative breast cancer',
    'Drug X in KRAS wild-type colorectal cancer',
    'Drug X for acquired resistance to EGFR-TKI',
    'Drug X for NSCLC without EGFR mutations',
    'Drug X in NSCLC with uncommon EGFR mutations',
    'Patients who met the criteria for surgery',
  ])('"%s" names no target', (title) => {
    expect(titleTargets(title)).toEqual([]);
  });
});

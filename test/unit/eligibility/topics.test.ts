/** Unread requirements about what a profile states are flagged; the rest stay to discuss. */
import { describe, expect, it } from 'vitest';
import { profileTopicOf } from '#eligibility/topics.ts';

describe('profileTopicOf', () => {
  it.each([
    ['Tumour must carry a PACC-class EGFR variant confirmed by a central lab', 'biomarker'],
    ['MET overexpression by immunohistochemistry', 'biomarker'],
    ['Received at least three months of a TKI without progression', 'prior_therapy'],
    ['Progressed after an antibody drug conjugate such as datopotamab deruxtecan', 'prior_therapy'],
    ['Currently on brigatinib for at least 3 to 9 months', 'prior_therapy'],
    ['Candidates for resection of a stage II tumour after induction', 'stage'],
  ])('"%s" is about %s', (text, topic) => {
    expect(profileTopicOf(text, 'inclusion')).toBe(topic);
  });

  it.each([
    'Adequate bone marrow function: neutrophils ≥ 1.5 × 10^9/L',
    'Signed informed consent before any study procedure',
    'At least one measurable lesion per RECIST 1.1 outside an irradiated field',
    'No chemotherapy within 21 days before the first dose',
    'Known hypersensitivity to pembrolizumab or its excipients',
    'Toxicities of prior radiotherapy resolved to grade 1',
    'Patients with stable brain metastases may be enrolled',
    'Archival tumour tissue sample available for EGFR testing',
    'For the breast cancer cohort: HER2-low disease by local testing',
    'Previously treated disease (for the dose-escalation part)',
    'Metastatic disease, including patients with driver alterations',
    'Life expectancy of at least 12 weeks',
  ])('"%s" stays to discuss', (text) => {
    expect(profileTopicOf(text, 'inclusion')).toBeUndefined();
  });

  it('leaves unread exclusions to discuss (they are mostly about harms)', () => {
    expect(profileTopicOf('Prior treatment with an EGFR TKI', 'inclusion')).toBe('prior_therapy');
    expect(profileTopicOf('Prior treatment with an EGFR TKI', 'exclusion')).toBeUndefined();
  });
});

/**
 * The closed vocabularies of the product, shared by the profile (public contract, see
 * shared/product/PROFILE.md), the extractor's facts and the matcher. Add codes; never rename.
 */

export const HISTOLOGIES = ['adenocarcinoma', 'squamous', 'large_cell', 'nsclc_nos'] as const;
export type Histology = (typeof HISTOLOGIES)[number];

export const STAGES = [
  'IA',
  'IA1',
  'IA2',
  'IA3',
  'IB',
  'IIA',
  'IIB',
  'IIIA',
  'IIIB',
  'IIIC',
  'IVA',
  'IVB',
  'I',
  'II',
  'III',
  'IV',
] as const;
export type Stage = (typeof STAGES)[number];

/** The finest AJCC 8 groups, in order of extent. */
export const FINE_STAGES = [
  'IA1',
  'IA2',
  'IA3',
  'IB',
  'IIA',
  'IIB',
  'IIIA',
  'IIIB',
  'IIIC',
  'IVA',
  'IVB',
] as const satisfies readonly Stage[];

/** Each stage code as the set of finest groups it covers ("III" → IIIA, IIIB, IIIC). */
export const STAGE_LEAVES: Record<Stage, readonly Stage[]> = {
  IA: ['IA1', 'IA2', 'IA3'],
  IA1: ['IA1'],
  IA2: ['IA2'],
  IA3: ['IA3'],
  IB: ['IB'],
  I: ['IA1', 'IA2', 'IA3', 'IB'],
  IIA: ['IIA'],
  IIB: ['IIB'],
  II: ['IIA', 'IIB'],
  IIIA: ['IIIA'],
  IIIB: ['IIIB'],
  IIIC: ['IIIC'],
  III: ['IIIA', 'IIIB', 'IIIC'],
  IVA: ['IVA'],
  IVB: ['IVB'],
  IV: ['IVA', 'IVB'],
};

export const GENES = [
  'EGFR',
  'ALK',
  'ROS1',
  'BRAF',
  'KRAS',
  'MET',
  'RET',
  'NTRK1',
  'NTRK2',
  'NTRK3',
  'ERBB2',
  'NRG1',
  'PD-L1',
  'TMB',
  'STK11',
  'KEAP1',
  'FGFR1',
  'PIK3CA',
  'TP53',
  'MSI',
] as const;
export type Gene = (typeof GENES)[number];

/** Alteration codes per gene, exactly as PROFILE.md lists them. */
export const ALTERATIONS_BY_GENE = {
  EGFR: ['exon19del', 'L858R', 'T790M', 'C797S', 'exon20ins', 'G719X', 'L861Q', 'S768I', 'other'],
  ALK: ['fusion'],
  ROS1: ['fusion'],
  RET: ['fusion'],
  NTRK1: ['fusion'],
  NTRK2: ['fusion'],
  NTRK3: ['fusion'],
  NRG1: ['fusion'],
  BRAF: ['V600E', 'non_V600'],
  KRAS: ['G12C', 'G12D', 'G12V', 'other'],
  MET: ['exon14_skipping', 'amplification', 'overexpression'],
  ERBB2: ['mutation', 'exon20ins', 'amplification', 'overexpression'],
  'PD-L1': [],
  TMB: [],
  STK11: ['mutation', 'amplification'],
  KEAP1: ['mutation', 'amplification'],
  FGFR1: ['mutation', 'amplification'],
  PIK3CA: ['mutation', 'amplification'],
  TP53: ['mutation', 'amplification'],
  MSI: ['mutation', 'amplification'],
} as const satisfies Record<Gene, readonly string[]>;

export const ALTERATIONS = [
  ...new Set(Object.values(ALTERATIONS_BY_GENE).flat()),
] as readonly string[];
export type Alteration = (typeof ALTERATIONS_BY_GENE)[Gene][number];

export const BIOMARKER_STATUSES = ['positive', 'negative'] as const;
export type BiomarkerStatus = (typeof BIOMARKER_STATUSES)[number];

export const THERAPY_CLASSES = [
  'platinum_chemotherapy',
  'chemotherapy',
  'pemetrexed',
  'taxane',
  'docetaxel',
  'anti_pd1_pdl1',
  'anti_ctla4',
  'egfr_tki',
  'egfr_tki_3rd_gen',
  'alk_tki',
  'ros1_tki',
  'kras_g12c_inhibitor',
  'met_inhibitor',
  'ret_inhibitor',
  'ntrk_inhibitor',
  'braf_mek',
  'her2_directed',
  'egfr_met_bispecific',
  'adc_trop2',
  'anti_vegf',
  'radiotherapy',
  'surgery',
] as const;
export type TherapyClass = (typeof THERAPY_CLASSES)[number];

export const THERAPY_SETTINGS = ['neoadjuvant', 'adjuvant', 'consolidation', 'metastatic'] as const;
export type TherapySetting = (typeof THERAPY_SETTINGS)[number];

export const BRAIN_METASTASES = [
  'none',
  'treated_stable',
  'untreated_asymptomatic',
  'active',
  'leptomeningeal',
] as const;
export type BrainMetastases = (typeof BRAIN_METASTASES)[number];

export const SEXES = ['female', 'male'] as const;
export type Sex = (typeof SEXES)[number];

/** ClinicalTrials.gov `overallStatus` values (API v2 `Status` enum). */
export const OVERALL_STATUSES = [
  'RECRUITING',
  'NOT_YET_RECRUITING',
  'ENROLLING_BY_INVITATION',
  'ACTIVE_NOT_RECRUITING',
  'COMPLETED',
  'SUSPENDED',
  'TERMINATED',
  'WITHDRAWN',
  'AVAILABLE',
  'NO_LONGER_AVAILABLE',
  'TEMPORARILY_NOT_AVAILABLE',
  'APPROVED_FOR_MARKETING',
  'WITHHELD',
  'UNKNOWN',
] as const;
export type OverallStatus = (typeof OVERALL_STATUSES)[number];

export const DEFAULT_STATUSES: readonly OverallStatus[] = [
  'RECRUITING',
  'NOT_YET_RECRUITING',
  'ENROLLING_BY_INVITATION',
];

export const PHASES = ['EARLY_PHASE1', 'PHASE1', 'PHASE2', 'PHASE3', 'PHASE4', 'NA'] as const;
export type Phase = (typeof PHASES)[number];

/** Site statuses at which a patient can be referred today. */
export const RECRUITING_SITE_STATUSES = [
  'RECRUITING',
  'NOT_YET_RECRUITING',
  'ENROLLING_BY_INVITATION',
];

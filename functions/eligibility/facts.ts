/**
 * TrialFacts: what the extractor derives from one study, once, at ingest; what the matcher
 * evaluates against a profile. This is the contract between `eligibility/` and `matching/`.
 *
 * Design:
 * - A trial is a list of criteria. Each criterion is a *predicate about the patient* plus an
 *   `effect`: `require` (the patient must satisfy the predicate) or `forbid` (a patient who
 *   satisfies it is excluded). The section of the source text (inclusion / exclusion) is kept
 *   in the evidence for display; the effect is what counts. Usually inclusion → require and
 *   exclusion → forbid, but "Absence of sensitizing EGFR mutations" under inclusion is a
 *   `forbid` of EGFR-sensitizing (with `knownOnly: false`: it needs a stated negative).
 * - Every criterion carries the trial's own words (`evidence.quote`, verbatim from the item,
 *   markdown escapes removed) so that the response can quote it.
 * - Cohorts: a criterion with `cohorts` applies only to those cohorts; without, to all. The
 *   matcher evaluates the trial once per cohort (global criteria + that cohort's) and keeps
 *   the best verdict (PROFILE rule 7).
 * - Anything the extractor cannot classify becomes an `unclassified` item ("to discuss with
 *   your doctor"), never a guess.
 *
 * Evolve additively: new optional fields or new criterion kinds; bump EXTRACTOR_VERSION.
 */
import type {
  Alteration,
  BrainMetastases,
  Gene,
  Histology,
  Sex,
  Stage,
  TherapyClass,
} from '#vocabulary/codes.ts';

export type Section = 'inclusion' | 'exclusion';
export type Effect = 'require' | 'forbid';

export interface Evidence {
  /** The criterion item's text, verbatim but unescaped (`\<` → `<`). */
  quote: string;
  section: Section;
  /** The cohort/part heading the item sat under, as written ("Cohort 2", "Part A"). */
  heading?: string | undefined;
}

interface CriterionBase {
  effect: Effect;
  evidence: Evidence;
  /** Normalised cohort labels this criterion applies to (see TrialFacts.cohorts); absent = all. */
  cohorts?: string[] | undefined;
}

/** A trial's stance on NSCLC itself, per cohort when the text says so ("NSCLC for Part 1"). */
export interface DiagnosisCriterion extends CriterionBase {
  kind: 'diagnosis';
  /** require: the cohort enrols NSCLC; forbid: the cohort does not enrol NSCLC. */
}

export interface HistologyCriterion extends CriterionBase {
  kind: 'histology';
  /** require: histology must be one of these; forbid: must not be any of these. */
  histologies: Histology[];
}

/**
 * Disease-setting terms, with the meaning PROFILE rule 10 gives them:
 * - metastatic: stage IV (IVA, IVB)
 * - advanced: not amenable to curative therapy: met by IV or recurrent, conflicts with I–II,
 *   unknown for III
 * - locally_advanced_unresectable: stage III not for surgery; unknown for III unless resected
 * - recurrent: the cancer came back after curative-intent treatment
 * - resectable / resected / early: curative-intent surgical settings; conflict with IV
 */
export const SETTINGS = [
  'metastatic',
  'advanced',
  'locally_advanced_unresectable',
  'recurrent',
  'resectable',
  'resected',
  'early',
] as const;
export type DiseaseSetting = (typeof SETTINGS)[number];

export interface StageCriterion extends CriterionBase {
  kind: 'stage';
  /**
   * Alternatives (OR): the patient fits if any stage or setting listed fits. Stages are the
   * groups the text names explicitly ("stage IIIB–IV" → ['IIIB','IIIC','IVA','IVB']).
   */
  stages: Stage[];
  settings: DiseaseSetting[];
}

/**
 * One biomarker alternative. `alteration` absent = any alteration of the gene ("EGFR-mutant"
 * = any EGFR mutation; HER2 without alteration = any of its kinds). For umbrella terms the
 * extractor expands the group (rule 5): "EGFR-sensitizing" = two refs, exon19del and L858R.
 */
export interface BiomarkerRef {
  gene: Gene;
  alteration?: Alteration | undefined;
}

export interface BiomarkerCriterion extends CriterionBase {
  kind: 'biomarker';
  /** Alternatives (OR). */
  anyOf: BiomarkerRef[];
  /**
   * Rule 2: "known EGFR mutation" speaks only of what is stated, so an unstated gene
   * counts as not having it. Without knownOnly, an unstated gene is unknown (rule 3).
   */
  knownOnly?: boolean | undefined;
}

/** A requirement that a biomarker's status be known/tested ("must have known PD-L1 expression"). */
export interface BiomarkerTestedCriterion extends CriterionBase {
  kind: 'biomarker_tested';
  genes: Gene[];
}

/** PD-L1 tumour proportion score range, in % (inclusive bounds unless said otherwise). */
export interface PdL1Criterion extends CriterionBase {
  kind: 'pdl1';
  min?: number | undefined;
  minExclusive?: boolean | undefined;
  max?: number | undefined;
  maxExclusive?: boolean | undefined;
}

/** TMB in mutations/Mb. */
export interface TmbCriterion extends CriterionBase {
  kind: 'tmb';
  min?: number | undefined;
  max?: number | undefined;
}

export interface TherapyRef {
  /** Canonical drug name (see vocabulary/drugs), or a class. Exactly one of the two. */
  drug?: string | undefined;
  class?: TherapyClass | undefined;
}

/**
 * Prior therapy received (require: must have had; forbid: must not have had).
 * `settings`: which treatment settings count. 'any' (the default): any setting ("in any
 * setting", "prior EGFR TKI"); 'advanced': only treatment for advanced/metastatic disease
 * (the text says adjuvant does not count, or says "for metastatic disease").
 */
export interface PriorTherapyCriterion extends CriterionBase {
  kind: 'prior_therapy';
  anyOf: TherapyRef[];
  settings?: 'any' | 'advanced' | undefined;
  /** require only: the patient must have progressed on it ("progressed on platinum"). */
  progressed?: boolean | undefined;
}

/** No prior systemic therapy for advanced disease ("treatment-naive", "first-line"). */
export interface TreatmentNaiveCriterion extends CriterionBase {
  kind: 'treatment_naive';
  /** true when adjuvant/neoadjuvant treatment also breaks naivety per the text. */
  includesPerioperative?: boolean | undefined;
}

/** Number of prior lines of systemic therapy for advanced disease, inclusive bounds. */
export interface PriorLinesCriterion extends CriterionBase {
  kind: 'prior_lines';
  min?: number | undefined;
  max?: number | undefined;
  /** true when the text says adjuvant/neoadjuvant counts as a line. */
  countsPerioperative?: boolean | undefined;
}

/**
 * Brain metastases. forbid: patients in any of `states` are excluded ("active or untreated
 * CNS metastases" → ['untreated_asymptomatic','active','leptomeningeal']; a blanket "CNS
 * metastases" exclusion lists every state but 'none'). require: the patient must be in one
 * of `states` (a trial for brain metastases).
 */
export interface BrainMetastasesCriterion extends CriterionBase {
  kind: 'brain_metastases';
  states: Exclude<BrainMetastases, 'none'>[] | BrainMetastases[];
}

/** ECOG performance status maximum (Karnofsky converted: KPS ≥ 70 → ECOG ≤ 2, ≥ 80 → ≤ 1). */
export interface EcogCriterion extends CriterionBase {
  kind: 'ecog';
  max: number;
  min?: number | undefined;
}

/** From the structured eligibility fields (minimumAge/maximumAge), or from the text. */
export interface AgeCriterion extends CriterionBase {
  kind: 'age';
  min?: number | undefined;
  max?: number | undefined;
}

export interface SexCriterion extends CriterionBase {
  kind: 'sex';
  sex: Sex;
}

/** What a profile states, for an item about it that the extractor could not read. */
export type ProfileTopic =
  | 'biomarker'
  | 'prior_therapy'
  | 'stage'
  | 'brain_metastases'
  | 'performance'
  | 'histology';

/**
 * An item the extractor could not read. Without `topic`: one no profile can decide (labs,
 * organ function, consent, contraception, washouts), "to discuss with your doctor". With
 * `topic`: it speaks of something a profile states, so it is unknown for every profile (the
 * trial is at best `possible`) and its words are shown as the reason.
 */
export interface UnclassifiedCriterion extends CriterionBase {
  kind: 'unclassified';
  topic?: ProfileTopic | undefined;
}

export type Criterion =
  | DiagnosisCriterion
  | HistologyCriterion
  | StageCriterion
  | BiomarkerCriterion
  | BiomarkerTestedCriterion
  | PdL1Criterion
  | TmbCriterion
  | PriorTherapyCriterion
  | TreatmentNaiveCriterion
  | PriorLinesCriterion
  | BrainMetastasesCriterion
  | EcogCriterion
  | AgeCriterion
  | SexCriterion
  | UnclassifiedCriterion;

export type CriterionKind = Criterion['kind'];

/**
 * Does the trial enrol people with NSCLC at all?
 * - nsclc: NSCLC only
 * - lung: lung cancer including NSCLC (e.g. NSCLC and SCLC)
 * - basket: solid-tumour basket whose criteria admit NSCLC
 * - not_nsclc: SCLC-only, mesothelioma, other cancers, non-cancer
 * - unknown: cannot tell (kept `possible`, never excluded on that ground)
 */
export type NsclcScope = 'nsclc' | 'lung' | 'basket' | 'not_nsclc' | 'unknown';

export interface TrialFacts {
  extractorVersion: string;
  scope: { value: NsclcScope; evidence?: Evidence | undefined };
  /** Normalised cohort labels found in the criteria ("cohort 2", "part a"); empty = one cohort. */
  cohorts: string[];
  criteria: Criterion[];
  /**
   * Biomarker genes/alterations the trial is *built for* (required in some cohort), for
   * ranking "a trial built for the patient's driver" before all-comers trials.
   */
  targets: BiomarkerRef[];
}

type WithoutEvidence<C> = C extends Criterion ? Omit<C, 'evidence'> : never;

/**
 * A criterion without its words: all that deciding it takes. The matcher's index holds
 * these (interned across trials) and fetches the quotes only for the results it returns.
 * Every Criterion is a Predicate.
 */
export type Predicate = WithoutEvidence<Criterion>;
/** The predicate of one criterion kind. */
export type PredicateOf<K extends CriterionKind> = Extract<Predicate, { kind: K }>;

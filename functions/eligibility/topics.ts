/**
 * What an item the extractor could not read is about, when it is about something a profile
 * states (PROFILE.md "Verdicts": cancer type, histology, stage, biomarkers, prior therapies and
 * lines, brain metastases, performance status). Such an item still decides who may enrol, so
 * the matcher counts it as unknown: the trial is at best `possible`, never `eligible` on an
 * unread requirement. Items about what no profile states (washout windows, hypersensitivity,
 * toxicities, other cancers, organs, consent) stay "to discuss with your doctor".
 */
import type { ProfileTopic, Section } from './facts.ts';
import { fold, stripPermissions } from './text.ts';
import { therapyMentions } from './therapy-criteria.ts';

/** Cancers other than lung: an item about one of them is not about this patient. */
const OTHER_CANCER =
  /\b(?:esophag\w*|oesophag\w*|escc|nasopharyn\w*|glioblastoma|glioma|sarcoma|lymphoma|leuka?emia|myeloma|mesothelioma|breast|gastric|gastro-?oesophageal|gastro-?esophageal|colorectal|colon|pancrea\w*|ovarian|prostate|bladder|urothelial|melanoma|thyroid|cholangio\w*|endometrial|cervical|head and neck|renal|hepatocellular)\b/;

/** Words that make an item about timing, tolerance or another disease, whatever it names. */
const NOT_A_PROFILE_FACT = new RegExp(
  [
    String.raw`\bwithin (?:the )?(?:last |past |previous )?\d+`,
    String.raw`\b\d+\s*(?:days?|weeks?|months?|half-li(?:fe|ves))\s+(?:prior|before|from|since)\b`,
    String.raw`\bwash-?out\b`,
    String.raw`\bhalf-li(?:fe|ves)\b`,
    'hypersensitiv|allerg|intoleran|contraindicat',
    String.raw`toxicit|adverse (?:event|reaction)|\bctcae\b|\bgrade [0-5≥>]`,
    'malignanc|other (?:primary )?(?:cancer|tumou?r)|second (?:primary|cancer)',
    'pregnan|breast-?feed|contracepti',
    String.raw`\binvestigational (?:agent|product|drug|device)\b|\bclinical (?:trial|study)\b`,
    String.raw`\bvaccin`,
    // Disease measurement, samples and organ function name stages or treatments in passing.
    String.raw`measurable|evaluable|\brecist\b|\blesions?\b|irradiated`,
    String.raw`\b(?:samples?|biops(?:y|ies)|specimens?|archival|tissue blocks?)\b`,
    String.raw`\b(?:alt|ast|bilirubin|uln|creatinine|hemoglobin|neutrophil|platelet)\b`,
    'swallow|recovered|autoimmun|pneumonitis|interstitial',
    String.raw`\b(?:candidate|will receive|scheduled to receive|planned)\b`,
    String.raw`aminotransferase|transaminase|\b(?:ct|pet|mri|imaging|scans?)\b`,
    String.raw`\bat least (?:\d+|one|two|three|four|six) (?:days?|weeks?|months?) (?:after|since|from)\b`,
    String.raw`\b(?:could|can|may) be (?:enrolled|included)\b|\bwith or without\b`,
    // Scoped to a part the parser did not recognise, or with an open alternative: not a
    // requirement every patient must meet.
    String.raw`\bfor (?:the )?(?:phase|part|cohort|arm|dose[- ]escalation|dose[- ]expansion)\b`,
    String.raw`\bor (?:patients|participants|subjects) (?:for whom|who|whose)\b`,
    String.raw`\bincluding (?:those|patients|participants|driver|egfr|alk)\b`,
    // A cohort of another cancer in a basket trial: its requirements are not this patient's.
    OTHER_CANCER.source,
  ].join('|'),
);

const GENE = /\b(?:egfr|alk|ros-?1|kras|braf|ret|her-?2|erbb2|ntrk[1-3]?|nrg1|pd-?l1|tmb|pacc)\b/;
const DRIVER =
  /\b(?:driver|actionable|targetable|oncogenic)\b|\b(?:gene|genomic|molecular) (?:mutation|alteration|aberration|rearrangement|fusion)|\bmutations?\b.*\b(?:positive|negative|status)\b/;
const THERAPY_WORDS =
  /\b(?:tki|tkis|tyrosine kinase inhibitors?|chemotherapy|chemo-?radio|immunotherapy|checkpoint|anti-?pd-?l?1|anti-?ctla-?4|radiotherapy|radiation|chemoradiation|lines? of (?:systemic )?(?:therapy|treatment)|(?:first|second|third)-line|previously (?:treated|untreated)|treatment-?na[iï]ve|systemic (?:therapy|treatment)|(?:anti-?cancer|anticancer|anti-?tumou?r) (?:therapy|treatment)|progress(?:ed|ion) (?:on|after|during|following)|antibody[- ](?:drug[- ])?conjugates?|adcs?|bispecific (?:antibod(?:y|ies)|agents?))\b/;
const RESPONSE_ON_THERAPY =
  /\b(?:stable disease|(?:partial |complete |objective )?response|disease control|responding|responded|(?:no|without) (?:disease |radiological )?progression)\b[^.;]{0,60}\b(?:after|on|to|with|following|since|during|under)\b/;
const STAGE =
  /\bstage\s+(?:0|i{1,3}v?|iv|[1-4])[abc]?\b|\bmetasta|\blocally advanced\b|\b(?:un)?resect|\brecurren|\btnm\b|\bt[1-4][a-d]?\s*n[0-3]/;

/**
 * The profile topic of an unread inclusion item, or undefined (to discuss). Order matters only
 * for the label: "progressed on an EGFR TKI" names a gene but is about prior treatment.
 */
export function profileTopicOf(text: string, section: Section): ProfileTopic | undefined {
  // An unread exclusion is mostly about harms (toxicities, lung disease, autoimmunity) that
  // name treatments in passing: to discuss. An unread *requirement* about a profile fact is
  // what must never pass as met.
  if (section !== 'inclusion') return undefined;
  const folded = stripPermissions(fold(text));
  if (folded.trim() === '' || OTHER_CANCER.test(folded)) return undefined;
  // A response or stable disease on a named treatment ("stable disease after 3 months of
  // brigatinib per RECIST") is a treatment history, though it names RECIST or a duration.
  if (
    RESPONSE_ON_THERAPY.test(folded) &&
    !/\bstudy (?:drug|treatment|therapy)|\binvestigational\b/.test(folded) &&
    therapyMentions(folded).length > 0
  )
    return 'prior_therapy';
  // A stated result level ("MET IHC 1+, 2+ or 3+"), though in an item about samples.
  if (
    folded.length < 400 &&
    !/\bmbc\b/.test(folded) &&
    (GENE.test(folded) || /\bMET\b/.test(text)) &&
    /\b[0-3]\s?\+(?!\s*\d)|\bh-?score\b/.test(folded)
  )
    return 'biomarker';
  if (NOT_A_PROFILE_FACT.test(folded)) return undefined;
  if (THERAPY_WORDS.test(folded) || therapyMentions(folded).length > 0) return 'prior_therapy';
  // "MET" is a gene only in capitals; "met" is also a verb.
  if (GENE.test(folded) || /\bMET\b/.test(text) || DRIVER.test(folded)) return 'biomarker';
  if (STAGE.test(folded)) return 'stage';
  return undefined;
}

/**
 * Does the trial enrol people with NSCLC at all? Decided from the titles, conditions, keywords,
 * condition MeSH terms and the inclusion criteria; per-cohort stances ("non-small cell lung
 * cancer for Part 1" under exclusion, "Cohort 1: Biliary tract cancer") become `diagnosis`
 * criteria.
 *
 * A clinician's reading: a trial is for a person with NSCLC only when something in the record
 * shows that people with NSCLC, lung cancer, (advanced) solid tumours or "any cancer" are
 * enrolled. Everything else is `not_nsclc`: non-cancer studies (lung diseases that are not
 * cancer included), other-cancer-only, SCLC/neuroendocrine/mesothelioma-only, and studies of a
 * symptom or habit in people who have (had) some cancer, or screening/prevention in people
 * without it, unless lung cancer is named as the diagnosis enrolled. `unknown` is kept for
 * records that say "cancer" and leave the tumour type undecidable.
 */
import type { Study } from '#ctgov/study-schema.ts';
import type { CriteriaItem } from './criteria-parser.ts';
import type { DiagnosisCriterion, Evidence, NsclcScope } from './facts.ts';
import { fold } from './text.ts';

export const NSCLC_RE =
  /\bnon[- ]?small[- ]?cells?[- ]?(?:lung|carcinoma|cancer)|\bnsclc\b|\bnon-small-cell lung\b|\blung adenocarcinoma|\badenocarcinoma of the lung|\bsquamous(?: cell)? (?:lung|carcinoma of the lung|non)|\blung squamous|\bcarcinoma, non-small-cell/;
/** Lung cancer named as such: not "lung disease", "lung function" nor "Lung Diseases; Cancer". */
const LUNG_RE =
  /\blung (?:cancers?|carcinomas?|neoplasms?|tumou?rs?|malignan)|\b(?:cancers?|carcinomas?|neoplasms?|tumou?rs?)(?:,| of the| of)? lungs?\b|\bbronch(?:ogenic|ial|o-?pulmonary) (?:carcinoma|cancer)|\bcarcinoma,? bronchogenic|\bthoracic (?:cancers?|malignanc|oncology|tumou?rs?)|\blung(?:,| and| or| ?\/)(?: ?[a-z-]+,?){0,6} (?:cancers?|carcinomas?|tumou?rs|malignancies)\b/;
const SCLC_RE =
  /(?<!non[- ]?)\bsmall[- ]?cell lung|(?<!n)\bsclc\b|\bsmall cell carcinoma|\bextensive[- ]stage|\blimited[- ]stage small/;
const NE_RE =
  /\bneuroendocrine|\blcnec\b|\bcarcinoid\b|\bmesothelioma\b|\bthymoma\b|\bthymic carcinoma\b/;
/** A population of several tumour types: "solid tumours", "advanced malignancies", "any cancer". */
const BASKET_RE =
  /\bsolid tumou?rs?\b|\bsolid (?:malignan|cancer|neoplasm)|\badvanced (?:cancers|malignancies|tumou?rs)\b|\bmalignant (?:solid )?neoplasms?\b(?! of)|\bany (?:type of )?(?:solid )?(?:tumou?r|cancer|malignancy)\b|\bany tumou?r type\b|\btumou?r[- ]agnostic|\bpan[- ]tumou?r|\bmultiple tumou?r types|\bselected (?:solid )?tumou?rs?\b|\badvanced (?:or metastatic )?cancer\b(?! of)|\bmetastatic cancer\b(?! of)|\badvanced (?:solid )?malignanc/;
const CANCER_RE =
  /\bcancer|\bcarcinoma|\btumou?r|\bneoplas|\bmalignan|\boncolog|\blymphoma|\bleuka?emia|\bsarcoma|\bmelanoma|\bmyeloma|\bmetasta|\bglioma|\bglioblastoma|\bblastoma\b|\bmesothelioma/;
/** Used for cohort headings ("Cohort 1: Biliary tract cancer"). */
const OTHER_CANCER_RE =
  /\bbreast|\bprostat|\bcolorectal|\bcolon\b|\brectal\b|\bgastric|\boesophag|\besophag|\bpancrea|\bovari|\bcervical|\bcervix|\bendometri|\buterine|\bbladder|\burothel|\brenal cell|\bkidney|\bhepatocellular|\bliver cancer|\bbiliary|\bcholangio|\bhead and neck|\bnasopharyn|\bthyroid|\bglioma|\bglioblastoma|\bmelanoma|\blymphoma|\bleuka?emia|\bmyeloma|\bsarcoma|\bmyelodysplastic|\btesticular|\bgerm cell|\bneuroblastoma|\bmesothelioma|\bcutaneous|\bskin cancer|\bbasal cell/;
/** A tumour site or type other than the lung, for the trial-level decision. */
const OTHER_SITE_RE = new RegExp(
  `${OTHER_CANCER_RE.source}|\\bgallbladder|\\boral\\b|\\bmouth|\\btongue|\\blaryn|\\bpharyn|\\bbrain\\b|\\bmeningioma|\\bmedulloblastoma|\\bependymoma|\\bbone\\b|\\bosteosarcoma|\\bewing|\\banal\\b|\\banus\\b|\\banorectal|\\bgi\\b|\\bgastrointestinal|\\bperiampullary|\\bhpb\\b|\\bhepato|\\bliver\\b|\\bgyn(?:a)?ecolog|\\bvulva|\\bvagin|\\bpenile|\\bmerkel|\\buveal|\\bretinoblastoma|\\bnerve sheath|\\bha?ematopoietic|\\bha?ematolog|\\bmyelofibrosis|\\bmyeloproliferative|\\bplasmacytoid|\\bwaldenstr|\\bwilms|\\badrenal|\\bpheochromocytoma|\\bappendi|\\bperitone|\\bstomach|\\bgist\\b|\\bhodgkin|\\bsquamous cell carcinoma of the (?:skin|head|anal)`,
);
/** Words that leave a condition generic once removed ("Relapsed Malignant Solid Neoplasm"). */
const GENERIC_WORDS_RE =
  /\b(?:advanced|metastatic|metastases|locally|recurrent|relapsed|refractory|unresectable|inoperable|malignant|solid|adults?|cancers?|carcinomas?|neoplasms?|neoplasia|tumou?rs?|malignanc(?:y|ies)|oncology|patients?|people|stage|iv|iii|any|other|all|and|or|of|the|with|in|nos|primary|types?)\b/g;
/** Not a trial of the cancer: a symptom, habit, service or risk studied in people who have (had) one. */
const NOT_TUMOUR_DIRECTED_RE =
  /\bsurvivor|\bsmok|\btobacco|\bvaping|\be-?cigarette|\bcigarette|\bnicotine|\bcessation|\banxiety|\bdepress|\bdistress|\bquality of life|\bneuropath|\bnausea|\bvomit|\bemesis|\bemetogenic|\bfatigue|\binsomnia|\bsleep\b|\bexercise|\bphysical activity|\bdigital therapeutic|\bscreening\b|\bprevention|\berectile|\bcaregiver|\badverse events?|\bir-?aes?\b|\bpalliative|\bsymptom|\bcachexia|\bmucositis|\bpsycholog|\bmental health|\bwell-?being|\bhyponatr|\bsarcopenia|\bfrailty|\bseizure|\bantiepileptic|\bperi-?operative|\bpost-?operative|\bana?esthe|\bnutrition|\bpain\b|\b(?:rsv|influenza|flu|covid(?:-19)?|sars-cov-2|pneumococcal|zoster|shingles|hpv) vaccin|\bepidemiolog|\brisk factors?\b|\bhealth behaviou?r|\benvironmental exposure/;
const NOT_TUMOUR_DIRECTED_PURPOSES = new Set([
  'SUPPORTIVE_CARE',
  'PREVENTION',
  'SCREENING',
  'HEALTH_SERVICES_RESEARCH',
]);
/** People who do not have the cancer: screening, prevention, risk, cessation. */
const AT_RISK_RE =
  /\bscreening\b|\bearly detection|\bprevention|\bchemoprevention|\bcessation|\bquit(?:ting|line)?\b|\bat[- ]risk\b|\bhigh[- ]risk (?:individuals|people|persons|smokers|population)|\b(?:heavy|current|former) (?:or former )?smokers|\bhealthy (?:volunteers|subjects|adults|participants)/;
/** An inclusion item that names a diagnosis without enrolling it ("no history of cancer"). */
const NEGATED_RE =
  /^\W*(?:no|not|without|absence of|free of|exclud\w*|never)\b|\b(?:no|without|free of|history of|suspected|suspicio\w*)\b[^.;,]{0,40}(?<!anti-?)\b(?:cancers?|carcinomas?|malignan\w*|tumou?rs?|neoplasms?|nsclc|non-small|lung)\b|\bmust not be (?:enrolled|included)|\b(?:are|is) not eligible for (?:the |this )?(?:study|trial)|\bineligible for (?:the |this )?(?:study|trial)/;

export interface ScopeResult {
  value: NsclcScope;
  evidence?: Evidence | undefined;
  /** Cohort-level stances on NSCLC. */
  criteria: DiagnosisCriterion[];
}

/** "anaplastic lymphoma kinase" is a gene, not a lymphoma. */
const scopeFold = (text: string) => fold(text).replace(/\banaplastic lymphoma kinase\b/g, 'alk');
/** "tumor necrosis factor" is a cytokine, not a tumour. */
const withoutCytokines = (t: string) => t.replace(/\btumou?r necrosis factor\b/g, 'tnf');

function titles(study: Study): string[] {
  const id = study.protocolSection.identificationModule;
  return [id.briefTitle ?? '', id.officialTitle ?? ''].filter((t) => t.length > 0);
}

function conditionList(study: Study): string[] {
  return study.protocolSection.conditionsModule?.conditions ?? [];
}

function meshTerms(study: Study): string[] {
  return (study.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term);
}

function titleText(study: Study): string {
  return withoutCytokines(
    scopeFold(
      [
        ...titles(study),
        ...conditionList(study),
        ...(study.protocolSection.conditionsModule?.keywords ?? []),
        ...meshTerms(study),
      ].join(' | '),
    ),
  );
}

/** The record's primary purpose (a field the schema passes through untouched). */
function primaryPurpose(study: Study): string | undefined {
  const design: unknown = study.protocolSection.designModule;
  if (typeof design !== 'object' || design === null || !('designInfo' in design)) return undefined;
  const info: unknown = design.designInfo;
  if (typeof info !== 'object' || info === null || !('primaryPurpose' in info)) return undefined;
  return typeof info.primaryPurpose === 'string' ? info.primaryPurpose : undefined;
}

function isGenericCancer(condition: string): boolean {
  const f = withoutCytokines(scopeFold(condition));
  return CANCER_RE.test(f) && f.replace(GENERIC_WORDS_RE, ' ').replace(/[^a-z]+/g, '') === '';
}

/** Removes "non-small cell" so that SCLC patterns do not see NSCLC. */
const NSCLC_GLOBAL = new RegExp(NSCLC_RE.source, 'g');
const withoutNsclc = (t: string) =>
  t.replace(/\bnon[- ]?small[- ]?cells?\b/g, ' nsclc ').replace(NSCLC_GLOBAL, ' ');

/** NSCLC named as excluded in an inclusion item ("excluding … non-small cell lung cancer"). */
function nsclcNamedAsExcluded(folded: string): boolean {
  return /\b(?:exclud(?:ing|es|ed)|except|other than|not including|with the exception of)\b[^.]*?(?:non[- ]?small[- ]?cell|nsclc)/.test(
    folded,
  );
}

/** "brain metastases" is where a cancer spread, not another cancer. */
const withoutMetastasisSites = (t: string) =>
  t.replace(
    /\b(?:brain|bone|liver|adrenal|cns|leptomeningeal|peritoneal)(?: and \w+)? (?:metasta\w*|lesions?)/g,
    ' ',
  );
/** An inclusion item that states the diagnosis enrolled. */
const DIAGNOSIS_RE =
  /\b(?:diagnos\w*|confirmed|histolog\w*|cytolog\w*|documented|proven|stage [iv1-4]+|patients? with|participants? with|subjects? with)\b/;
/** Background in an item: an earlier study, not the population enrolled. */
const BACKGROUND_RE =
  /\b(?:has|have) (?:been )?(?:demonstrated|shown)|\bpreviously shown|\bstud(?:y|ies) (?:has|have) shown/;

/** "Any solid tumour", not "advanced cancer (of the cervix)". */
const ANY_SOLID_RE =
  /\bsolid (?:tumou?rs?|malignan|cancers?|neoplasms?)\b|\bany (?:type of )?(?:solid )?(?:tumou?r|cancer|malignancy)\b|\btumou?r[- ]agnostic|\bpan[- ]tumou?r/;
/** Words that introduce a closed list of tumour types. */
const LISTED_TYPES_RE = /\b(?:following|limited to|restricted to|only|one of|types?)\b|:/;
/** Other tumour types listed without "excluding"/"except" in front of them. */
const namesOtherSitesAsIncluded = (f: string) =>
  OTHER_SITE_RE.test(f.replace(/\b(?:exclud\w*|except|other than|not including)\b.*$/, ''));
export function extractScope(
  study: Study,
  items: CriteriaItem[],
  expand: (labels: string[]) => string[],
): ScopeResult {
  const criteria: DiagnosisCriterion[] = [];
  const inclusion = items.filter((i) => i.section === 'inclusion');

  const evidenceOf = (item: CriteriaItem): Evidence => ({
    quote: item.text,
    section: item.section,
    heading: item.heading,
  });

  // Cohort-level stances.
  for (const item of items) {
    const cohorts = item.labels.length > 0 ? expand(item.labels) : undefined;
    const f = item.folded;
    if (item.section === 'exclusion') {
      // "… or non-small cell lung cancer for Part 1."
      const m =
        /(?:non[- ]?small[- ]?cell lung cancer|nsclc)[^.;]*?\b(?:for|in)\s+((?:cohorts?|parts?|arms?)\s+[a-z0-9]+(?:\s*(?:,|and|or)\s*[a-z0-9]+)*)/.exec(
          f,
        );
      if (m?.[1]) {
        const labels = m[1]
          .replace(/^(cohort|part|arm)s?\s+/, '')
          .split(/\s*(?:,|and|or)\s*/)
          .map((id) => `${/^(cohort|part|arm)/.exec(m[1] ?? '')?.[1] ?? 'part'} ${id}`);
        criteria.push({
          kind: 'diagnosis',
          effect: 'forbid',
          evidence: evidenceOf(item),
          cohorts: expand(labels),
        });
      }
      continue;
    }
    if (!cohorts) continue;
    // Only items that name a tumour type speak to a cohort's cancer.
    const names = NSCLC_RE.test(f) || /\blung\b/.test(f);
    if (names && !nsclcNamedAsExcluded(f) && !/\bsmall[- ]cell lung/.test(withoutNsclc(f))) {
      criteria.push({ kind: 'diagnosis', effect: 'require', evidence: evidenceOf(item), cohorts });
    } else if (names && nsclcNamedAsExcluded(f)) {
      criteria.push({ kind: 'diagnosis', effect: 'forbid', evidence: evidenceOf(item), cohorts });
    } else if (
      item.heading &&
      !names &&
      (OTHER_CANCER_RE.test(f) || SCLC_RE.test(f)) &&
      !/\bsolid tumou?r|\bany tumou?r|\ball tumou?r/.test(f) &&
      /^[^:]*[:\-–]\s*[^.]{0,160}\b(?:cancer|carcinoma|tumou?rs?|lymphoma|melanoma|sarcoma|mesothelioma)\b/.test(
        f,
      )
    ) {
      criteria.push({ kind: 'diagnosis', effect: 'forbid', evidence: evidenceOf(item), cohorts });
    }
  }

  const result = (value: NsclcScope, evidence?: Evidence): ScopeResult => ({
    value,
    evidence,
    criteria,
  });
  const ev = (item: CriteriaItem | undefined) => (item ? evidenceOf(item) : undefined);
  const firstMatching = (re: RegExp) => inclusion.find((i) => re.test(scopeFold(i.text)));
  /** The record's own words when no criterion decided: its conditions, else its title. */
  const conditionEvidence = (condition?: string): Evidence | undefined => {
    const conditions = conditionList(study);
    const quote = condition ?? (conditions.length > 0 ? conditions.join('; ') : undefined);
    if (quote === undefined) return titleEvidence();
    return { quote, section: 'inclusion', heading: 'Conditions' };
  };
  const titleEvidence = (): Evidence | undefined => {
    const title = titles(study)[0];
    return title ? { quote: title, section: 'inclusion', heading: 'Title' } : undefined;
  };

  const head = titleText(study);
  const titleOnly = withoutCytokines(scopeFold(titles(study).join(' | ')));
  const statedPopulation = withoutCytokines(
    scopeFold([...titles(study), ...conditionList(study)].join(' | ')),
  );
  const folded = (i: CriteriaItem) => withoutCytokines(scopeFold(i.text));
  const positive = inclusion.filter(
    (i) => !NEGATED_RE.test(folded(i)) && !BACKGROUND_RE.test(folded(i)),
  );
  const inclNsclc = positive.find(
    (i) => NSCLC_RE.test(folded(i)) && !nsclcNamedAsExcluded(folded(i)),
  );
  const inclLung = inclNsclc ?? positive.find((i) => LUNG_RE.test(folded(i)));
  const criteriaText = inclusion.map(folded).join(' \n ');
  const excludedText = items
    .filter((i) => i.section === 'exclusion')
    .map(folded)
    .join(' \n ');
  const purpose = primaryPurpose(study);
  const notTumourDirected =
    (purpose !== undefined && NOT_TUMOUR_DIRECTED_PURPOSES.has(purpose)) ||
    NOT_TUMOUR_DIRECTED_RE.test(statedPopulation);
  // Screening or prevention of people without cancer: no inclusion item enrols a cancer.
  const atRisk =
    (purpose === 'SCREENING' || purpose === 'PREVENTION' || AT_RISK_RE.test(titleOnly)) &&
    !positive.some(
      (i) => CANCER_RE.test(folded(i)) || /\bstage\s+(?:[iv]+|[0-4])[a-c]?\b/.test(folded(i)),
    );

  // A record that never says cancer: an NSCLC mention in its criteria must read as a diagnosis
  // enrolled.
  const headSaysCancer = CANCER_RE.test(head) || NSCLC_RE.test(head) || LUNG_RE.test(head);
  if (!headSaysCancer) {
    if (notTumourDirected) return result('not_nsclc', conditionEvidence());
    if (inclLung && !DIAGNOSIS_RE.test(folded(inclLung)))
      return result('not_nsclc', conditionEvidence());
  }

  const titleNsclc = NSCLC_RE.test(head);
  const titleSclc = SCLC_RE.test(withoutNsclc(head));
  const titleNe = NE_RE.test(head);
  const titleLung = LUNG_RE.test(head);
  const titleBasket = BASKET_RE.test(head);

  // People screened or protected from lung cancer do not have it.
  if ((titleNsclc || titleLung) && atRisk && !inclLung) {
    return result('not_nsclc', ev(inclusion[0]) ?? conditionEvidence());
  }
  if (titleNsclc) {
    if (titleBasket || OTHER_CANCER_RE.test(withoutNsclc(head)))
      return result('basket', ev(inclNsclc));
    if (titleSclc) return result('lung', ev(inclNsclc));
    return result('nsclc', ev(inclNsclc));
  }
  if (titleSclc || (titleNe && !titleBasket)) {
    // SCLC or neuroendocrine: only if the criteria themselves admit NSCLC.
    if (inclNsclc && !/\blcnec\b|large[- ]cells? neuroendocrine/.test(folded(inclNsclc)))
      return result('lung', ev(inclNsclc));
    return result('not_nsclc', ev(firstMatching(SCLC_RE) ?? firstMatching(NE_RE)));
  }
  if (/\bmesothelioma\b/.test(head) && !titleLung)
    return result('not_nsclc', ev(firstMatching(/mesothelioma/)) ?? conditionEvidence());
  if (titleLung) {
    // Lung cancer only among the keywords of a study of a symptom or habit in any cancer.
    if (notTumourDirected && !inclLung && !LUNG_RE.test(statedPopulation))
      return result('not_nsclc', titleEvidence());
    if (inclNsclc || !SCLC_RE.test(withoutNsclc(criteriaText))) {
      if (titleBasket || OTHER_SITE_RE.test(withoutMetastasisSites(head)))
        return result('basket', ev(inclLung));
      return result(
        inclNsclc && !SCLC_RE.test(withoutNsclc(criteriaText)) ? 'nsclc' : 'lung',
        ev(inclLung),
      );
    }
    return result('not_nsclc', ev(firstMatching(SCLC_RE)));
  }
  if (inclNsclc) return result('basket', ev(inclNsclc));
  if (inclLung) return result('lung', ev(inclLung));

  // Neither NSCLC nor lung cancer is named: a basket, another cancer, or no cancer at all.
  // MeSH adds broad ancestors ("Neoplasms"): read it only when the conditions say nothing.
  const isCancer = (c: string) => CANCER_RE.test(withoutCytokines(scopeFold(c)));
  const listedCancers = conditionList(study).filter(isCancer);
  const cancerConditions =
    listedCancers.length > 0 ? listedCancers : meshTerms(study).filter(isCancer);
  const saysCancer = cancerConditions.length > 0 || CANCER_RE.test(titleOnly);
  const generic =
    titleBasket ||
    cancerConditions.some(isGenericCancer) ||
    (cancerConditions.length === 0 && CANCER_RE.test(titleOnly) && !OTHER_SITE_RE.test(titleOnly));
  if (!saysCancer && !titleBasket) return result('not_nsclc', conditionEvidence());
  if (!generic) {
    const site = cancerConditions[0];
    return result('not_nsclc', conditionEvidence(site));
  }
  // "Any cancer", "solid tumours": enrols NSCLC unless excluded or restricted to listed types.
  if (notTumourDirected) return result('not_nsclc', titleEvidence());
  if (/(?:non[- ]?small[- ]?cell|nsclc)/.test(excludedText) && !criteria.some((c) => c.cohorts)) {
    return result(
      'not_nsclc',
      ev(items.find((i) => i.section === 'exclusion' && NSCLC_RE.test(folded(i)))),
    );
  }
  // "Solid tumour, or lymphoma" still admits any solid tumour; "solid tumours of the following
  // types: …" does not.
  const basketItem = positive.find(
    (i) =>
      BASKET_RE.test(folded(i)) &&
      (!namesOtherSitesAsIncluded(folded(i)) ||
        (ANY_SOLID_RE.test(folded(i)) && !LISTED_TYPES_RE.test(folded(i)))),
  );
  if (basketItem) return result('basket', ev(basketItem));
  const restricted = positive.find(
    (i) => CANCER_RE.test(folded(i)) && namesOtherSitesAsIncluded(folded(i)),
  );
  if (restricted) return result('not_nsclc', ev(restricted));
  if (OTHER_SITE_RE.test(titleOnly)) return result('not_nsclc', titleEvidence());
  const anyCancer = positive.find((i) =>
    /\b(?:confirmed|diagnos\w*|documented|proven)\b[^.;]{0,40}\b(?:cancer|malignan\w*|carcinoma|neoplasm)/.test(
      folded(i),
    ),
  );
  if (titleBasket || anyCancer) return result('basket', ev(anyCancer));
  return result('unknown');
}

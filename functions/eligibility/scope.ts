/**
 * Does the trial enrol people with NSCLC at all? Decided from the title, conditions, keywords
 * and the inclusion criteria; per-cohort stances ("non-small cell lung cancer for Part 1"
 * under exclusion, "Cohort 1: Biliary tract cancer") become `diagnosis` criteria.
 */
import type { Study } from '#ctgov/study-schema.ts';
import type { CriteriaItem } from './criteria-parser.ts';
import type { DiagnosisCriterion, Evidence, NsclcScope } from './facts.ts';
import { fold } from './text.ts';

export const NSCLC_RE =
  /\bnon[- ]?small[- ]?cells?[- ]?(?:lung|carcinoma|cancer)|\bnsclc\b|\bnon-small-cell lung\b|\blung adenocarcinoma|\badenocarcinoma of the lung|\bsquamous(?: cell)? (?:lung|carcinoma of the lung|non)|\blung squamous|\bcarcinoma, non-small-cell/;
const LUNG_RE =
  /\blung (?:cancer|carcinoma|neoplasm|tumou?r|malignanc)|\bcancer of the lung|\blung (?:and|or) [a-z]+ cancer|\bthoracic (?:cancer|malignanc|oncology)|\bbronch(?:ogenic|ial) carcinoma|\blung\b.*\bcancer/;
const SCLC_RE =
  /(?<!non[- ]?)\bsmall[- ]?cell lung|(?<!n)\bsclc\b|\bsmall cell carcinoma|\bextensive[- ]stage|\blimited[- ]stage small/;
const NE_RE =
  /\bneuroendocrine|\blcnec\b|\bcarcinoid\b|\bmesothelioma\b|\bthymoma\b|\bthymic carcinoma\b/;
const BASKET_RE =
  /\bsolid tumou?rs?\b|\bsolid (?:malignanc|cancer|neoplasm)|\badvanced (?:cancers|malignancies|tumou?rs)\b|\bmalignant neoplasms?\b|\bany tumou?r type\b|\btumou?r[- ]agnostic|\bpan[- ]tumou?r|\bmultiple tumou?r types|\bselected tumou?rs?\b|\badvanced cancer\b|\bmetastatic cancer\b/;
const CANCER_RE =
  /\bcancer|\bcarcinoma|\btumou?r|\bneoplasm|\bmalignan|\boncolog|\blymphoma|\bleuka?emia|\bsarcoma|\bmelanoma|\bmyeloma|\bmetasta|\bglioma|\bglioblastoma|\bmesothelioma/;
const OTHER_CANCER_RE =
  /\bbreast|\bprostat|\bcolorectal|\bcolon\b|\brectal\b|\bgastric|\boesophag|\besophag|\bpancrea|\bovari|\bcervical|\bcervix|\bendometri|\buterine|\bbladder|\burothel|\brenal cell|\bkidney|\bhepatocellular|\bliver cancer|\bbiliary|\bcholangio|\bhead and neck|\bnasopharyn|\bthyroid|\bglioma|\bglioblastoma|\bmelanoma|\blymphoma|\bleuka?emia|\bmyeloma|\bsarcoma|\bmyelodysplastic|\btesticular|\bgerm cell|\bneuroblastoma|\bmesothelioma|\bcutaneous|\bskin cancer|\bbasal cell/;

export interface ScopeResult {
  value: NsclcScope;
  evidence?: Evidence | undefined;
  /** Cohort-level stances on NSCLC. */
  criteria: DiagnosisCriterion[];
}

function titleText(study: Study): string {
  const p = study.protocolSection;
  return fold(
    [
      p.identificationModule.briefTitle ?? '',
      p.identificationModule.officialTitle ?? '',
      ...(p.conditionsModule?.conditions ?? []),
      ...(p.conditionsModule?.keywords ?? []),
      ...(study.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term),
    ].join(' | '),
  );
}

function conditionsText(study: Study): string {
  const p = study.protocolSection;
  return fold(
    [p.identificationModule.briefTitle ?? '', ...(p.conditionsModule?.conditions ?? [])].join(
      ' | ',
    ),
  );
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

export function extractScope(
  study: Study,
  items: CriteriaItem[],
  expand: (labels: string[]) => string[],
): ScopeResult {
  const title = titleText(study);
  const conditions = conditionsText(study);
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

  const firstMatching = (re: RegExp) => inclusion.find((i) => re.test(i.folded));
  const inclNsclc = inclusion.find(
    (i) => NSCLC_RE.test(i.folded) && !nsclcNamedAsExcluded(i.folded),
  );
  const ev = (item: CriteriaItem | undefined) => (item ? evidenceOf(item) : undefined);

  const titleNsclc = NSCLC_RE.test(title);
  const titleSclc = SCLC_RE.test(withoutNsclc(title));
  const titleNe = NE_RE.test(title);
  const titleLung = LUNG_RE.test(title) || /\blung\b/.test(conditions);
  const titleBasket = BASKET_RE.test(title);
  const criteriaText = inclusion.map((i) => i.folded).join(' \n ');
  const excludedText = items
    .filter((i) => i.section === 'exclusion')
    .map((i) => i.folded)
    .join(' \n ');

  const result = (value: NsclcScope, evidence?: Evidence): ScopeResult => ({
    value,
    evidence,
    criteria,
  });

  if (titleNsclc) {
    if (titleBasket || OTHER_CANCER_RE.test(withoutNsclc(title)))
      return result('basket', ev(inclNsclc));
    if (titleSclc) return result('lung', ev(inclNsclc));
    return result('nsclc', ev(inclNsclc));
  }
  if (titleSclc || (titleNe && !titleBasket)) {
    // SCLC or neuroendocrine: only if the criteria themselves admit NSCLC.
    if (inclNsclc && !/\blcnec\b|large[- ]cells? neuroendocrine/.test(inclNsclc.folded))
      return result('lung', ev(inclNsclc));
    return result('not_nsclc', ev(firstMatching(SCLC_RE) ?? firstMatching(NE_RE)));
  }
  if (/\bmesothelioma\b/.test(title) && !titleLung)
    return result('not_nsclc', ev(firstMatching(/mesothelioma/)));
  if (titleLung) {
    if (inclNsclc || !SCLC_RE.test(withoutNsclc(criteriaText))) {
      if (titleBasket || OTHER_CANCER_RE.test(title)) return result('basket', ev(inclNsclc));
      return result(
        inclNsclc && !SCLC_RE.test(withoutNsclc(criteriaText)) ? 'nsclc' : 'lung',
        ev(inclNsclc),
      );
    }
    return result('not_nsclc', ev(firstMatching(SCLC_RE)));
  }
  if (titleBasket || inclNsclc) {
    // A basket: does it admit NSCLC? Named in inclusion, or any solid tumour not excluded.
    if (inclNsclc) return result('basket', ev(inclNsclc));
    if (/(?:non[- ]?small[- ]?cell|nsclc)/.test(excludedText) && !criteria.some((c) => c.cohorts)) {
      return result(
        'not_nsclc',
        ev(items.find((i) => i.section === 'exclusion' && NSCLC_RE.test(i.folded))),
      );
    }
    const lungSolid = firstMatching(
      /\bsolid tumou?r|\bany tumou?r|\badvanced (?:or metastatic )?cancer|\bmalignan/,
    );
    if (lungSolid && !OTHER_CANCER_RE.test(conditions.replace(/\bsolid tumou?rs?\b/g, '')))
      return result('basket', ev(lungSolid));
    if (titleBasket) return result('basket', ev(lungSolid));
    return result('unknown');
  }
  if (CANCER_RE.test(title) || CANCER_RE.test(criteriaText.slice(0, 600))) {
    if (OTHER_CANCER_RE.test(title) || titleNe) return result('not_nsclc');
    return result('unknown');
  }
  return result('not_nsclc');
}

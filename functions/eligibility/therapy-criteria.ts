/**
 * Prior-therapy criteria from one item: required prior therapy (with progression), forbidden
 * prior therapy, treatment-naive, limits on prior lines, and whether adjuvant therapy counts.
 * Washouts ("within 28 days"), concurrent use, hypersensitivity and "is allowed" sentences
 * are not prior-therapy rules and produce nothing.
 */

import { THERAPY_CLASSES, type TherapyClass } from '#vocabulary/codes.ts';
import { DRUG_NAMES, type DrugEntry, THERAPY_CLASS_PHRASES } from '#vocabulary/drugs.ts';
import type { Effect, Section, TherapyRef } from './facts.ts';
import { isPermission, sentences, stripPermissions } from './text.ts';

const NAME_TO_ENTRY = new Map<string, DrugEntry>();
/** Compact keys ("amg510", "mk3475") → entry; the text is scanned word by word against it. */
const COMPACT_TO_ENTRY = new Map<string, DrugEntry>();
let longestName = 1;
for (const { name, entry } of DRUG_NAMES) {
  const key = name.toLowerCase().replace(/[\s-]+/g, ' ');
  if (!NAME_TO_ENTRY.has(key)) NAME_TO_ENTRY.set(key, entry);
  const compact = key.replace(/[^a-z0-9]/g, '');
  if (compact.length >= 4 && !COMPACT_TO_ENTRY.has(compact)) COMPACT_TO_ENTRY.set(compact, entry);
  longestName = Math.max(longestName, (key.match(/[a-z0-9]+/g) ?? []).length);
}
const CLASS_PATTERNS = THERAPY_CLASS_PHRASES.filter(
  (p) => p.class !== 'radiotherapy' && p.class !== 'surgery',
).map((p) => ({ class: p.class, re: new RegExp(p.pattern.source, 'g') }));

interface Mention {
  ref: TherapyRef;
  start: number;
  end: number;
  /** Added for a family word ("checkpoint inhibitor" → anti-CTLA-4 too); forbids only. */
  family?: boolean;
}

/** Drugs and therapy classes named in folded text, in order of appearance. */
export function therapyMentions(text: string): Mention[] {
  const out: Mention[] = [];
  const words = [...text.matchAll(/[a-z0-9]+/g)];
  for (let i = 0; i < words.length; i++) {
    let key = '';
    let found: { entry: DrugEntry; end: number } | undefined;
    for (let n = 0; n < longestName && i + n < words.length; n++) {
      const w = words[i + n] as RegExpExecArray;
      if (n > 0) {
        const gap = text.slice(
          (words[i + n - 1]?.index ?? 0) + (words[i + n - 1]?.[0].length ?? 0),
          w.index,
        );
        if (!/^[\s-]?$/.test(gap)) break;
      }
      key += w[0];
      const entry = COMPACT_TO_ENTRY.get(key);
      if (entry) found = { entry, end: (w.index ?? 0) + w[0].length };
    }
    if (found) {
      const start = words[i]?.index ?? 0;
      // Docetaxel and pemetrexed are classes of their own: one spelling for one meaning.
      const own = found.entry.classes.find((c) => c === found.entry.drug);
      out.push({ ref: own ? { class: own } : { drug: found.entry.drug }, start, end: found.end });
      while (i + 1 < words.length && (words[i + 1]?.index ?? 0) < found.end) i++;
    }
  }
  for (const { re, class: cls } of CLASS_PATTERNS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      // A more specific class already covers this span ("3rd-gen EGFR TKI" vs "EGFR TKI").
      if (out.some((o) => o.ref.class && o.start <= start && o.end >= end)) continue;
      out.push({ ref: { class: cls }, start, end });
    }
  }
  // "4th-generation EGFR-TKIs" are not the EGFR TKIs a patient has had; "prior to pemetrexed
  // administration" is a plan, not a history; "third-generation epidermal growth factor
  // receptor TKI" is the 3rd-generation class.
  for (let i = out.length - 1; i >= 0; i--) {
    const m = out[i] as Mention;
    const before = text.slice(Math.max(0, m.start - 25), m.start);
    // A plan ("prior to pemetrexed administration") or an abbreviation of the mention before
    // it ("tyrosine kinase inhibitor (EGFR-TKI)").
    if (
      /\b(?:prior to|before)\s+(?:the\s+)?$|(?:inhibitors?|tkis?|therapy|antibod(?:y|ies))\s*\(\s*$/.test(
        before,
      )
    ) {
      out.splice(i, 1);
      continue;
    }
    // "First/second/third-generation EGFR-TKI": any generation, so any EGFR TKI.
    if (
      m.ref.class === 'egfr_tki_3rd_gen' &&
      /\b(?:first|1st|second|2nd)(?:[- ]gen\w*)?\s*(?:\/|,|or|and)\s*(?:(?:first|1st|second|2nd)(?:[- ]gen\w*)?\s*(?:\/|,|or|and)\s*)?$/.test(
        before,
      )
    ) {
      m.ref = { class: 'egfr_tki' };
      continue;
    }
    if (m.ref.class === 'egfr_tki' && /(?:third|3rd)[- ]gen\w*\s*$/.test(before)) {
      m.ref = { class: 'egfr_tki_3rd_gen' };
      continue;
    }
    if (
      m.ref.class === 'egfr_tki' &&
      /(?:fourth|4th)[- ]gen\w*\s*$/.test(text.slice(Math.max(0, m.start - 25), m.start))
    )
      out.splice(i, 1);
  }
  out.sort((a, b) => a.start - b.start);
  // Drop a class mention overlapped by a more specific class found earlier in table order.
  const filtered: Mention[] = [];
  for (const m of out) {
    const overlap = filtered.find((f) => f.start < m.end && m.start < f.end);
    // A bispecific named over an "EGFR-targeting agents (… bispecific antibodies)" list is its own class.
    if (overlap && m.ref.class === 'egfr_met_bispecific' && overlap.ref.class !== m.ref.class) {
      filtered.push(m);
      continue;
    }
    if (overlap) {
      if (overlap.ref.class === 'chemotherapy' && m.ref.class && m.ref.class !== 'chemotherapy') {
        filtered[filtered.indexOf(overlap)] = m;
      }
      continue;
    }
    filtered.push(m);
  }
  // "Immune checkpoint inhibitors", "immunotherapy": the family holds anti-CTLA-4 as well as
  // anti-PD-(L)1; a wording that names PD-1 or PD-L1 is the narrower class only.
  for (let i = filtered.length - 1; i >= 0; i--) {
    const m = filtered[i] as Mention;
    if (m.ref.class !== 'anti_pd1_pdl1') continue;
    const words = text.slice(m.start, m.end);
    // "PD-1, PD-L1 or CTLA-4 inhibitor": one head noun for both classes.
    if (/\bctla[- ]?4\b/.test(words) && !filtered.some((f) => f.ref.class === 'anti_ctla4')) {
      filtered.splice(i + 1, 0, { ref: { class: 'anti_ctla4' }, start: m.start, end: m.end });
      continue;
    }
    if (!ICI_FAMILY.test(words) || /\bpd[- ]?\(?l?\)?[- ]?[12]\b|\bpd[- ]?l[12]\b/.test(words))
      continue;
    // "Immune checkpoint inhibitor (anti-PD-1/PD-L1)": a parenthesis that defines the family
    // as PD-(L)1 narrows it; one that gives examples ("(e.g., …)") does not.
    const aside = /^\s*\(([^()]*)\)/.exec(text.slice(m.end))?.[1] ?? '';
    if (
      /pd[- ]?\(?l?\)?[- ]?1|pd[- ]?l1/.test(aside) &&
      !/ctla|\be\.?g\b|such as|including|for example/.test(aside)
    )
      continue;
    filtered.splice(i + 1, 0, {
      ref: { class: 'anti_ctla4' },
      start: m.start,
      end: m.end,
      family: true,
    });
  }
  return filtered;
}

const ICI_FAMILY =
  /\bimmune[- ]checkpoint|\bcheckpoint (?:inhibitors?|blockade|blockers?|pathways?)\b|\bicis?\b|\bcpis?\b|\bimmunotherapy\b|\bimmuno-oncology\b|\bt[- ]cell co-?(?:regulatory|stimulat|inhibitory)/;

const SPECIFIC_OVER: Partial<Record<TherapyClass, TherapyClass[]>> = {
  egfr_tki_3rd_gen: ['egfr_tki'],
  platinum_chemotherapy: ['chemotherapy'],
  docetaxel: ['taxane', 'chemotherapy'],
  taxane: ['chemotherapy'],
  pemetrexed: ['chemotherapy'],
};

/** Remove a drug named as an example of a class in the same list ("anti-PD-1 (e.g., pembrolizumab)"). */
function dedupe(refs: TherapyRef[], classesOf: (drug: string) => TherapyClass[]): TherapyRef[] {
  const classes = refs.flatMap((r) => (r.class ? [r.class] : []));
  // Alternatives: a generic class named beside a specific one covers it ("EGFR TKI, including
  // 3rd-generation" = any EGFR TKI), so the specific one adds nothing.
  const generic = new Set(
    classes.filter((c) => classes.some((o) => (SPECIFIC_OVER[o] ?? []).includes(c))),
  );
  const out: TherapyRef[] = [];
  for (const r of refs) {
    if (
      r.class &&
      !generic.has(r.class) &&
      (SPECIFIC_OVER[r.class] ?? []).some((g) => generic.has(g))
    )
      continue;
    if (r.drug && classesOf(r.drug).some((c) => classes.includes(c))) continue;
    if (out.some((o) => o.drug === r.drug && o.class === r.class)) continue;
    out.push(r);
  }
  return out;
}

export interface TherapyFinding {
  kind: 'prior_therapy';
  effect: Effect;
  anyOf: TherapyRef[];
  settings?: 'any' | 'advanced' | undefined;
  progressed?: boolean | undefined;
}
export interface NaiveFinding {
  kind: 'treatment_naive';
  effect: Effect;
  includesPerioperative?: boolean | undefined;
}
export interface LinesFinding {
  kind: 'prior_lines';
  effect: Effect;
  min?: number | undefined;
  max?: number | undefined;
  countsPerioperative?: boolean | undefined;
}
export type TherapyItemFinding = TherapyFinding | NaiveFinding | LinesFinding;

const WASHOUT =
  /\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?\d+|\bwithin\s+(?:one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|half)|\b\d+\s*(?:days?|weeks?|half[- ]lives)\s+(?:prior|before)\b|\bwash[- ]?out\b|\bhalf[- ]lives\b|\bless than \d+ (?:days?|weeks?)|(?<!\beither )\bconcurrent(?:ly)?\b(?!,?\s+or\s+sequential)(?!\s+(?:with\s+)?(?:(?:thoracic|definitive|[a-z]+[- ]based)\s+)?(?:chemo|radi|platinum|cisplatin|carboplatin|c?crt\b))|\b(?:concomitant(?:ly)?|current(?:ly)? (?:receiving|taking|on|undergoing)|preparing|ongoing|during the study|while on study|at the time of)\b|\bin the (?:last |past |previous |preceding )?\d+ (?:days?|weeks?|months?|years?)\b|\b\d+ (?:days?|weeks?|months?) preceding\b|\bresidual toxicit|\btoxicit(?:y|ies) (?:from|of|related)|\badverse (?:event|reaction)|\bimmune[- ]related\b|\birae\b|\bpneumonitis\b|\bdiscontinu\w* (?:due to|because of)|\bgrade [2-4]\b|\bstudy drug\b|(?<!\b(?:or|and) (?:any )?(?:other )?)(?<!, (?:any )?(?:other )?)\binvestigational (?:agent|drug|product)/;
const EXCLUSION_NOT_PRIOR =
  /\bhypersensitiv|\ballerg|\bintoleran(?:ce|t) to\b|\bcontraindicat|-induced\b|\brecovered\b|\bgonadotox|\btoxicit|\bexacerbat|\babsorption\b|\babsorb|\bswallow|\b(?:should be |be )?offered\b|\bcandidates? for\b|\bshould (?:be )?receiv|\bduring (?:treatment|therapy) with\b|\bcaution\b|\banticoagula|\bthird space\b|\bdrain|(?<!\bnot )\b(?:eligible|suitable|fit|indicated) (?:for|to receive)\b|\b(?:planned|scheduled) (?:to receive|for|treatment)\b|\bwill (?:be treated|receive)\b/;
const PERMITTED =
  /\b(?:is|are|will be|may be|be)\s+(?:allowed|permitted|permissible|acceptable|eligible)\b|(?<!\bnot (?:be )?)\b(?:permitted|allowed|acceptable)\b|\bdo(?:es)? not count\b|\bnot (?:be )?considered\b|\bare eligible\b|\bmay have (?:received|had)\b|\bcan be (?:included|enrolled)\b|\b(?:is|are) (?:also )?eligible\b|\b(?:may|can) (?:also )?(?:be (?:included|enrolled|enrolled|considered)|participate|enrol+|join)\b|\bnot (?:mandatory|required|necessary|obligatory|a requirement)\b|\boptional\b|\b(?:regardless|irrespective) of (?:any )?(?:prior|previous|whether)\b|\bwith or without (?:prior|previous)\b/;
const NUMBER: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  single: 1,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
};
const NUM = '(\\d|one|two|three|four|five|single)';
/** "… completed at least 6 months before": a number of days, weeks or cycles is no count of lines. */
const NOT_A_DURATION = '(?!\\s*(?:days?|weeks?|months?|years?|cycles?|courses?|doses?|half))';
const LINES_WORD =
  '(?:(?:prior |previous |systemic |standard |(?:anti-?)?cancer |anti-?tumou?r |chemotherapy |treatment |therapy )*(?:lines?|regimens?|treatments?|therap(?:y|ies))(?: of (?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment|chemotherapy))?)';

function numberOf(s: string | undefined): number | undefined {
  return s === undefined ? undefined : NUMBER[s];
}

const EXCEPTION_WORDS =
  'except(?: for)?|other than|besides|excluding|with the exception of|apart from|aside from|unless';

/** Text with exception clauses removed ("… except osimertinib", "other than adjuvant …"). */
function withoutExceptions(text: string): string {
  return text
    .replace(new RegExp(`\\([^()]*\\b(?:${EXCEPTION_WORDS})\\b[^()]*\\)`, 'g'), ' ')
    .replace(new RegExp(`\\b(?:${EXCEPTION_WORDS})\\b[^.;]*`, 'g'), ' ')
    .replace(
      /\((?:[^()]*\b(?:combination|combined|monotherapy|with or without|alone|either)\b[^()]*)\)/g,
      ' ',
    )
    .replace(/\b(?:either )?(?:as )?monotherapy or in combination with\b[^.;,)]*/g, ' ')
    .replace(/\b(?:alone or )?in combination with\b[^.;)]*/g, ' ')
    .replace(/\bwith or without\b[^.;,)]*/g, ' ');
}

const ANY_SETTING =
  /\bin any setting\b|\bany setting\b|\bincluding (?:in the )?(?:neo)?adjuvant|\b(?:neo)?adjuvant[^.;]{0,40}\b(?:or|and)\b[^.;]{0,20}\b(?:metastatic|advanced)/;
const ADVANCED_SETTING =
  /\b(?:as|in the|in) (?:a |an )?(?:first|second|third|1st|2nd|3rd)[- ]line\b|\bfor (?:the treatment of )?(?:locally[- ]advanced|advanced|metastatic|recurrent|stage iv|stage iii[bc]|unresectable)|\bin the (?:advanced|metastatic) setting|\bfor (?:advanced|metastatic|recurrent)[^.;]{0,30}(?:disease|nsclc|cancer)/;
/** "Prior adjuvant chemotherapy is allowed", "(neoadjuvant and adjuvant therapy is allowed)". */
const PERIOPERATIVE_ALLOWED =
  /\b(?:neo-?)?adjuvant\b[^.;)]{0,80}\b(?:(?<!\bnot (?:be )?)(?:allowed|permitted|permissible|acceptable)|(?<!\bnot )eligible)\b/;

function settingsOf(text: string): 'any' | 'advanced' {
  if (ANY_SETTING.test(text)) return 'any';
  if (ADVANCED_SETTING.test(text)) return 'advanced';
  return 'any';
}

/**
 * The setting of a forbid read from `scope`, or from a permission of perioperative treatment
 * anywhere in the item, when that permission is about the forbidden therapy ("No prior EGFR
 * TKI. Adjuvant chemotherapy is allowed" still forbids an adjuvant EGFR TKI).
 */
function settingsFor(scope: string, item: string, anyOf: TherapyRef[]): 'any' | 'advanced' {
  if (ANY_SETTING.test(scope)) return 'any';
  if (ADVANCED_SETTING.test(scope)) return 'advanced';
  // The permission's own words: its parenthesis, else its sentence.
  const permission =
    (item.match(/\([^()]*\)/g) ?? []).find((p) => PERIOPERATIVE_ALLOWED.test(p)) ??
    sentences(item).find((sn) => PERIOPERATIVE_ALLOWED.test(sn));
  if (permission === undefined) return 'any';
  const permitted = therapyMentions(permission).map((m) => m.ref);
  const forbidden = anyOf.flatMap((r) => (r.class ? [r.class] : classesOfDrug(r.drug ?? '')));
  const about =
    permitted.length === 0 ||
    permitted.some((p) =>
      (p.class ? [p.class] : classesOfDrug(p.drug ?? '')).some((c) => forbidden.includes(c)),
    );
  return about ? 'advanced' : 'any';
}

const NAIVE_RE =
  /\btreatment[- ]na[iï]ve\b|\btherapy[- ]na[iï]ve\b|\bsystemic(?: therapy| treatment)?[- ]na[iï]ve\b|\bpreviously untreated\b|\buntreated (?:for )?(?:locally advanced|advanced|metastatic|stage|recurrent|nsclc)|\bno (?:prior|previous) (?:systemic |anti-?cancer |anti-?tumou?r |first-line )*(?:therapy|treatment|regimen)s?\b|\bnot (?:have )?(?:previously )?received (?:any )?(?:prior |previous )?(?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment)\b|\bha(?:ve|s|d)(?:n't| not| never)(?: previously)? (?:accepted|received|had|been treated with) (?:any )?(?:prior |previous )?(?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment)|\bnever (?:been )?(?:received|treated with) (?:any )?systemic|\bwithout (?:any )?(?:prior|previous) (?:systemic )?(?:therapy|treatment)|\bna[iï]ve to (?:systemic|any)|\bfirst[- ]line (?:treatment|therapy|setting)\b(?! with\b)|\b1l\b|\bfrontline\b/;

const OTHER_MALIGNANCY =
  /\b(?:history of|previous|prior|other|another|second|concurrent|additional)\b[^.;]{0,30}\bmalignan|\b(?:other|another|second) (?:primary )?(?:cancers?|tumou?rs?|neoplasms?)\b/;

const RADIOTHERAPY_WORD = /\b(?:radiotherapy|radiation therapy|radiation|irradiation)\b/;
/** Sites, doses, intents and techniques: a radiotherapy exclusion about those is not about any radiotherapy. */
const RADIOTHERAPY_QUALIFIED =
  /\b(?:radiotherapy|radiation(?: therapy)?|irradiation) (?:to|of|at|on)\b|\bto (?:the |a |an |any |more than |>)|\bthora(?:c|x)|\bchest\b|\blung\b|\bbrain\b|\bcranial|\bcns\b|\bfields?\b|\bgy\b|\bbone|\blesions?\b|\bpalliative|\bstereotactic|\bsrs\b|\bsbrt\b|\bsabr\b|\bwhole\b|\bsites?\b|\bareas?\b|\bregions?\b|\bpelvi|\bmediastin|\bcurative|\bdefinitive|\bradical\b|\bablative|\bvolumes?\b|\bdoses?\b|\bpneumonitis|\bwithin\b|\blocal(?:ly)?\b|\bfocal\b|\bchemoradi|\bradiosurg|\bradiopharm|\bradionuclide|\bradioligand|\bexposure/;

/** A radiotherapy named without site, dose, intent or technique ("Patients received radiotherapy"). */
function plainRadiotherapy(text: string): boolean {
  if (!RADIOTHERAPY_WORD.test(text) || RADIOTHERAPY_QUALIFIED.test(text)) return false;
  // "abdominal radiation", "whole-brain radiotherapy": a site or kind written before it.
  return ![
    ...text.matchAll(/\b([a-z]+)[- ](?:therapeutic )?(?:radiotherapy|radiation|irradiation)\b/g),
  ].some((m) => !RADIOTHERAPY_LEAD_OK.has(m[1] ?? ''));
}

const RADIOTHERAPY_LEAD_OK = new Set([
  'prior',
  'previous',
  'any',
  'or',
  'and',
  'with',
  'of',
  'received',
  'receiving',
  'undergone',
  'had',
  'the',
  'a',
  'adjuvant',
  'neoadjuvant',
  'postoperative',
  'preoperative',
  'history',
  'including',
  'chemotherapy',
  'chemo',
]);

/**
 * "… drivers for which there are locally approved targeted 1L therapies": what treatment
 * exists for an alteration, not what the patient has had.
 */
const AVAILABLE_THERAPY =
  /\b(?:for which|where)\s+(?:there\s+(?:is|are|exists?)\s+)?[^.;]{0,40}\b(?:approved|available|licen[sc]ed|indicated|(?:considered )?(?:a |the )?standard)\b[^.;]*|\b(?:with|having)\s+(?:an?\s+)?(?:locally\s+|regulatory[- ]|fda[- ])?(?:approved|available)\s+(?:targeted\s+)?(?:first[- ]line\s+|1l\s+)?(?:therap(?:y|ies)|treatments?|agents?|drugs?)\b[^.;]*/g;

/**
 * An alternative to a treatment history that an untreated patient meets by choice or by
 * unfitness ("… or refused standard therapy"). "Or no satisfactory alternative" is not one:
 * a first line is a satisfactory alternative in NSCLC (the labels read it so).
 */
const REFUSAL_ALTERNATIVE =
  /\bunless\b[^.;]{0,40}?\b(?:contraindicat\w*|ineligible|unsuitable|unfit|refus\w*|declin\w*|intoleran\w*|not (?:eligible|suitable|a candidate|tolerated|available))|\bor\b[^.;]{0,60}?\b(?:(?:have|has|had|who) )*(?:refus\w*|declin\w*|(?:ineligible|unsuitable|unfit|not (?:a )?(?:candidates?|eligible|suitable)) (?:for|to receive) (?:a |the )?(?:standard|available|approved)\b)/;

function refusalAlternative(text: string): boolean {
  return (
    sentences(text).length === 1 &&
    TREATED_BEFORE_REFUSAL.test(text) &&
    REFUSAL_ALTERNATIVE.test(text)
  );
}
const TREATED_BEFORE_REFUSAL =
  /\b(?:received|progress\w*|failed|relapsed|refractory|treated with|(?:prior|previous) (?:lines?|therap\w*|treatments?|regimens?|systemic|chemo\w*))\b[^.;]*\b(?:or|unless)\b/;

/** A first line already given: progression, failure or relapse on or after it. */
const AFTER_FIRST_LINE =
  /\b(?:progress\w*|fail\w*|relapse\w*|refractory|resistan\w*|intoleran\w*)\b[^.;]{0,40}\b(?:on|after|following|to|during|of|with)\b[^.;]{0,25}\b(?:first|1st)[- ]line\b|\b(?:after|following|post)[- ](?:the )?(?:first|1st)[- ]line\b/;

/** Words without which an item cannot state a prior-therapy rule (a cheap gate). */
const THERAPY_GATE =
  /prior|previous|receiv|treat|therap|regimen|\blines?\b|exposure|exposed|na[iï]ve|progress|fail|refractory|resistan|inhibitor|tki|chemo|first-line|1l\b|frontline|\bused\b/;

export function therapyInItem(folded: string, section: Section): TherapyItemFinding[] {
  if (!THERAPY_GATE.test(folded)) return [];
  // Treatments named in an item about other cancers are those cancers' treatments.
  if (OTHER_MALIGNANCY.test(folded) && !/\bnsclc\b|\blung cancer\b|\bnon-small/.test(folded))
    return [];
  const out: TherapyItemFinding[] = [];
  const text = folded
    .replace(/\([^()]*\)/g, (p) => (isPermission(p) ? ' ' : p))
    .replace(AVAILABLE_THERAPY, ' ');
  // "At least one prior line, or refused standard therapy": the second alternative admits
  // untreated patients, so no history is required. To discuss. (One sentence only: a later
  // sentence may state a requirement of its own.)
  if (section === 'inclusion' && refusalAlternative(text)) return out;
  const lines = linesIn(text, section);
  if (lines) out.push(lines);

  // Washouts, concurrency, toxicity: not prior-therapy rules.
  const washout = WASHOUT.test(text);
  // "If subjects received prior chemotherapy …, they should …": a condition, not a rule.
  if (
    /^\W*(?:note:\s*)?if\b|\bif (?:the )?(?:subjects?|patients?|participants?) (?:have |has |had )?(?:received|been treated)/.test(
      text,
    )
  ) {
    return out;
  }

  if (section === 'inclusion') {
    // "No previous EGFR-TKI. Prior adjuvant chemotherapy is allowed.": the permission is no rule.
    const core = sentences(text)
      .flatMap((sn) => sn.split(/,?\s+\b(?=but\b|however\b|whereas\b)/))
      .filter((sn) => !PERMITTED.test(sn))
      .join('. ');
    // "Treatment-naive or pretreated", "progressed on an EGFR TKI or EGFR TKI-naive": two
    // alternatives, one of which every patient meets or that no criterion kind joins: to discuss.
    if (naiveOrTreated(core)) return out;
    const negated =
      /\b(?:no|none|not|never|without|free of)\b[^.;]{0,30}\b(?:prior|previous(?:ly)?|received|receive|treated|exposure|exposed)\b|\bna[iï]ve to\b|[- ]na[iï]ve\b(?<!treatment[- ]na[iï]ve)(?<!therapy[- ]na[iï]ve)|\b[a-z]+(?:nib|mab|platin|taxel|trexed)\s+(?:treatment|therapy)[- ]na[iï]ve\b/.test(
        core.replace(/\b(?:no|not) (?:more|greater|fewer|less) than\b/g, ' '),
      );
    if (negated && !washout) {
      const mentions = therapyMentions(withoutExceptions(core)).filter(
        (m) => m.ref.drug || m.ref.class !== 'chemotherapy' || /\bchemotherapy\b/.test(core),
      );
      const systemic =
        /\bsystemic\b|\banti-?cancer\b|\banti-?tumou?r\b|\bany (?:prior )?(?:therapy|treatment)\b/.test(
          text,
        );
      if (
        mentions.length > 0 &&
        !(systemic && mentions.every((m) => m.ref.class === 'chemotherapy'))
      ) {
        const anyOf = dedupe(
          mentions.map((m) => m.ref),
          classesOfDrug,
        );
        const first = Math.min(...mentions.map((m) => m.start));
        const narrowed = narrowedByExceptions(
          core,
          anyOf,
          settingsFor(core.slice(first), folded, anyOf),
        );
        if (narrowed.anyOf.length > 0) {
          out.push({ kind: 'prior_therapy', effect: 'forbid', ...narrowed });
          // "Treatment-naive for advanced disease and osimertinib-naive", "no prior ALK TKI,
          // chemotherapy or other systemic therapy for advanced disease": both rules.
          if (
            /\btreatment[- ]na[iï]ve\b|\bpreviously untreated\b/.test(core.slice(0, first)) ||
            (narrowed.settings === 'advanced' &&
              /\b(?:or|and|nor)\s+(?:any\s+)?other\s+(?:systemic|anti-?cancer|anti-?tumou?r)\b/.test(
                core,
              ))
          ) {
            out.push({
              kind: 'treatment_naive',
              effect: 'require',
              includesPerioperative: perioperativeBreaksNaivety(text),
            });
          }
          return out;
        }
      }
    }
    // "Receiving first-line immunotherapy", "eligible for first-line osimertinib": about to
    // start the first line, so untreated for advanced disease.
    const startingFirstLine =
      /\b(?:receiv(?:e|ing)|candidates? for|eligible (?:for|to receive)|scheduled (?:for|to receive)|planned (?:for|to receive)|starting|initiating|to start)\s+(?:an?\s+|the\s+|standard\s+)?(?:first|1st)[- ]line\b/.test(
        core,
      ) &&
      !/\bprogress|\bfail|\brefractory\b|\brelapse|\bafter\b|\bfollowing\b|\bresistan/.test(core);
    const explicitNaive =
      startingFirstLine ||
      (!/steroid/.test(core) &&
        /\btreatment[- ]na[iï]ve\b|\bpreviously untreated\b|\b(?:no|not|never|without)\b[^.;]{0,30}\b(?:systemic|anti-?cancer|anti-?tumou?r)\b[^.;]{0,25}\b(?:therap|treatment|regimen|chemotherapy)|\bha(?:ve|s)(?:n't| not) (?:accepted|received|had) any\b/.test(
          core,
        ));
    // "TKI treatment-naive": naive to a kind of drug, not to all treatment.
    const kindNaive =
      /(?:\b[a-z0-9]+[- ]){0,2}\b(?:tkis?|inhibitors?|immunotherapy|chemotherapy|targeted therapy|\w+(?:nib|mab))\s*(?:\([^)]*\)\s*)?(?:treatment|therapy)?[- ]na[iï]ve\b/.exec(
        text,
      );
    if (kindNaive) {
      const ms = therapyMentions(kindNaive[0]);
      if (ms.length > 0) {
        out.push({
          kind: 'prior_therapy',
          effect: 'forbid',
          anyOf: dedupe(
            ms.map((m) => m.ref),
            classesOfDrug,
          ),
          settings: 'any',
        });
      }
      return out;
    }
    // "Treatment-naive patients are eligible only if they refused standard treatment": a condition.
    if (/\beligible only if\b|\bonly (?:be )?eligible if\b|\bonly if they\b/.test(text)) return out;
    const firstLineOnly = /\bfirst[- ]line\b|\b1l\b|\bfrontline\b/.test(core) && !explicitNaive;
    // "Progression during or after first-line therapy": the first line is history, not a plan.
    const afterFirstLine = AFTER_FIRST_LINE.test(core);
    const naive =
      explicitNaive ||
      (NAIVE_RE.test(core) &&
        !(firstLineOnly && therapyMentions(core).length > 0) &&
        !(firstLineOnly && afterFirstLine));
    const mentions = therapyMentions(withoutExceptions(core)).filter(
      (m) => !isStudyDrugContext(core, m),
    );
    // "Untreated for advanced disease, except EGFR TKI": naive to all but a therapy we cannot
    // subtract, so no naivety rule (to discuss).
    const exceptedTherapy = [
      ...core.matchAll(new RegExp(`\\b(?:${EXCEPTION_WORDS})\\b[^.;)]*`, 'g')),
    ].some((e) => therapyMentions(e[0]).length > 0 && !PERIOPERATIVE_WORDS.test(e[0]));
    if (naive && !lines && exceptedTherapy) {
      const others = forbidEveryOtherClass(core);
      if (others) out.push(others);
      return out;
    }
    if (naive && !lines) {
      // "no prior chemotherapy" names a class: that is a forbid of the class, not naivety.
      const noPriorClass = /\bno (?:prior|previous) ([a-z- ]+?)(?: therapy| treatment)?\b/.exec(
        text,
      );
      const classMention = mentions.find((m) => m.ref.class && m.ref.class !== 'chemotherapy');
      if (
        classMention &&
        noPriorClass &&
        !/systemic|anti-?cancer|anti-?tumou?r/.test(noPriorClass[1] ?? '')
      ) {
        out.push({
          kind: 'prior_therapy',
          effect: 'forbid',
          anyOf: [classMention.ref],
          settings: settingsOf(text),
        });
        return out;
      }
      if (
        /\bno (?:prior|previous) (?:systemic )?chemotherapy\b|\bchemotherapy[- ]na[iï]ve\b/.test(
          text,
        )
      ) {
        out.push({
          kind: 'prior_therapy',
          effect: 'forbid',
          anyOf: [{ class: 'chemotherapy' }],
          settings: settingsOf(text),
        });
        return out;
      }
      out.push({
        kind: 'treatment_naive',
        effect: 'require',
        includesPerioperative: perioperativeBreaksNaivety(text),
      });
      return out;
    }
    if (washout) return out;
    const reqText = withoutExceptions(core);
    const reqMentions = therapyMentions(reqText).filter((m) => !isStudyDrugContext(reqText, m));
    if (lines) {
      // "At least one prior line of platinum-based chemotherapy", "… including platinum and a
      // checkpoint inhibitor": the therapies a line must have held are requirements too.
      const lead = reqMentions.findIndex((m) =>
        LINE_CONTENT_LEAD.test(reqText.slice(Math.max(0, m.start - 70), m.start)),
      );
      if (lead < 0 || /\bnot (?:be )?(?:allowed|permitted)\b|\bprohibited\b/.test(core)) return out;
      const leadMention = reqMentions[lead] as Mention;
      const leadIn =
        LINE_CONTENT_LEAD.exec(
          reqText.slice(Math.max(0, leadMention.start - 70), leadMention.start),
        )?.[0] ?? '';
      const requires = requiredGroups(reqText, reqMentions.slice(lead), text);
      if (requires.length === 0) return out;
      // One line "of X" is X itself; a count of several lines stays a count.
      if (
        lines.min === 1 &&
        lines.max === undefined &&
        /^(?:lines?|regimens?|cycles?)\b/.test(leadIn)
      ) {
        out.splice(out.indexOf(lines), 1);
      }
      out.push(...requires);
      return out;
    }
    // "… is not allowed" under inclusion prohibits; its scope (often an order of treatments)
    // is not a requirement, so it is left to discuss.
    if (/\bnot (?:be )?(?:allowed|permitted|acceptable)\b|\bprohibited\b/.test(core)) return out;
    if (!REQUIRE_RE.test(core) || PLAN.test(core)) return out;
    if (reqMentions.length === 0 && !CHEMORADIATION.test(core)) {
      // "Progressed following prior treatment", "at least one prior systemic therapy".
      if (
        /\b(?:progress|fail|relapse|refractory)[^.;]{0,60}\b(?:prior|previous|standard|systemic|most recent|last|latest|first[- ]line|1st[- ]line|frontline|initial)\b[^.;]{0,30}\b(?:treatment|therapy|regimen)|\bpreviously treated\b|\bprior systemic (?:therapy|treatment)/.test(
          core,
        ) &&
        !/\bif\b/.test(core)
      ) {
        out.push({ kind: 'prior_lines', effect: 'require', min: 1 });
      }
      return out;
    }
    out.push(...requiredGroups(reqText, reqMentions, text));
    return out;
  }

  // Exclusion section.
  if (washout || EXCLUSION_NOT_PRIOR.test(text) || lines) return out;
  const clauses = text.split(/(?<=[.;])(?<!\b(?:e\.g|i\.e|etc|vs|incl|approx)\.)\s+/);
  for (const clause of clauses) {
    if (PERMITTED.test(clause)) continue;
    // "KRAS G12C and previously untreated with sotorasib": a lack of treatment excludes, so
    // the therapy is (conditionally) required, not forbidden: left to discuss.
    if (
      /\buntreated with\b|\bnot (?:been )?(?:previously )?(?:treated|received)\b|\bna[iï]ve\b|\bwithout (?:any )?(?:prior|previous)\b|\bha(?:ve|s|d) not\b|\bnever\b|\b(?:had|have|has) no (?:prior|previous)\b/.test(
        clause,
      )
    )
      continue;
    const priorWords =
      /\bprior\b|\bprevious(?:ly)?\b|\breceived\b|\btreated with\b|\btreatment with\b|\bexposure to\b|\bexposed to\b|\bhistory of\b|\bhad (?:received|been)\b|\bin any setting\b|\bpretreated\b|\bpre-treated\b|\buse of\b|\b(?:have |has |had )?used\b/;
    if (
      /\b(?:prior|previous) (?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment|regimen)s?\b[^.;]{0,80}\bfor (?:the treatment of )?(?:locally[- ]advanced|advanced|metastatic|recurrent|stage iv)|\b(?:prior|previous) systemic (?:anti-?cancer |anti-?tumou?r )?(?:therapy|treatment)s? (?:for|of) (?:the |their |this )?(?:current |study )?(?:nsclc|lung cancer|non-small|cancer\b)|\b(?:received|had) (?:any )?(?:prior )?systemic (?:anti-?cancer |anti-?tumou?r )?(?:therapy|treatment)[^.;]{0,60}\bfor (?:locally[- ]advanced|advanced|metastatic|recurrent)/.test(
        clause,
      )
    ) {
      if (/\b(?:other than|except|besides|apart from|aside from)\b/.test(clause)) {
        // "Systemic therapy other than EGFR TKI for advanced NSCLC": every other systemic class.
        const others = forbidEveryOtherClass(clause);
        if (others) out.push(others);
        continue;
      }
      if (
        /\bsystemic\b|\banti-?cancer\b|\banti-?tumou?r\b|\bany (?:prior )?(?:therapy|treatment)\b/.test(
          clause,
        ) ||
        therapyMentions(clause).length === 0
      ) {
        out.push({
          kind: 'treatment_naive',
          effect: 'require',
          includesPerioperative: perioperativeBreaksNaivety(text),
        });
        continue;
      }
    }
    const cleaned = withoutExceptions(clause);
    const mentions = therapyMentions(cleaned).filter(
      (m) =>
        !/\b(?:after|following|post|upon|on or after|progression (?:on|after)|progressed (?:on|after)|resistan(?:ce|t) to|failure (?:of|on)|failed)\s+(?:(?:prior|previous|the|a|an|initial|first-line|1st-line)\s+)*$/.test(
          cleaned.slice(Math.max(0, m.start - 45), m.start),
        ),
    );
    // "Two or more EGFR TKIs": a count per class is no forbid of the class.
    for (let k = mentions.length - 1; k >= 0; k--) {
      const m = mentions[k] as Mention;
      if (
        /\b(?:two|three|2|3|multiple|several|more than (?:one|1))\s+(?:or more\s+)?(?:(?:prior|previous|different|lines? of)\s+)*$|(?:>=|≥|>)\s*\d\s*(?:(?:prior|previous)\s+)?$/.test(
          cleaned.slice(Math.max(0, m.start - 30), m.start),
        )
      )
        mentions.splice(k, 1);
    }
    const radiotherapy = plainRadiotherapy(cleaned);
    const adc = anyAdc(cleaned);
    if (mentions.length === 0 && !((radiotherapy || adc) && priorWords.test(clause))) continue;
    if (
      !priorWords.test(clause) &&
      !/^[^a-z]*(?:[a-z-]+ ){0,4}(?:inhibitors?|tkis?|therapy|treatment)/.test(clause)
    )
      continue;
    // Radiotherapy exclusions are mostly washouts, sites or doses; only a plain one is read.
    const anyOf = dedupe(
      mentions.map((m) => m.ref),
      classesOfDrug,
    );
    if (radiotherapy) anyOf.push({ class: 'radiotherapy' });
    for (const r of adc ? ADC_REFS : [])
      if (!anyOf.some((o) => o.drug === r.drug && o.class === r.class)) anyOf.push(r);
    if (anyOf.length === 0) continue;
    const narrowed = narrowedByExceptions(clause, anyOf, settingsFor(clause, folded, anyOf));
    if (narrowed.anyOf.length === 0) continue;
    out.push({ kind: 'prior_therapy', effect: 'forbid', ...narrowed });
  }
  return out;
}

/**
 * "Prior antibody-drug conjugate": any ADC. The vocabulary has no ADC class, so the forbid
 * names the ADCs it knows; a patient given another one is not excluded by it (unknown
 * drugs never exclude), which is no worse than leaving the item unread.
 */
const ADC_REFS: TherapyRef[] = [
  { class: 'adc_trop2' },
  { drug: 'trastuzumab deruxtecan' },
  { drug: 'trastuzumab emtansine' },
  { drug: 'disitamab vedotin' },
  { drug: 'telisotuzumab vedotin' },
];
const GENERIC_ADC =
  /\b(?:antibody[- ]drug[- ]conjugates?|adcs?)\b(?!\s*(?:\(adcs?\)\s*)?(?:targeting|directed|against|with an? |containing|that|which|carrying|bearing|consisting|conjugated|linked|with (?:a |an )?(?:topo|tubulin|camptothecin|exatecan|mmae|payload)))/g;
/** Words that narrow an ADC to a target or payload: then only the named ones count. */
const ADC_QUALIFIER =
  /trop|her-?2|erbb|her3|topoisomerase|\btop-?1|payload|tubulin|exatecan|camptothecin|directed|targeting|targeted|-based|based on|mmae|deruxtecan|c-?met|\bmet\b|b7|nectin|tissue factor|folate|claudin|cldn|egfr|cdh|cd\d|same (?:target|class|payload)/;

function anyAdc(text: string): boolean {
  for (const m of text.matchAll(GENERIC_ADC)) {
    const at = m.index ?? 0;
    if (!ADC_QUALIFIER.test(text.slice(Math.max(0, at - 40), at))) return true;
  }
  return false;
}

/** Kinds of therapy the vocabulary has no class for (a generic ADC, a bispecific, cell therapy). */
const UNNAMED_THERAPY_KIND =
  /\bantibody[- ](?:drug[- ])?conjugat\w*|\badcs?\b|\bbispecific (?:antibod\w*|agents?|drugs?|therap\w*)|\bcar[- ]?t\b|\b(?:adoptive )?cell therap\w*|\bradioligand|\bradiopharmaceutical/g;
const HISTORY_WORDS =
  /\bprogress|\bafter\b|\bfollowing\b|\bprior\b|\bprevious|\breceived\b|\btreated with\b|\bfail|\brefractory\b|\bresistan|\bexposed\b|\bexposure\b|\bna[iï]ve\b/;

/**
 * An inclusion item that states a history of a therapy kind no TherapyRef can name
 * ("progressed after antibody-drug conjugate therapy"), or a history with a refusal as the
 * alternative: whatever else the item yields, that part is unread, so the matcher must not
 * count the item as met.
 */
export function unnamedTherapyHistory(folded: string, section: Section): boolean {
  if (section !== 'inclusion') return false;
  if (refusalAlternative(folded)) return true;
  // "Lymphoma for which CAR-T therapy is indicated": what exists, not what was given.
  const text = stripPermissions(folded).replace(AVAILABLE_THERAPY, ' ');
  if (!HISTORY_WORDS.test(text)) return false;
  const named = therapyMentions(text);
  for (const m of text.matchAll(UNNAMED_THERAPY_KIND)) {
    const at = m.index ?? 0;
    // "TROP2 ADC", "HER2-directed ADC": a named class covers it.
    if (named.some((n) => n.start <= at + m[0].length && n.end >= at - 15)) continue;
    return true;
  }
  return false;
}

// Required prior therapy: "progressed on …", "previously treated with …", "must have received …".
const REQUIRE_RE =
  /\bprogress(?:ed|ion|ive disease)?\b[^.;]{0,40}\b(?:on|after|following|during|while|despite|to)\b|\bfail(?:ed|ure)\b|\brefractory\b|\bresistan(?:t|ce)\b|\brelapsed? (?:on|after|following)\b|\b(?:previously|prior|previous) (?:been )?treated with\b|\bprior (?:treatment|therapy) (?:with|including)\b|\bmust have (?:been )?(?:received|had|treated)\b|\bhave (?:received|had) (?:at least|prior|previous)\b|\b(?:has|have) received\b|\breceived (?:at least )?(?:one|1|prior|previous)\b|\bprevious(?:ly)? (?:treatment|therapy) with\b|\bprior\b[^.;]{0,60}\b(?:therapy|treatment|tki|inhibitor|chemotherapy)\b|\bpreviously received\b|\bafter (?:treatment with|receiving)\b|\bpost[- ](?:ici|immunotherapy|tki)|\bprior receipt of\b|\b(?:have |has )?(?:previously )?(?:undergone|underwent)\b|\bcompleted\b[^.;]{0,60}\b(?:chemo|radi|platinum|cycles?|courses?)/;

/** A plan for the study's own treatment, not a history ("… will be included in patients who …"). */
const PLAN =
  /\bwill be (?:included|given|delivered|treated|administered|irradiated|randomi[sz]ed|assigned|offered)\b/;

/** What a counted line held: "line of …", "regimen with …", "… including …". */
const LINE_CONTENT_LEAD =
  /(?:\b(?:lines?|regimens?|cycles?)\s+(?:of|with|containing)\s+(?:(?:a|an|prior|previous|standard|systemic|first-line|second-line)\s+)*|\b(?:including|(?:which|that) (?:must )?(?:include[sd]?|contain(?:s|ed)?)|must include|containing|consisting of)\s+(?:(?:a|an|both|at least one|prior|one)\s+)*)$/;

/** Chemotherapy given with radiotherapy: a requirement of radiotherapy as well. */
const CHEMORADIATION =
  /\bchemo-?radi(?:ation|otherapy)\b|\bradiochemotherapy\b|\bc?crt\b|\bconcurrent(?:ly)?\s+(?:with\s+)?(?:thoracic\s+)?radi|\bchemotherapy\b[^.;]{0,40}\b(?:with|prior to|followed by)\s+(?:thoracic\s+)?radi/;

/**
 * An alternative no class names ("chemotherapy, targeted therapy or immunotherapy"): a patient
 * who had only that one meets the requirement, so the requirement cannot be read safely.
 */
const UNNAMED_ALTERNATIVE =
  /\b(?:targeted|biologic(?:al)?|hormonal|investigational|cellular|cell) (?:therap|agent|drug|treatment)|\bother (?:systemic |anti-?cancer |anti-?tumou?r |standard )?(?:therap|treatment|agent|drug|regimen)|\bbiotherapy\b/;

/** The requirements that required-therapy mentions make, one per "and"-joined group. */
function requiredGroups(
  cleaned: string,
  allMentions: Mention[],
  item: string,
): TherapyItemFinding[] {
  // In NSCLC a required "prior checkpoint inhibitor" is an anti-PD-(L)1: the family's
  // anti-CTLA-4 is only added where it widens an exclusion.
  const mentions = allMentions.filter((m) => !m.family);
  const out: TherapyFinding[] = [];
  // "Received chemotherapy, targeted therapy or immunotherapy for advanced disease": no class
  // list can be required, but at least one line for advanced disease is.
  let voidedForAdvanced = false;
  // Words of an earlier sentence ("Patient who failed conventional treatment.") do not qualify
  // the therapies of this one.
  const firstStart = mentions[0]?.start ?? 0;
  let from = Math.max(
    0,
    ...[...cleaned.slice(0, firstStart).matchAll(/[.;]\s/g)].map((m) => (m.index ?? 0) + 1),
  );
  let previousProgressed = false;
  for (const group of andGroups(cleaned, mentions)) {
    const anyOf = dedupe(
      group.map((m) => m.ref),
      classesOfDrug,
    );
    const first = Math.min(...group.map((m) => m.start));
    const to = Math.max(...group.map((m) => m.end));
    const span = cleaned.slice(from, to);
    const lead = cleaned.slice(from, first);
    from = to;
    if (anyOf.length === 0) continue;
    const list = cleaned.slice(first, to + 40).split(/[.;]/)[0] ?? '';
    const unnamed = UNNAMED_ALTERNATIVE.exec(list);
    if (unnamed && ADVANCED_SETTING.test(item)) voidedForAdvanced = true;
    if (
      unnamed &&
      !group.some((m) => m.start - first <= unnamed.index && m.end - first >= unnamed.index)
    )
      continue;
    const ownProgress =
      /\bprogress|\bfail|\brefractory\b|\bresistan|\brelapse/.test(span) &&
      !/\bor (?:were |was |be )?intoleran|\bintoleran\w* or\b|\bor (?:had |have )?(?:unacceptable )?toxicit/.test(
        span,
      ) &&
      !/\b(?:no|without|not|absence of)\b[^.;]{0,25}\bprogress/.test(span);
    // "Progressed on A and B": B shares the verb when nothing but "and" stands between them.
    const progressed: boolean =
      ownProgress ||
      (previousProgressed &&
        /^(?:\s*(?:antibod(?:y|ies)|inhibitors?|therapy|treatment|agents?|drugs?|tkis?|regimens?))?[\s,]*and (?:an? |the )?$/.test(
          lead,
        ));
    previousProgressed = progressed;
    // "Received an EGFR TKI and progressed during EGFR-TKI treatment": one requirement.
    const same = out.find(
      (f) =>
        f.anyOf.length === anyOf.length &&
        f.anyOf.every((r, i) => r.drug === anyOf[i]?.drug && r.class === anyOf[i]?.class),
    );
    if (same) {
      if (progressed) same.progressed = true;
      continue;
    }
    out.push({
      kind: 'prior_therapy',
      effect: 'require',
      anyOf,
      settings: settingsOf(item),
      ...(progressed ? { progressed: true } : {}),
    });
  }
  if (
    CHEMORADIATION.test(cleaned) &&
    !/\b(?:no|not|without)\b[^.;]{0,20}\bchemo-?radi/.test(cleaned)
  ) {
    if (
      !out.some(
        (f) =>
          f.anyOf.some((r) => r.class && classIsChemo(r.class)) ||
          f.anyOf.some((r) => r.drug && classesOfDrug(r.drug).includes('chemotherapy')),
      )
    )
      out.push({
        kind: 'prior_therapy',
        effect: 'require',
        anyOf: [{ class: 'chemotherapy' }],
        settings: 'any',
      });
    out.push({
      kind: 'prior_therapy',
      effect: 'require',
      anyOf: [{ class: 'radiotherapy' }],
      settings: 'any',
    });
  }
  if (out.length === 0 && voidedForAdvanced)
    return [{ kind: 'prior_lines', effect: 'require', min: 1 }];
  return out;
}

const classIsChemo = (c: TherapyClass): boolean =>
  c === 'chemotherapy' || (SPECIFIC_OVER[c] ?? []).includes('chemotherapy');

const NAIVE_SIDE =
  /\bna[iï]ve\b|\buntreated\b|\b(?:no|not|never|without)\b[^.;]{0,30}\b(?:prior|previous(?:ly)?|received|treated)\b/g;
const TREATED_SIDE =
  /\bpre-?treated\b|\bpreviously treated\b|\bprogress\w*\s+(?:on|after|following|during)\b|\bfail(?:ed|ure)\b|\brefractory\b|\b(?:must )?have (?:received|progressed)\b|\b(?:one|1|a single|up to (?:one|two|1|2)|at most (?:one|two|1|2))\s+(?:prior\s+|previous\s+)?(?:lines?|regimens?)\b/g;

/** A naive alternative and a treated alternative joined by "or". */
function naiveOrTreated(text: string): boolean {
  const naive = [...text.matchAll(NAIVE_SIDE)].map((m) => m.index ?? 0);
  const treated = [...text.matchAll(TREATED_SIDE)].map((m) => m.index ?? 0);
  if (naive.length === 0 || treated.length === 0) return false;
  return naive.some((a) =>
    treated.some((b) => /\bor\b/.test(text.slice(Math.min(a, b), Math.max(a, b)))),
  );
}

/** "before the first dose of furmonertinib", "to receive poziotinib": the study's own drug. */
function isStudyDrugContext(text: string, m: Mention): boolean {
  const before = text.slice(Math.max(0, m.start - 40), m.start);
  return /\b(?:dose|doses|administration) of (?:the )?(?:study (?:drug|treatment) )?$|\b(?:to )?receiv(?:e|ing) (?:study )?(?:treatment )?(?:with )?$|\bstudy (?:drug|treatment)[^.;]{0,10}$|\beligible (?:to receive|for) [^.;]{0,25}$/.test(
    before,
  );
}

function classesOfDrug(drug: string): TherapyClass[] {
  const entry = NAME_TO_ENTRY.get(drug);
  return entry ? entry.classes : [];
}

/**
 * What an exception leaves of a forbid. A setting excepted ("except durvalumab consolidation",
 * "other than adjuvant chemotherapy") leaves only treatment for advanced disease forbidden; a
 * drug of a forbidden class excepted ("EGFR TKI other than gefitinib") leaves the class
 * unsafe to forbid, so it is dropped (the item stays to discuss).
 */
function narrowedByExceptions(
  text: string,
  anyOf: TherapyRef[],
  settings: 'any' | 'advanced',
): { anyOf: TherapyRef[]; settings: 'any' | 'advanced' } {
  const spans = [...text.matchAll(new RegExp(`\\b(?:${EXCEPTION_WORDS})\\b[^.;)]*`, 'g'))].map(
    (m) => m[0],
  );
  if (spans.length === 0) return { anyOf, settings };
  if (spans.some((sp) => PERIOPERATIVE_WORDS.test(sp)))
    return { anyOf: anyOf.filter((r) => r.class !== 'radiotherapy'), settings: 'advanced' };
  const excepted = spans.flatMap((sp) => therapyMentions(sp).map((m) => m.ref));
  // Any exception beside radiotherapy is about its kind or site ("except palliative"), which a
  // profile does not state: radiotherapy is then no safe forbid.
  excepted.push({ class: 'radiotherapy' });
  const covers = (r: TherapyRef, e: TherapyRef): boolean =>
    r.drug !== undefined
      ? e.drug === r.drug
      : r.class !== undefined &&
        (e.class === r.class ||
          (e.drug !== undefined && classesOfDrug(e.drug).includes(r.class)) ||
          (e.class !== undefined && (SPECIFIC_OVER[e.class] ?? []).includes(r.class)));
  return { anyOf: anyOf.filter((r) => !excepted.some((e) => covers(r, e))), settings };
}

/** Systemic therapy classes (what "any systemic anti-cancer therapy" covers). */
const SYSTEMIC_CLASSES: readonly TherapyClass[] = THERAPY_CLASSES.filter(
  (c) => c !== 'radiotherapy' && c !== 'surgery',
);

/**
 * "Systemic therapy … other than EGFR TKI": every systemic class but the excepted ones and
 * their specific kinds. Only classes can be subtracted ("other than osimertinib" leaves the
 * other EGFR TKIs forbidden, which no class list says): undefined then, and for a setting
 * excepted ("other than adjuvant chemotherapy"), which narrowedByExceptions reads.
 */
/** "Systemic therapy other than X": a forbid of every other systemic class, when they can be named. */
function forbidEveryOtherClass(text: string): TherapyFinding | undefined {
  const others = systemicClassesExcept(text);
  return others
    ? { kind: 'prior_therapy', effect: 'forbid', anyOf: others, settings: settingsOf(text) }
    : undefined;
}

function systemicClassesExcept(text: string): TherapyRef[] | undefined {
  if (
    !/\bsystemic\b|\banti-?cancer\b|\banti-?tumou?r\b|\bany (?:other )?(?:therapy|treatment)\b/.test(
      text,
    )
  )
    return undefined;
  const exceptions = [...text.matchAll(new RegExp(`\\b(?:${EXCEPTION_WORDS})\\b[^.;)]*`, 'g'))];
  if (exceptions.length !== 1) return undefined;
  const clause = (exceptions[0]?.[0] ?? '').split(/\b(?:for|in|as|during|within|at)\b/)[0] ?? '';
  if (PERIOPERATIVE_WORDS.test(clause)) return undefined;
  const excepted = therapyMentions(clause).map((m) => m.ref);
  if (excepted.length === 0 || excepted.some((r) => !r.class)) return undefined;
  const drop = new Set<TherapyClass>(excepted.flatMap((r) => (r.class ? [r.class] : [])));
  // A drug of an excepted class is allowed whatever its other classes (crizotinib is an ALK
  // TKI and a MET inhibitor): those other classes cannot be forbidden by class.
  const excused = DRUG_NAMES.filter(({ entry }) => entry.classes.some((c) => drop.has(c)));
  for (const { entry } of excused) for (const c of entry.classes) drop.add(c);
  const kept = SYSTEMIC_CLASSES.filter(
    (c) => !drop.has(c) && !(SPECIFIC_OVER[c] ?? []).some((g) => drop.has(g)),
  );
  // A profile's platinum implies chemotherapy (matching/therapy-classes): the generic suffices.
  return kept
    .filter((c) => !(SPECIFIC_OVER[c] ?? []).some((g) => kept.includes(g)))
    .map((c) => ({ class: c }));
}

const PERIOPERATIVE_WORDS =
  /\b(?:neo-?)?adjuvant\b|\bneo\/adjuvant\b|\bperioperative\b|\bconsolidat|\bmaintenance\b|\bcurative\b|\bchemoradi|\bearly[- ]stage\b/;

/** Mentions joined by "and" (not "and/or") are separate requirements; others are alternatives. */
function andGroups(text: string, mentions: Mention[]): Mention[][] {
  const groups: Mention[][] = [];
  let current: Mention[] = [];
  for (let i = 0; i < mentions.length; i++) {
    const m = mentions[i] as Mention;
    const prev = mentions[i - 1];
    if (prev) {
      // A parenthesised aside between two mentions ("(combined or sequential), and …") is
      // not their connector.
      const between = text.slice(prev.end, m.start).replace(/\([^()]*\)/g, ' ');
      const connector =
        /\band\/or\b|\bor\b|\band\b|\bfollowed by\b|\bas well as\b|\bplus\b|\(|e\.g|such as|including|,/.exec(
          between,
        )?.[0] ?? '';
      const isAnd =
        /^(?:and|followed by|as well as|plus)$/.test(connector) ||
        (connector === ',' && /^\s*,\s*(?:and|as well as)\b/.test(between));
      if (isAnd && !/\bcombination\b|\bwith\b/.test(between)) {
        groups.push(current);
        current = [];
      }
    }
    current.push(m);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Does adjuvant/neoadjuvant treatment break treatment-naivety per the text? */
function perioperativeBreaksNaivety(text: string): boolean {
  if (
    /\b(?:neo)?adjuvant\b[^.;]*\b(?:allowed|permitted|acceptable|eligible|not considered|does not count|do not count|is permissible|are permissible)\b|\b(?:allowed|permitted)\b[^.;]*\b(?:neo)?adjuvant/.test(
      text,
    )
  )
    return false;
  if (
    /\bincluding (?:in the )?(?:neo)?adjuvant|\bin any setting\b|\b(?:neo)?adjuvant[^.;]{0,40}\b(?:is|are|will be) (?:not allowed|not permitted|excluded)/.test(
      text,
    )
  )
    return true;
  return false;
}

/** Limits on prior lines ("≥ 2 prior lines" under exclusion → max 1). */
const ORDINAL: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
};

function linesIn(text: string, section: Section): LinesFinding | undefined {
  // "Disease progression after standard second-line therapy": two prior lines.
  const after =
    /\b(?:progress\w*|fail\w*|relapsed?)\b[^.;]{0,30}\b(?:after|on|following|to)\b[^.;]{0,20}\b(first|1st|second|2nd|third|3rd)[- ]line\b(?! or)/.exec(
      text,
    );
  if (after && section === 'inclusion' && !/\bor (?:later|beyond|more)|\bat least\b/.test(text)) {
    const n = ORDINAL[after[1] ?? ''];
    if (n !== undefined && n >= 2) return { kind: 'prior_lines', effect: 'require', min: n };
  }
  const counts =
    /\b(?:neo)?adjuvant\b[^.;]{0,80}\b(?:count|considered|counted)\b[^.;]{0,20}\b(?:as )?(?:a |one )?(?:prior )?(?:line|regimen)/.test(
      text,
    ) && !/\bnot (?:be )?(?:count|considered|counted)|\bdo(?:es)? not count/.test(text);
  const withCounts = (f: LinesFinding): LinesFinding =>
    counts ? { ...f, countsPerioperative: true } : f;
  const lineCtx = new RegExp(`${LINES_WORD}`);
  if (!lineCtx.test(text)) return undefined;
  if (
    !/\blines?\b|\bregimens?\b|\bprior (?:systemic )?(?:therap|treatment)|\bprevious (?:systemic )?(?:therap|treatment)/.test(
      text,
    )
  )
    return undefined;
  let m: RegExpExecArray | null;
  // "1-2 prior lines", "one or two prior regimens"
  m = new RegExp(`\\b${NUM}\\s*(?:-|to|or|–)\\s*${NUM}\\s+${LINES_WORD}`).exec(text);
  if (
    m &&
    section === 'inclusion' &&
    /\bprior|\bprevious|\breceived|\bfailed|\bprogress|\btreated/.test(text)
  ) {
    const a = numberOf(m[1]);
    const b = numberOf(m[2]);
    if (a !== undefined && b !== undefined && a <= b) {
      if (/\bchemotherapy\b/.test(m[0]) && !/\bsystemic\b/.test(m[0])) return undefined;
      return withCounts({ kind: 'prior_lines', effect: 'require', min: a, max: b });
    }
  }
  // "at least one but no more than two prior regimens"
  m = new RegExp(
    `\\b(?:at least|a minimum of|>=|≥)\\s*${NUM}\\s+(?:but|and)\\s+(?:no more than|not more than|at most|up to|a maximum of|<=|≤)\\s*${NUM}\\s+${LINES_WORD}`,
  ).exec(text);
  if (m && section === 'inclusion') {
    const a = numberOf(m[1]);
    const b = numberOf(m[2]);
    if (a !== undefined && b !== undefined && a <= b)
      return withCounts({ kind: 'prior_lines', effect: 'require', min: a, max: b });
  }
  // "no more than 2 prior lines", "≤ 2 prior regimens", "up to 2", "maximum of 2"
  m = new RegExp(
    `(?:no more than|not more than|at most|up to|maximum of|a maximum of|<=|less than or equal to|≤)\\s*${NUM}\\s+${LINES_WORD}`,
  ).exec(text);
  if (m && section === 'inclusion') {
    const n = numberOf(m[1]);
    if (n !== undefined) return withCounts({ kind: 'prior_lines', effect: 'require', max: n });
  }
  m = new RegExp(`(?:at least|>=|minimum of|a minimum of|≥)\\s*${NUM}\\s+${LINES_WORD}`).exec(text);
  if (m && section === 'inclusion') {
    const n = numberOf(m[1]);
    if (n !== undefined) return withCounts({ kind: 'prior_lines', effect: 'require', min: n });
  }
  if (section === 'exclusion') {
    // "more than 2 prior lines", "≥ 2 prior lines", "prior lines of therapy >= 2", "received 3 or more"
    m =
      new RegExp(`(?:more than|greater than|>)\\s*${NUM}\\s+${LINES_WORD}`).exec(text) ??
      new RegExp(
        `${LINES_WORD}[^.;]{0,30}?(?:more than|greater than|>)\\s*${NUM}\\b${NOT_A_DURATION}`,
      ).exec(text);
    if (m) {
      const n = numberOf(m[1]);
      if (n !== undefined) return withCounts({ kind: 'prior_lines', effect: 'require', max: n });
    }
    m =
      new RegExp(`(?:>=|at least|≥)\\s*${NUM}\\s+${LINES_WORD}`).exec(text) ??
      new RegExp(`${LINES_WORD}[^.;]{0,30}?(?:>=|≥|at least)\\s*${NUM}\\b${NOT_A_DURATION}`).exec(
        text,
      ) ??
      new RegExp(`\\b${NUM}\\s+or more\\s+${LINES_WORD}`).exec(text);
    if (m) {
      const n = numberOf(m[1]);
      if (n !== undefined && n >= 1)
        return withCounts({ kind: 'prior_lines', effect: 'require', max: n - 1 });
    }
  }
  if (section === 'inclusion') {
    m = new RegExp(`\\b${NUM}\\s+(?:or more\\s+)?(?:prior |previous )${LINES_WORD}`).exec(text);
    if (m && /\bor more\b|\bat least\b/.test(m[0])) {
      const n = numberOf(m[1]);
      if (n !== undefined) return withCounts({ kind: 'prior_lines', effect: 'require', min: n });
    }
  }
  return undefined;
}

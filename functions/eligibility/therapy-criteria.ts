/**
 * Prior-therapy criteria from one item: required prior therapy (with progression), forbidden
 * prior therapy, treatment-naive, limits on prior lines, and whether adjuvant therapy counts.
 * Washouts ("within 28 days"), concurrent use, hypersensitivity and "is allowed" sentences
 * are not prior-therapy rules and produce nothing.
 */

import type { TherapyClass } from '#vocabulary/codes.ts';
import { DRUG_NAMES, type DrugEntry, THERAPY_CLASS_PHRASES } from '#vocabulary/drugs.ts';
import type { Effect, Section, TherapyRef } from './facts.ts';
import { isPermission } from './text.ts';

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
      out.push({ ref: { drug: found.entry.drug }, start, end: found.end });
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
  return filtered;
}

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
  /\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?\d+|\bwithin\s+(?:one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|half)|\b\d+\s*(?:days?|weeks?|half[- ]lives)\s+(?:prior|before)\b|\bwash[- ]?out\b|\bhalf[- ]lives\b|\bless than \d+ (?:days?|weeks?)|\b(?:concurrent(?:ly)?|concomitant(?:ly)?|current(?:ly)? (?:receiving|taking|on|undergoing)|preparing|ongoing|during the study|while on study|at the time of)\b|\bresidual toxicit|\btoxicit(?:y|ies) (?:from|of|related)|\badverse (?:event|reaction)|\bimmune[- ]related\b|\birae\b|\bpneumonitis\b|\bdiscontinu\w* (?:due to|because of)|\bgrade [2-4]\b|\bstudy drug\b|\binvestigational (?:agent|drug|product)/;
const EXCLUSION_NOT_PRIOR =
  /\bhypersensitiv|\ballerg|\bintoleran(?:ce|t) to\b|\bcontraindicat|-induced\b|\brecovered\b|\bgonadotox|\btoxicit|\bexacerbat|\babsorption\b|\babsorb|\bswallow|\b(?:should be |be )?offered\b|\bcandidates? for\b|\bshould (?:be )?receiv|\bduring (?:treatment|therapy) with\b|\bcaution\b|\banticoagula|\bthird space\b|\bdrain/;
const PERMITTED =
  /\b(?:is|are|will be|may be|be)\s+(?:allowed|permitted|permissible|acceptable|eligible)\b|\bpermitted\b|\ballowed\b|\bacceptable\b|\bdo(?:es)? not count\b|\bnot (?:be )?considered\b|\bare eligible\b|\bmay have (?:received|had)\b|\bcan be (?:included|enrolled)\b/;
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
const LINES_WORD =
  '(?:(?:prior |previous |systemic |standard |anti-?cancer |anti-?tumou?r |chemotherapy |treatment |therapy )*(?:lines?|regimens?|treatments?|therap(?:y|ies))(?: of (?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment|chemotherapy))?)';

function numberOf(s: string | undefined): number | undefined {
  return s === undefined ? undefined : NUMBER[s];
}

/** Text with exception clauses removed ("… except osimertinib", "other than adjuvant …"). */
function withoutExceptions(text: string): string {
  return text
    .replace(
      /\b(?:except(?: for)?|other than|besides|excluding|with the exception of|apart from|aside from)\b[^.;]*/g,
      ' ',
    )
    .replace(
      /\((?:[^()]*\b(?:combination|monotherapy|with or without|alone|either)\b[^()]*)\)/g,
      ' ',
    )
    .replace(/\b(?:either )?(?:as )?monotherapy or in combination with\b[^.;,)]*/g, ' ')
    .replace(/\b(?:alone or )?in combination with\b[^.;)]*/g, ' ')
    .replace(/\bwith or without\b[^.;,)]*/g, ' ');
}

function settingsOf(text: string): 'any' | 'advanced' {
  if (
    /\bin any setting\b|\bany setting\b|\bincluding (?:in the )?(?:neo)?adjuvant|\b(?:neo)?adjuvant[^.;]{0,40}\b(?:or|and)\b[^.;]{0,20}\b(?:metastatic|advanced)/.test(
      text,
    )
  )
    return 'any';
  if (
    /\bfor (?:the treatment of )?(?:locally[- ]advanced|advanced|metastatic|recurrent|stage iv|unresectable)|\bin the (?:advanced|metastatic) setting|\bfor (?:advanced|metastatic|recurrent)[^.;]{0,30}(?:disease|nsclc|cancer)/.test(
      text,
    )
  )
    return 'advanced';
  return 'any';
}

const NAIVE_RE =
  /\btreatment[- ]na[iï]ve\b|\btherapy[- ]na[iï]ve\b|\bsystemic(?: therapy| treatment)?[- ]na[iï]ve\b|\bpreviously untreated\b|\buntreated (?:for )?(?:locally advanced|advanced|metastatic|stage|recurrent|nsclc)|\bno (?:prior|previous) (?:systemic |anti-?cancer |anti-?tumou?r |first-line )*(?:therapy|treatment|regimen)s?\b|\bnot (?:have )?(?:previously )?received (?:any )?(?:prior |previous )?(?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment)\b|\bha(?:ve|s|d)(?:n't| not| never)(?: previously)? (?:accepted|received|had|been treated with) (?:any )?(?:prior |previous )?(?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment)|\bnever (?:been )?(?:received|treated with) (?:any )?systemic|\bwithout (?:any )?(?:prior|previous) (?:systemic )?(?:therapy|treatment)|\bna[iï]ve to (?:systemic|any)|\bfirst[- ]line (?:treatment|therapy|setting)\b(?! with\b)|\b1l\b|\bfrontline\b/;

/** Words without which an item cannot state a prior-therapy rule (a cheap gate). */
const THERAPY_GATE =
  /prior|previous|receiv|treat|therap|regimen|\blines?\b|exposure|exposed|na[iï]ve|progress|fail|refractory|resistan|inhibitor|tki|chemo|first-line|1l\b|frontline/;

export function therapyInItem(folded: string, section: Section): TherapyItemFinding[] {
  if (!THERAPY_GATE.test(folded)) return [];
  const out: TherapyItemFinding[] = [];
  const text = folded.replace(/\([^()]*\)/g, (p) => (isPermission(p) ? ' ' : p));
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
    const negated =
      /\b(?:no|not|never|without|free of)\b[^.;]{0,30}\b(?:prior|previous(?:ly)?|received|receive|treated|exposure|exposed)\b|\bna[iï]ve to\b|[- ]na[iï]ve\b(?<!treatment[- ]na[iï]ve)(?<!therapy[- ]na[iï]ve)|\b[a-z]+(?:nib|mab|platin|taxel|trexed)\s+(?:treatment|therapy)[- ]na[iï]ve\b/.test(
        text,
      );
    if (negated && !washout) {
      const mentions = therapyMentions(withoutExceptions(text)).filter(
        (m) => m.ref.drug || m.ref.class !== 'chemotherapy' || /\bchemotherapy\b/.test(text),
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
        if (anyOf.length > 0) {
          const first = Math.min(...mentions.map((m) => m.start));
          out.push({
            kind: 'prior_therapy',
            effect: 'forbid',
            anyOf,
            settings: settingsOf(text.slice(first)),
          });
          // "Treatment-naive for advanced disease and osimertinib-naive": both rules.
          if (/\btreatment[- ]na[iï]ve\b|\bpreviously untreated\b/.test(text.slice(0, first))) {
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
    const explicitNaive =
      !/steroid/.test(text) &&
      /\btreatment[- ]na[iï]ve\b|\bpreviously untreated\b|\b(?:no|not|never|without)\b[^.;]{0,30}\b(?:systemic|anti-?cancer|anti-?tumou?r)\b[^.;]{0,25}\b(?:therap|treatment|regimen|chemotherapy)|\bha(?:ve|s)(?:n't| not) (?:accepted|received|had) any\b/.test(
        text,
      );
    // "TKI treatment-naive": naive to a kind of drug, not to all treatment.
    const kindNaive =
      /\b(?:tkis?|inhibitors?|immunotherapy|chemotherapy|targeted therapy|\w+(?:nib|mab))\s*(?:\([^)]*\)\s*)?(?:treatment|therapy)?[- ]na[iï]ve\b/.exec(
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
    const firstLineOnly = /\bfirst[- ]line\b|\b1l\b|\bfrontline\b/.test(text) && !explicitNaive;
    const naive =
      explicitNaive ||
      (NAIVE_RE.test(text) && !(firstLineOnly && therapyMentions(text).length > 0));
    const mentions = therapyMentions(withoutExceptions(text)).filter(
      (m) => !isStudyDrugContext(text, m),
    );
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
    if (washout || lines) return out;
    // Required prior therapy: "progressed on …", "previously treated with …", "must have received …".
    const requireRe =
      /\bprogress(?:ed|ion|ive disease)?\b[^.;]{0,40}\b(?:on|after|following|during|while|despite|to)\b|\bfail(?:ed|ure)\b|\brefractory\b|\bresistan(?:t|ce)\b|\brelapsed? (?:on|after|following)\b|\b(?:previously|prior|previous) (?:been )?treated with\b|\bprior (?:treatment|therapy) (?:with|including)\b|\bmust have (?:been )?(?:received|had|treated)\b|\bhave (?:received|had) (?:at least|prior|previous)\b|\b(?:has|have) received\b|\breceived (?:at least )?(?:one|1|prior|previous)\b|\bprevious(?:ly)? (?:treatment|therapy) with\b|\bprior\b[^.;]{0,60}\b(?:therapy|treatment|tki|inhibitor|chemotherapy)\b|\bpreviously received\b|\bafter (?:treatment with|receiving)\b|\bpost[- ](?:ici|immunotherapy|tki)/;
    if (!requireRe.test(text) || PERMITTED.test(text)) return out;
    if (mentions.length === 0) {
      // "Progressed following prior treatment", "at least one prior systemic therapy".
      if (
        /\b(?:progress|fail|relapse|refractory)[^.;]{0,60}\b(?:prior|previous|standard|systemic)\b[^.;]{0,30}\b(?:treatment|therapy|regimen)|\bpreviously treated\b|\bprior systemic (?:therapy|treatment)/.test(
          text,
        )
      ) {
        out.push({ kind: 'prior_lines', effect: 'require', min: 1 });
      }
      return out;
    }
    const cleaned = withoutExceptions(text);
    let from = 0;
    for (const group of andGroups(cleaned, mentions)) {
      const anyOf = dedupe(
        group.map((m) => m.ref),
        classesOfDrug,
      );
      const to = Math.max(...group.map((m) => m.end));
      const span = cleaned.slice(from, to);
      from = to;
      if (anyOf.length === 0) continue;
      const progressed =
        /\bprogress|\bfail|\brefractory\b|\bresistan|\brelapse/.test(span) &&
        !/\bor (?:were |was |be )?intoleran|\bintoleran\w* or\b|\bor (?:had |have )?(?:unacceptable )?toxicit/.test(
          span,
        ) &&
        !/\b(?:no|without|not|absence of)\b[^.;]{0,25}\bprogress/.test(span);
      out.push({
        kind: 'prior_therapy',
        effect: 'require',
        anyOf,
        settings: settingsOf(text),
        ...(progressed ? { progressed: true } : {}),
      });
    }
    return out;
  }

  // Exclusion section.
  if (washout || EXCLUSION_NOT_PRIOR.test(text) || lines) return out;
  const clauses = text.split(/(?<=[.;])\s+/);
  for (const clause of clauses) {
    if (PERMITTED.test(clause)) continue;
    const priorWords =
      /\bprior\b|\bprevious(?:ly)?\b|\breceived\b|\btreated with\b|\btreatment with\b|\bexposure to\b|\bexposed to\b|\bhistory of\b|\bhad (?:received|been)\b|\bin any setting\b|\bpretreated\b|\bpre-treated\b|\buse of\b/;
    if (
      /\b(?:prior|previous) (?:systemic |anti-?cancer |anti-?tumou?r )*(?:therapy|treatment|regimen)s?\b[^.;]{0,80}\bfor (?:the treatment of )?(?:locally[- ]advanced|advanced|metastatic|recurrent|stage iv)|\b(?:received|had) (?:any )?(?:prior )?systemic (?:anti-?cancer |anti-?tumou?r )?(?:therapy|treatment)[^.;]{0,60}\bfor (?:locally[- ]advanced|advanced|metastatic|recurrent)/.test(
        clause,
      )
    ) {
      if (/\b(?:other than|except|besides|apart from|aside from)\b/.test(clause)) continue;
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
    if (mentions.length === 0) continue;
    if (
      !priorWords.test(clause) &&
      !/^[^a-z]*(?:[a-z-]+ ){0,4}(?:inhibitors?|tkis?|therapy|treatment)/.test(clause)
    )
      continue;
    // Radiotherapy and surgery exclusions are nearly always washouts or sites: not decided here.
    const anyOf = dedupe(
      mentions.map((m) => m.ref),
      classesOfDrug,
    );
    if (anyOf.length === 0) continue;
    out.push({ kind: 'prior_therapy', effect: 'forbid', anyOf, settings: settingsOf(clause) });
  }
  return out;
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

/** Mentions joined by "and" (not "and/or") are separate requirements; others are alternatives. */
function andGroups(text: string, mentions: Mention[]): Mention[][] {
  const groups: Mention[][] = [];
  let current: Mention[] = [];
  for (let i = 0; i < mentions.length; i++) {
    const m = mentions[i] as Mention;
    const prev = mentions[i - 1];
    if (prev) {
      const between = text.slice(prev.end, m.start);
      const connector =
        /\band\/or\b|\bor\b|\band\b|\bfollowed by\b|\bas well as\b|\bplus\b|\(|e\.g|such as|including|,/.exec(
          between,
        )?.[0] ?? '';
      const isAnd = /^(?:and|followed by|as well as|plus)$/.test(connector);
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
      new RegExp(`${LINES_WORD}[^.;]{0,30}?(?:more than|greater than|>)\\s*${NUM}\\b`).exec(text);
    if (m) {
      const n = numberOf(m[1]);
      if (n !== undefined) return withCounts({ kind: 'prior_lines', effect: 'require', max: n });
    }
    m =
      new RegExp(`(?:>=|at least|≥)\\s*${NUM}\\s+${LINES_WORD}`).exec(text) ??
      new RegExp(`${LINES_WORD}[^.;]{0,30}?(?:>=|≥|at least)\\s*${NUM}\\b`).exec(text) ??
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

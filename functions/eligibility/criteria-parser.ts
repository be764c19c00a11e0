/**
 * Criteria markdown → inclusion/exclusion items, with the cohort/part labels each item sits
 * under. ClinicalTrials.gov criteria are loosely formatted markdown: "Inclusion Criteria:"
 * headers (also "Key …", "… (All Cohorts)", "… specific to Cohort A1"), numbered and bulleted
 * items nested by indentation, escaped characters, and cohort prefixes ("Cohort 2:",
 * "Part B -", "Cohorts 3 and 4:", "Cohort 2 only：").
 */
import type { Section } from './facts.ts';
import { fold, unescapeMarkdown } from './text.ts';

export interface CriteriaItem {
  /** The item's own text, unescaped, continuation lines joined (children excluded). */
  text: string;
  /** `fold(text)`, for matching. */
  folded: string;
  section: Section;
  /** Cohort labels as found (own prefix, else inherited); expanded to leaves by the caller. */
  labels: string[];
  /** The raw heading or prefix the labels came from ("Cohort 2", "Part A"). */
  heading?: string | undefined;
  depth: number;
  /** Index of the parent item in `items`, if nested. */
  parent?: number | undefined;
  /** Number of direct children. */
  children: number;
}

export interface ParsedCriteria {
  items: CriteriaItem[];
  /** Leaf cohort labels, in order of first appearance. */
  cohorts: string[];
  /** Each label → the leaf labels it stands for (a part → its cohorts). */
  expand: (labels: string[]) => string[];
}

const SECTION_RE =
  /^(?:[#*_\s]*)(?:(?:key|main|major|principal|general|additional|other|specific|disease[- ]specific|further)\s+)?(inclusion|exclusion|eligibility|ineligibility)(?:\s+(?:and|&)\s+(?:exclusion|inclusion))?(?:\s+criteri(?:a|on))?\b\s*(.*)$/i;

const BULLET_RE =
  /^(\s*)((?:[-*•+▪●○·◦‣⁃>]|--+|\d{1,2}[.)](?!\d)|\(\d{1,2}\)|\(?[a-z][.)](?=\s)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)](?=\s))\s*)(.*)$/i;

const LABEL_KEYWORDS =
  '(?:cohorts?|parts?|arms?|groups?|modules?|sub-?stud(?:y|ies)|substudies|phases?(?= (?:[1-3][ab]?|i{1,3}b?|iv)\\b))';
const LABEL_RE = new RegExp(
  `\\b(${LABEL_KEYWORDS})\\s+((?:[a-z]?\\d{1,2}[a-z]?|[a-h]\\b|i{1,3}v?\\b|iv\\b)(?:\\s*(?:,|and|or|&|/|to|through|-|–)\\s*(?:[a-z]?\\d{1,2}[a-z]?|[a-h]\\b|i{1,3}\\b|iv\\b))*)`,
  'gi',
);
const DOSE_LABEL_RE =
  /\b(dose[- ]escalation|dose[- ]expansion|escalation|expansion)\b(?:\s+(?:phase|part|cohorts?|stage))?/i;

/** Normalised labels named in a short label text ("Cohorts 3 and 4" → cohort 3, cohort 4). */
export function labelsIn(text: string): string[] {
  const out: string[] = [];
  const folded = fold(text);
  for (const m of folded.matchAll(LABEL_RE)) {
    const kind = (m[1] ?? '')
      .replace(/s$/, '')
      .replace(/stud(?:y|ie)$/, 'study')
      .replace(/^stage$/, 'stage');
    const list = m[2] ?? '';
    const range = /^(\d{1,2})\s*(?:to|through|-|–)\s*(\d{1,2})$/.exec(list.trim());
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b >= a && b - a < 20) for (let i = a; i <= b; i++) out.push(`${kind} ${i}`);
      continue;
    }
    for (const id of list.split(/\s*(?:,|and|or|&|\/)\s*/)) {
      let clean = id.trim();
      if (kind === 'phase')
        clean = clean
          .replace(/^iii/, '3')
          .replace(/^ii/, '2')
          .replace(/^iv/, '4')
          .replace(/^i/, '1');
      if (clean) out.push(`${kind} ${clean}`);
    }
  }
  if (out.length === 0) {
    const dose = DOSE_LABEL_RE.exec(folded);
    if (dose?.[1])
      out.push(
        dose[1]
          .replace(/^dose[- ]/, 'dose ')
          .replace(/^escalation$/, 'dose escalation')
          .replace(/^expansion$/, 'dose expansion'),
      );
  }
  return [...new Set(out)];
}

/**
 * If the item starts with a cohort label ("Cohort 2:", "Part B - …", "Cohorts 3 and 4:",
 * "Cohort 2 only：", "For Part A:", "Part A"), return the labels and the prefix.
 */
export function labelPrefix(text: string): { labels: string[]; prefix: string } | undefined {
  if (!LABEL_GATE.test(text)) return undefined;
  const folded = fold(text).trim();
  const m =
    /^\(?\s*((?:(?:for|in|only for|applicable to|applies to)\s+)?(?:participants\s+in\s+|patients\s+in\s+)?(?:the\s+)?(?:safety\s+lead-in\s+)?(?:(?:cohorts?|parts?|arms?|groups?|modules?|sub-?stud(?:y|ies))\s+[a-z0-9]{1,3}(?:\s*(?:,|and|or|&|\/|to|through|-)\s*(?:(?:safety\s+lead-in\s+)?(?:cohorts?|parts?|arms?|groups?)\s+)?[a-z0-9]{1,3})*|phase\s+(?:[1-3][ab]?|i{1,3}b?|iv)(?=\s*[:\-–])|dose[- ](?:escalation|expansion)(?:\s+(?:part|phase|cohorts?))?)(?:\s+only)?)(?:\s*\([^()]{1,80}\))?\s*(?:[:)]|\s-\s|\s–\s|$|\s(?=only\b)|[.,](?=\s)|\s(?=(?:subjects|patients|participants)\b))/i.exec(
      folded,
    );
  if (!m?.[1]) return undefined;
  const labels = labelsIn(m[1]);
  if (labels.length === 0) return undefined;
  return {
    labels,
    prefix: text
      .slice(0, Math.min(text.length, m[0].length))
      .replace(/[\s:：.,\-–—]+$/, '')
      .replace(/^(?![^()]*\()([^)]*)\)$/, '$1'),
  };
}

/**
 * "Inclusion Criteria for Participants with Stage III NSCLC": a section heading that names the
 * population it is for is a cohort of its own, labelled by that population (so the same words
 * under "Exclusion Criteria for …" join it). Headings for everyone ("for all participants",
 * "for both phases") and for steps of one study ("for trial entry", "for randomisation") are
 * not cohorts.
 */
export function populationLabel(rest: string): string | undefined {
  const t = fold(unescapeMarkdown(rest))
    .replace(/^[\s:：(\-–]+|[\s:：)]+$/g, '')
    .replace(/^for\s+the\s+/, 'for ')
    // "(those who meet any of the following are ineligible)": a note, not the population.
    .replace(/\s*\([^()]*\b(?:who|following|meet|any)\b[^()]*\)?$/, '');
  const m =
    /^for ((?:(?:healthy )?(?:participants|patients|subjects|people|individuals|persons|volunteers)\s+(?:with|who|having|requiring|needing|receiving|undergoing|treated|without|eligible for|scheduled for|planned for|after|not)\b.{3,}|(?!all\b|both\b|each\b|any\b|every\b)[^,;:]{2,60}\s(?:participants|patients|subjects|volunteers)))$/.exec(
      t,
    );
  const label = m?.[1]?.trim();
  if (!label || label.length > 140) return undefined;
  if (/^(?:all|both|each|any|every|eligible|enrolled|the study)\b/.test(label)) return undefined;
  if (/\b(?:this|the) (?:study|trial)$/.test(label)) return undefined;
  return label;
}

const LABEL_GATE =
  /^\W{0,3}(?:for |in |only |applicable |applies |participants |patients |the |safety )*(?:cohort|part|arm|group|module|sub-?stud|substud|dose|phase)/i;

interface Line {
  indent: number;
  bullet: boolean;
  text: string;
}

function toLines(markdown: string): Line[] {
  const out: Line[] = [];
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const expanded = raw.replace(/\t/g, '    ');
    if (expanded.trim() === '') {
      out.push({ indent: 0, bullet: false, text: '' });
      continue;
    }
    const m = BULLET_RE.exec(expanded);
    if (m && (m[3] ?? '').trim() !== '') {
      // Deeper dashes ("--", "---") nest further even at the same indentation.
      const dashes = /^-+/.exec(m[2] ?? '')?.[0].length ?? 0;
      out.push({
        indent: (m[1] ?? '').length + Math.max(0, dashes - 1) * 2,
        bullet: true,
        text: (m[3] ?? '').trim(),
      });
    } else {
      out.push({
        indent: expanded.length - expanded.trimStart().length,
        bullet: false,
        text: expanded.trim(),
      });
    }
  }
  return out;
}

function sectionOf(text: string): { section: Section; rest: string } | undefined {
  const clean = unescapeMarkdown(text).replace(/^[#*_\s]+|[*_\s]+$/g, '');
  const m = SECTION_RE.exec(clean);
  if (!m) return undefined;
  const word = (m[1] ?? '').toLowerCase();
  const rest = (m[2] ?? '').trim();
  // "Inclusion criteria apply" / "Exclusion of …" sentences are items, not headers.
  if (!/criteri/i.test(clean) && !/^[:：]?$/.test(rest)) return undefined;
  if (
    /^(?:apply|applies|are|is|will|must|include|for the|of\b)/i.test(
      rest.replace(/^[:：]\s*/, ''),
    ) &&
    !/^[:：]/.test(rest)
  ) {
    if (!/^for\b/i.test(rest)) return undefined;
  }
  const section: Section =
    word === 'exclusion' || word === 'ineligibility' ? 'exclusion' : 'inclusion';
  return { section, rest };
}

/** A short non-bullet line ending with ":" (or a bare label) that introduces the items below. */
function isHeadingLine(text: string): boolean {
  const t = text.replace(/^[#*_\s]+|[*_\s]+$/g, '');
  if (t.length === 0 || t.length > 120) return false;
  if (/^#/.test(text)) return true;
  if (/[:：]$/.test(t)) return true;
  return (
    labelPrefix(t) !== undefined && labelPrefix(t)?.prefix.length === t.replace(/[:：]$/, '').length
  );
}

export function parseCriteria(markdown: string | undefined): ParsedCriteria {
  const items: CriteriaItem[] = [];
  const children = new Map<string, Set<string>>();
  const order: string[] = [];
  const see = (label: string) => {
    if (!order.includes(label)) order.push(label);
  };
  const link = (parents: string[], kids: string[]) => {
    for (const p of parents) {
      for (const k of kids) {
        if (p === k) continue;
        let set = children.get(p);
        if (!set) {
          set = new Set();
          children.set(p, set);
        }
        set.add(k);
      }
    }
  };

  let section: Section = 'inclusion';
  let headingLabels: string[] = [];
  let headingText: string | undefined;
  const stack: { indent: number; index: number }[] = [];
  let last: number | undefined;
  let blank = false;

  const pushItem = (rawText: string, indent: number, bullet: boolean) => {
    const text = unescapeMarkdown(rawText).trim();
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    const parentEntry = bullet || indent > 0 ? stack[stack.length - 1] : undefined;
    const parent = parentEntry ? items[parentEntry.index] : undefined;
    const own = labelPrefix(text);
    const inherited = parent ? parent.labels : headingLabels;
    let labels = inherited;
    let heading = parent ? parent.heading : headingText;
    if (own) {
      for (const l of own.labels) see(l);
      link(inherited, own.labels);
      labels = own.labels;
      heading = own.prefix;
    }
    const item: CriteriaItem = {
      text,
      folded: fold(text),
      section,
      labels,
      heading,
      depth: parentEntry ? stack.length : 0,
      parent: parentEntry?.index,
      children: 0,
    };
    if (parent) parent.children += 1;
    items.push(item);
    last = items.length - 1;
    stack.push({ indent, index: last });
  };

  for (const line of toLines(markdown ?? '')) {
    if (line.text === '') {
      blank = true;
      continue;
    }
    const header = sectionOf(line.text);
    if (header && (!line.bullet || line.text.length < 80)) {
      section = header.section;
      stack.length = 0;
      last = undefined;
      blank = false;
      const rest = header.rest.replace(/^[:：\s]+/, '');
      const namedLabels = labelsIn(header.rest);
      const population = namedLabels.length === 0 ? populationLabel(rest) : undefined;
      const restLabels = population ? [population] : namedLabels;
      if (restLabels.length > 0 && (rest.length < 100 || population)) {
        for (const l of restLabels) see(l);
        headingLabels = /all (?:cohorts|parts|participants|patients)/i.test(rest) ? [] : restLabels;
        headingText =
          headingLabels.length > 0 ? rest.replace(/^[(\s]+|[)\s:：]+$/g, '') : undefined;
      } else {
        headingLabels = [];
        headingText = undefined;
        if (
          rest.length > 0 &&
          !/^\(?[^)]*\)?$/.test(rest.replace(/[:：]$/, '')) &&
          rest.length > 15
        ) {
          pushItem(rest, 0, false);
        }
      }
      continue;
    }
    if (
      !line.bullet &&
      isHeadingLine(line.text) &&
      (blank || last === undefined || line.indent === 0)
    ) {
      const own = labelPrefix(line.text);
      const text = unescapeMarkdown(line.text).replace(/^[#*_\s]+|[*_\s:：]+$/g, '');
      if (own) {
        for (const l of own.labels) see(l);
        headingLabels = own.labels;
        headingText = own.prefix;
      } else if (!/criteria|following|must|who|are|eligible|:$/i.test(text) || text.length < 60) {
        // A plain sub-heading ("Disease characteristics:") ends any cohort heading.
        headingLabels = [];
        headingText = undefined;
      }
      stack.length = 0;
      last = undefined;
      blank = false;
      continue;
    }
    if (line.bullet || blank || last === undefined) {
      pushItem(line.text, line.bullet ? line.indent : Math.max(line.indent, 0), line.bullet);
    } else {
      const item = items[last];
      if (item) {
        item.text = `${item.text} ${unescapeMarkdown(line.text).trim()}`;
        item.folded = fold(item.text);
      }
    }
    blank = false;
  }

  const leavesOf = (label: string, seen = new Set<string>()): string[] => {
    const kids = children.get(label);
    if (!kids || kids.size === 0 || seen.has(label)) return [label];
    seen.add(label);
    return [...kids].flatMap((k) => leavesOf(k, seen));
  };
  const cohorts = order.filter((l) => !(children.get(l)?.size ?? 0));
  const expand = (labels: string[]) => [...new Set(labels.flatMap((l) => leavesOf(l)))];
  return { items, cohorts, expand };
}

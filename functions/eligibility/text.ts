/** Small text helpers shared by the extractor's modules. */

/** Remove markdown backslash escapes (`\<` → `<`, `\*` → `*`, `\[` → `[`). */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!<>~|=^"'])/g, '$1');
}

/**
 * Lower-cased text with unicode comparison signs, dashes, full-width punctuation and odd
 * spaces folded, for pattern matching only (quotes keep the original words).
 */
const FOLD_MAP: Record<string, string> = {
  '：': ':',
  '，': ',',
  '。': '.',
  '；': ';',
  '（': '(',
  '）': ')',
  '≥': '>=',
  '⩾': '>=',
  '≤': '<=',
  '⩽': '<=',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  ⅰ: 'i',
  ⅱ: 'ii',
  ⅲ: 'iii',
  ⅳ: 'iv',
  ï: 'i',
  é: 'e',
};
const FOLD_RE =
  /[\u00a0\u2000-\u200b\u3000]|[\u2010-\u2015\u2212]|[：，。；（）≥⩾≤⩽\u2018\u2019\u201c\u201dⅰⅱⅲⅳïé]|=>|=</g;

/**
 * The extractor folds the same item text in several readers (stage, biomarkers, therapy,
 * topics): the last few hundred results are kept. Folding is pure, so a hit is exact.
 */
const FOLDED = new Map<string, string>();
const FOLDED_MAX = 512;

export function fold(text: string): string {
  const hit = FOLDED.get(text);
  if (hit !== undefined) return hit;
  const folded = foldText(text);
  if (FOLDED.size >= FOLDED_MAX) FOLDED.clear();
  FOLDED.set(text, folded);
  return folded;
}

function foldText(text: string): string {
  return text
    .replace(/\beGFR\b/g, 'estimated gfr')
    .toLowerCase()
    .replace(FOLD_RE, (c) => {
      if (c === '=>') return '>=';
      if (c === '=<') return '<=';
      const mapped = FOLD_MAP[c];
      if (mapped !== undefined) return mapped;
      return /[\u2010-\u2015\u2212]/.test(c) ? '-' : ' ';
    })
    .replace(
      /\b(braf|kras|egfr|her2|erbb2|met|alk|ros1)(v600|g12|g13|l858|t790|c797|ex\d|exon)/g,
      '$1 $2',
    )
    .replace(/\b([gltcsv]) (\d{3,4}) ([a-z])\b/g, '$1$2$3')
    .replace(/\s+/g, ' ');
}

/** Split folded text into sentences (keeps decimals such as "1.5" and "e.g." together). */
export function sentences(folded: string): string[] {
  return folded
    .split(/(?<!\b(?:e\.g|i\.e|vs|no|approx|dr|etc|incl|ca))(?<!\d)[.;](?=\s|$)|\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const PERMISSION =
  /(?<!\bnot\s(?:be\s)?)(?<!\bnon[- ]?)\b(?:allowed|permitted|permissible|acceptable|eligible|can be (?:included|enrolled)|may (?:be )?(?:included|enrolled|participate))\b/;

/** Is this sentence a permission ("… is allowed"), not a requirement or exclusion? */
export function isPermission(sentence: string): boolean {
  return (
    PERMISSION.test(sentence) &&
    !/\bnot (?:be )?(?:allowed|permitted|eligible|acceptable)\b|\bineligible\b|\bnon[- ]?eligible\b|\bexcluded\b|\bmust\b(?! (?:be|have been) (?:stable|treated))/.test(
      sentence,
    )
  );
}

/** Text without permission notes: "(… is allowed)" parentheticals and permission sentences. */
export function stripPermissions(folded: string): string {
  const noParens = folded.replace(/\([^()]*\)/g, (p) => (isPermission(p) ? ' ' : p));
  return sentences(noParens)
    .filter((s) => !isPermission(s))
    .join('. ');
}

/**
 * A sentence under inclusion that says who is excluded ("Patients with active brain
 * metastases are excluded", "… are not eligible"): it reads as an exclusion. Not "not
 * eligible for curative surgery" (unfit for a treatment) nor "excluded from cohort A"; nor "…
 * is not allowed", often an order of treatments ("chemotherapy before the TKI"), left to discuss.
 */
export const EXCLUDED_HERE =
  /(?<!\b(?:unless|if|when|whether|except)\b[^.;,]{0,40})\b(?:are|is|will be|shall be|would be|be)\s+(?:excluded|ineligible|not (?:eligible|included))\b(?!\s+(?:for|to|from|in)\b(?!\s+(?:this |the )?(?:study|trial|enrol\w*|participat\w*|inclusion|entry)\b))|\bmay not (?:be )?(?:enrolled|included|participate)\b|\bcannot (?:be )?(?:enrolled|included|participate)\b/;

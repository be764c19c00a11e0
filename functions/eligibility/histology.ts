/**
 * Histology requirements: "non-squamous" = adenocarcinoma, large cell or NOS (PROFILE codes);
 * "squamous" alone = squamous. Items about other malignancies ("squamous cell carcinoma of the
 * skin") never speak to the tumour's histology.
 */
import type { Histology } from '#vocabulary/codes.ts';

const NON_SQUAMOUS: Histology[] = ['adenocarcinoma', 'large_cell', 'nsclc_nos'];
const OTHER_MALIGNANCY =
  /\bmalignan|\bskin\b|\bcervi|\bin situ\b|\bother (?:primary )?(?:cancer|tumou?r)|\bsecond (?:primary|cancer)|\bprior (?:history of )?cancer|\bbasal cell|\bhead and neck|\besophag|\banal\b|\bcutaneous/;

export function histologiesIn(folded: string): Histology[] | undefined {
  if (OTHER_MALIGNANCY.test(folded)) return undefined;
  const out = new Set<Histology>();
  const nonSq =
    /\bnon[- ]?squamous\b|\bnonsquamous\b|\bnon-sq\b|\bnon-?predominant(?:ly)? squamous\b|\bnot (?:be )?predominantly squamous\b/.test(
      folded,
    );
  if (nonSq) for (const h of NON_SQUAMOUS) out.add(h);
  const withoutNonSq = folded.replace(
    /\bnon[- ]?squamous\b|\bnonsquamous\b|\bnon-?predominant(?:ly)? squamous\b|\bnot (?:be )?predominantly squamous\b|\(?<\s*50\s*%\s*squamous[^)]*\)?/g,
    ' ',
  );
  if (/\bsquamous\b|\bsqcc\b|\blusc\b/.test(withoutNonSq)) out.add('squamous');
  if (/\badenocarcinoma\b|\badeno\b|\bluad\b/.test(withoutNonSq)) out.add('adenocarcinoma');
  if (/\blarge[- ]cell (?:carcinoma|lung|nsclc)(?! neuroendocrine)/.test(withoutNonSq))
    out.add('large_cell');
  if (out.size === 0) return undefined;
  // "NSCLC of any histology", "squamous or non-squamous": no restriction.
  if (
    /\bany histolog|\ball histolog|\bregardless of histolog|\birrespective of histolog/.test(folded)
  )
    return undefined;
  if (out.has('squamous') && nonSq) return undefined;
  if (
    out.has('squamous') &&
    out.has('adenocarcinoma') &&
    (out.has('large_cell') || /\bnos\b|not otherwise specified/.test(folded))
  )
    return undefined;
  return [...out];
}

/** Does the item speak of the tumour's histology (not a passing mention)? */
export function isHistologyItem(folded: string): boolean {
  return /\bhistolog|\bcytolog|\bconfirmed|\bdiagnos|\bnsclc\b|\bnon-small|\bcarcinoma\b|\bpredominant|\bsubtype|\btumou?r type|\bcancer\b/.test(
    folded,
  );
}

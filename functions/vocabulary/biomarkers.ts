/**
 * Biomarker spellings → the gene and alteration codes of codes.ts / PROFILE.md. Used for the
 * profile (free-text spellings such as "Ex19del", "p.Leu858Arg", "EML4-ALK", "METex14") and by
 * the extractor, which scans criteria text with the same tables.
 */
import { ALTERATIONS_BY_GENE, type Alteration, GENES, type Gene } from './codes.ts';

/** Gene spellings (lower case, tested as whole words against lower-cased text). */
export const GENE_PATTERNS: readonly { gene: Gene; pattern: RegExp }[] = [
  { gene: 'EGFR', pattern: /\begfr\b|\bepidermal growth factor receptor\b|\berbb1\b|\bher1\b/ },
  { gene: 'ALK', pattern: /\balk\b|\banaplastic lymphoma kinase\b/ },
  { gene: 'ROS1', pattern: /\bros-?1\b|\bc-ros\b/ },
  { gene: 'BRAF', pattern: /\bb-?raf\b/ },
  { gene: 'KRAS', pattern: /\bk-?ras\b|\bras\b(?= (?:mutat|gene|alteration|pathway))/ },
  {
    gene: 'MET',
    pattern:
      /\bc-?met\b|(?<!\b(?:are|is|be|been|were|was|not|criteria|requirements?|all|who) )\bmet(?=ex|δ|\s*(?:exon|ex\b|ex\s?14|amp|amplification|overexpress|ihc|gene|alteration|mutation|copy|splice|fusion|\/cep|-?positive|protein|high|\((?!\d))|[- ](?:mutat|amplif|alter|over|ihc|exon))|\bhepatocyte growth factor receptor\b|(?<=\b(?:egfr|alk|ros-?1|b-?raf|k-?ras|ret|her-?2|erbb-?2|ntrk-?[1-3]?|nrg-?1)\s*(?:,\s*(?:and\/or|or|and)?|and\/or|or|and|\/)\s*)\bmet\b(?!\s+(?:the|all|any|each|both|criteria|requirements?|by|with|in|at|on|for|from|to|as|his|her|their|our|eligibility|inclusion|exclusion)\b)|\bmet(?=\s*(?:,|\/|or|and)\s*(?:egfr|alk|ros-?1|b-?raf|k-?ras|ret|her-?2|erbb-?2|ntrk|nrg-?1)\b)/,
  },
  {
    gene: 'RET',
    pattern:
      /\bret\b(?!\w)(?=[\s/-]*(?:fusion|rearrang|gene|alteration|mutat|translocation|positive|\+|-?selective|inhibitor|,|\/| or | and |\)))|\bret(?=-?(?:fusion|rearranged|positive))|(?<=\b(?:egfr|alk|ros-?1|b-?raf|k-?ras|c-?met|her-?2|erbb-?2|ntrk-?[1-3]?|nrg-?1)\s*(?:,\s*(?:and\/or|or|and)?|and\/or|or|and|\/)\s*)\bret\b(?![- ](?:to|the|a|an|of)\b)/,
  },
  { gene: 'NTRK1', pattern: /\bntrk-?1\b/ },
  { gene: 'NTRK2', pattern: /\bntrk-?2\b/ },
  { gene: 'NTRK3', pattern: /\bntrk-?3\b/ },
  { gene: 'ERBB2', pattern: /\bher-?2\b|\berbb-?2\b|\bher2\/neu\b/ },
  { gene: 'NRG1', pattern: /\bnrg-?1\b|\bneuregulin[- ]?1?\b/ },
  {
    gene: 'PD-L1',
    pattern: /\bpd-?l-?1\b|\bprogrammed (?:cell )?death[- ]ligand[- ]?1\b|\bcd274\b/,
  },
  { gene: 'TMB', pattern: /\btmb\b|\btumou?r mutation(?:al)? burden\b/ },
  { gene: 'STK11', pattern: /\bstk11\b|\blkb1\b/ },
  { gene: 'KEAP1', pattern: /\bkeap1\b/ },
  { gene: 'FGFR1', pattern: /\bfgfr1\b/ },
  { gene: 'PIK3CA', pattern: /\bpik3ca\b/ },
  { gene: 'TP53', pattern: /\btp53\b|\bp53\b/ },
  {
    gene: 'MSI',
    pattern: /\bmsi(?:-h|-high)?\b|\bmicrosatellite instab|\bdmmr\b|\bmismatch repair[- ]deficien/,
  },
];

/** Alteration spellings per gene, most specific first; tested against lower-cased text. */
export const ALTERATION_PATTERNS: {
  readonly [G in Gene]?: readonly { alteration: Alteration; pattern: RegExp }[];
} = {
  EGFR: [
    {
      alteration: 'exon20ins',
      pattern:
        /\bex(?:on)?[\s-]?20[\s-]?(?:ins(?:ertions?)?|in-frame insertions?)\b|\bexon 20 (?:insertion|ins)|\bex20ins\b|\binsertions? (?:mutations? )?(?:in|of) exon 20\b|\bd770_n771ins|\ba767_v769dup|\bexon 20 insertion/,
    },
    {
      alteration: 'exon19del',
      pattern:
        /\bex(?:on)?[\s-]?19[\s-]?(?:del(?:etions?)?|in-frame deletions?)\b|\bexon 19 del|\bex19del\b|\bdel[\s-]?19\b|\b19[\s-]?del\b|\bdeletions? (?:mutations? )?(?:in|of) exon 19\b|\be746_a750del|\bl747_t751del|\bexon 19 (?:deletion|del)/,
    },
    { alteration: 'L858R', pattern: /\bl858r\b|\bp\.l858r\b|\bleu858arg\b|\bc\.2573t>g\b/ },
    { alteration: 'T790M', pattern: /\bt790m\b|\bthr790met\b/ },
    { alteration: 'C797S', pattern: /\bc797[sx]\b|\bcys797ser\b/ },
    { alteration: 'G719X', pattern: /\bg719[xacsd]?\b|\bgly719/ },
    { alteration: 'L861Q', pattern: /\bl861[qx]?\b|\bleu861gln\b/ },
    { alteration: 'S768I', pattern: /\bs768i\b|\bser768ile\b/ },
  ],
  KRAS: [
    { alteration: 'G12C', pattern: /\bg12c\b|\bgly12cys\b|\bc\.34g>t\b/ },
    { alteration: 'G12D', pattern: /\bg12d\b|\bgly12asp\b/ },
    { alteration: 'G12V', pattern: /\bg12v\b|\bgly12val\b/ },
    {
      alteration: 'other',
      pattern: /\bnon-?g12c\b|\bg12[arsf]\b|\bg13[a-z]?\b|\bq61[a-z]?\b|\ba146[a-z]?\b/,
    },
  ],
  BRAF: [
    {
      alteration: 'non_V600',
      pattern: /\bnon-?v600e?\b|\bclass (?:ii|iii|2|3)\b|\bg469[a-z]?\b|\bk601e\b|\bg466[a-z]?\b/,
    },
    { alteration: 'V600E', pattern: /\bv600[ek]?\b|\bval600glu\b|\bc\.1799t>a\b/ },
  ],
  MET: [
    {
      alteration: 'exon14_skipping',
      pattern:
        /\bex(?:on)?[\s-]?14\b|\bmetex14\b|\bmetδex14\b|\bmet ?δ ?ex14\b|\bsplice[- ]site\b|\bskipping\b/,
    },
    {
      alteration: 'overexpression',
      pattern:
        /\boverexpress|\bover-expression\b|\bihc\b|\bprotein (?:high|expression)\b|\bexpression\b|\b3\+/,
    },
    {
      alteration: 'amplification',
      pattern: /\bamplifi|\bamp\b|\bamplified\b|\bcopy number|\bgcn\b|\/cep7\b/,
    },
  ],
  ERBB2: [
    {
      alteration: 'exon20ins',
      pattern:
        /\bex(?:on)?[\s-]?20[\s-]?ins(?:ertions?)?\b|\bexon 20 insertion|\byvma\b|\ba775_g776ins/,
    },
    { alteration: 'amplification', pattern: /\bamplifi|\bamp\b|\bcopy number|\bish\b|\bfish\b/ },
    {
      alteration: 'overexpression',
      pattern: /\boverexpress|\bover-expression\b|\bihc\b|\bexpressing\b|\bexpression\b|\b[23]\+/,
    },
    { alteration: 'mutation', pattern: /\bmutat|\bmutant\b|\btkd\b|\bvariant\b/ },
  ],
};

const FUSION_GENES: readonly Gene[] = ['ALK', 'ROS1', 'RET', 'NTRK1', 'NTRK2', 'NTRK3', 'NRG1'];
const SIMPLE_GENES: readonly Gene[] = ['STK11', 'KEAP1', 'FGFR1', 'PIK3CA', 'TP53', 'MSI'];

const FUSION_WORDS =
  /\bfusions?\b|\brearrange|\btranslocat|\bpositive\b|\+|\bfused\b|-[a-z0-9]+\b|\b[a-z0-9]+-/;

const GENE_ALIASES: Record<string, Gene> = {
  her2: 'ERBB2',
  her2neu: 'ERBB2',
  erbb2: 'ERBB2',
  neu: 'ERBB2',
  pdl1: 'PD-L1',
  cd274: 'PD-L1',
  cmet: 'MET',
  lkb1: 'STK11',
  msih: 'MSI',
  msihigh: 'MSI',
  dmmr: 'MSI',
  p53: 'TP53',
  ntrk: 'NTRK1',
  erbb1: 'EGFR',
  her1: 'EGFR',
};

const compact = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The gene code for a gene name ("HER2" → ERBB2, "c-MET" → MET, "pd-l1" → PD-L1). */
export function normaliseGene(name: string): Gene | undefined {
  const key = compact(name);
  const alias = GENE_ALIASES[key];
  if (alias) return alias;
  return GENES.find((g) => compact(g) === key);
}

/** The alteration code named in `text` for `gene`, or undefined when it names none. */
export function alterationIn(gene: Gene, text: string): Alteration | undefined {
  const lower = text.toLowerCase();
  const patterns = ALTERATION_PATTERNS[gene];
  if (patterns) {
    for (const { alteration, pattern } of patterns) if (pattern.test(lower)) return alteration;
    return undefined;
  }
  if (FUSION_GENES.includes(gene)) return FUSION_WORDS.test(lower) ? 'fusion' : undefined;
  if (SIMPLE_GENES.includes(gene)) {
    if (/\bamplifi|\bamp\b/.test(lower)) return 'amplification';
    if (/\bmutat|\bmutant\b|\bvariant|\bloss\b|\b-h\b|high|deficien/.test(lower)) return 'mutation';
  }
  return undefined;
}

/** Genes named in a single free-text spelling ("EML4-ALK" → ALK, "METex14" → MET). */
function genesIn(text: string): Gene[] {
  const lower = text.toLowerCase();
  const found: Gene[] = [];
  for (const { gene, pattern } of GENE_PATTERNS) if (pattern.test(lower)) found.push(gene);
  if (/\bmet(?:ex|δ)/.test(lower) && !found.includes('MET')) found.push('MET');
  if (/\bntrk\b/.test(lower) && !found.some((g) => g.startsWith('NTRK'))) found.push('NTRK1');
  return found;
}

/** Gene-less alteration spellings that belong to one gene. */
const IMPLIED_GENE: readonly { gene: Gene; pattern: RegExp }[] = [
  {
    gene: 'EGFR',
    pattern:
      /\bex(?:on)?[\s-]?19|\bdel[\s-]?19\b|\b19[\s-]?del\b|\bl858r\b|\bleu858arg\b|\bt790m\b|\bthr790met\b|\bc797s\b|\bg719[xacsd]\b|\bl861q\b|\bs768i\b|\bex20ins\b/,
  },
  { gene: 'KRAS', pattern: /\bg12[cdv]\b|\bgly12/ },
  { gene: 'BRAF', pattern: /\bv600e?\b|\bval600glu\b/ },
  { gene: 'MET', pattern: /\bmetex14\b|\bex14\b|\bexon 14 skipping\b/ },
];

const isAlterationOf = (gene: Gene, alteration: string): alteration is Alteration =>
  (ALTERATIONS_BY_GENE[gene] as readonly string[]).includes(alteration);

/**
 * Normalise a gene and optional alteration spelling to the product's codes.
 * Returns undefined when the gene is unknown, or when an alteration is given that cannot be
 * mapped to one of the gene's codes (so the caller can say what it did not understand).
 */
export function normaliseBiomarker(
  gene: string,
  alteration?: string,
): { gene: Gene; alteration?: Alteration } | undefined {
  let code = normaliseGene(gene);
  let altText = alteration?.trim() ?? '';
  if (!code) {
    // A combined spelling: "EML4-ALK", "METex14", "EGFR L858R", "HER2-mutant", "Ex19del".
    const genes = genesIn(gene);
    code = genes.length === 1 ? genes[0] : undefined;
    if (!code) code = IMPLIED_GENE.find((g) => g.pattern.test(gene.toLowerCase()))?.gene;
    if (!code) return undefined;
    altText = `${gene} ${altText}`.trim();
  }
  if (altText === '') return { gene: code };
  if (isAlterationOf(code, altText)) return { gene: code, alteration: altText };
  const exact = (ALTERATIONS_BY_GENE[code] as readonly string[]).find(
    (a) => a.toLowerCase() === altText.toLowerCase() || compact(a) === compact(altText),
  );
  if (exact) return { gene: code, alteration: exact as Alteration };
  const found = alterationIn(code, altText);
  if (found) return { gene: code, alteration: found };
  // A bare "positive", "mutation", "mutant" on a gene without such a code: the gene alone.
  if (/^(?:positive|pos|\+|altered|alteration|mutated|mutation|mutant)$/i.test(altText.trim())) {
    if (code === 'EGFR' || code === 'KRAS') return { gene: code };
    return { gene: code };
  }
  // Other point mutations of EGFR/KRAS: "other".
  if ((code === 'EGFR' || code === 'KRAS') && /\b(?:p\.)?[a-z]\d{2,4}[a-z*]\b/i.test(altText)) {
    return { gene: code, alteration: 'other' };
  }
  if (altText.toLowerCase() === compact(gene) || genesIn(altText).includes(code)) {
    return { gene: code };
  }
  return undefined;
}

/**
 * Biomarker criteria from one criteria item: genes and alterations at PROFILE granularity,
 * umbrella groups expanded (rule 5), the sign from the section and the item's negations
 * (rule 6), `knownOnly` for "known"/"documented" (rule 2), PD-L1 and TMB thresholds, and
 * "must have known PD-L1 / EGFR status" as biomarker_tested.
 */
import { ALTERATION_PATTERNS, GENE_PATTERNS } from '#vocabulary/biomarkers.ts';
import type { Alteration, Gene } from '#vocabulary/codes.ts';
import type { BiomarkerRef, Effect, Section } from './facts.ts';
import { EXCLUDED_HERE, isPermission } from './text.ts';

export const EGFR_SENSITIZING: BiomarkerRef[] = [
  { gene: 'EGFR', alteration: 'exon19del' },
  { gene: 'EGFR', alteration: 'L858R' },
];
const EGFR_UNCOMMON: BiomarkerRef[] = [
  { gene: 'EGFR', alteration: 'G719X' },
  { gene: 'EGFR', alteration: 'L861Q' },
  { gene: 'EGFR', alteration: 'S768I' },
];
/**
 * Rule 5: genes with approved first-line therapy for NSCLC ("no actionable alteration"); for
 * EGFR the sensitising pair and exon 20 insertions (the uncommon mutations are "sensitising"
 * only where a text says so, rule 5).
 */
export const ACTIONABLE_FIRST_LINE: BiomarkerRef[] = [
  ...EGFR_SENSITIZING,
  { gene: 'EGFR', alteration: 'exon20ins' },
  { gene: 'ALK' },
  { gene: 'ROS1' },
  { gene: 'BRAF', alteration: 'V600E' },
  { gene: 'MET', alteration: 'exon14_skipping' },
  { gene: 'RET' },
  { gene: 'NTRK1' },
  { gene: 'NTRK2' },
  { gene: 'NTRK3' },
];

const GENE_PATTERNS_G = GENE_PATTERNS.filter((g) => g.gene !== 'PD-L1' && g.gene !== 'TMB').map(
  (g) => ({
    gene: g.gene,
    re: new RegExp(g.pattern.source, 'g'),
  }),
);

interface GeneHit {
  gene: Gene;
  start: number;
  end: number;
}

const FUSION_GENES: readonly Gene[] = ['ALK', 'ROS1', 'RET', 'NTRK1', 'NTRK2', 'NTRK3', 'NRG1'];

/** Gene mentions with positions, de-duplicated by position, in order. */
export function geneHits(folded: string): GeneHit[] {
  const hits: GeneHit[] = [];
  for (const { gene, re } of GENE_PATTERNS_G) {
    for (const m of folded.matchAll(re)) {
      hits.push({ gene, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
    }
  }
  // "NTRK1/2/3", "NTRK fusion": all three.
  for (const m of folded.matchAll(
    /\bntrk(?:\s*1\s*\/\s*2\s*\/\s*3|1-3|\s*1-3)?\b(?![- ]?[123]\b)|\bntrk\s*1\s*\/\s*2\s*\/\s*3|\btrk\b(?! inhibitor)/g,
  )) {
    const at = m.index ?? 0;
    if (!hits.some((h) => h.start === at)) {
      for (const g of ['NTRK1', 'NTRK2', 'NTRK3'] as Gene[])
        hits.push({ gene: g, start: at, end: at + m[0].length });
    }
  }
  // Alterations that imply their gene when the gene is not written ("exon 19 deletion or L858R").
  const implied: { gene: Gene; re: RegExp }[] = [
    {
      gene: 'EGFR',
      re: /\bex(?:on)?[\s-]?19[\s-]?del|\bdel[\s-]?19\b|\b19[\s-]?del\b|\bl858r\b|\bt790m\b|\bc797s\b|\bg719[xacsd]?\b|\bl861q\b|\bs768i\b/g,
    },
    { gene: 'KRAS', re: /\bg12[cdv]\b/g },
    { gene: 'BRAF', re: /\bv600e?\b/g },
    { gene: 'MET', re: /\bmetex14\b/g },
  ];
  for (const { gene, re } of implied) {
    re.lastIndex = 0;
    for (const m of folded.matchAll(re)) {
      const at = m.index ?? 0;
      // Only where the gene is not written just before ("EGFR L858R" is one mention).
      if (hits.some((h) => h.gene === gene && h.start <= at && !isTherapyMention(folded, h)))
        continue;
      hits.push({ gene, start: at, end: at + m[0].length });
    }
  }
  hits.sort((a, b) => a.start - b.start || a.gene.localeCompare(b.gene));
  // Overlapping spellings of one gene ("her2 (erbb2)") count once.
  const out: GeneHit[] = [];
  for (const h of hits) {
    const prev = out[out.length - 1];
    if (prev && prev.gene === h.gene && /^\s*[(/]?\s*$/.test(folded.slice(prev.end, h.start))) {
      prev.end = Math.max(prev.end, h.end);
      continue;
    }
    if (prev && h.start < prev.end && prev.gene === h.gene) continue;
    out.push(h);
  }
  return out;
}

/** A gene written as part of a drug class ("EGFR TKI", "targeting KRAS G12C", "anti-HER2"). */
function isTherapyMention(folded: string, hit: GeneHit): boolean {
  const after = folded.slice(hit.end, hit.end + 60);
  const before = folded.slice(Math.max(0, hit.start - 25), hit.start);
  if (
    /^[\s-]*(?:tki|tyrosine[- ]kinase[- ]inhibitor)s?\b[\s-]*(?:sensitiv|sensitiz|sensitis|resistan)/.test(
      after,
    )
  )
    return false;
  if (
    /^[\s-]*(?:(?:g12c|v600e?|exon ?20|ex20ins|ex14)[\s-]*)?(?:mutation[- ]selective |selective |specific |targeted |-)?(?:tkis?|tyrosine[- ]kinase|inhibitors?|targeted (?:therap|agent|drug|treatment)|target(?:ing|ed) (?:therap|agent|drug)|directed|-directed|antibod|bispecific|adcs?\b|antibody[- ]drug|degrader|vaccine)/.test(
      after,
    )
  )
    return true;
  if (
    /(?:targeting|targeted (?:at|against)|against|anti-?|inhibitors? of|inhibit(?:ing|s)?|blocking|directed (?:at|against)|(?:tkis?|inhibitors?|therap(?:y|ies)|treatments?|agents?)\)?\s+for)\s*(?:the\s+)?(?:human\s+)?$/.test(
      before,
    )
  )
    return true;
  return false;
}

const NEGATION_BEFORE =
  /\b(?:no|not|without|absence of|absent|lack(?:s|ing)?(?: of)?|negative for|free of|exclud(?:e|ing|ed)|exclusion of|must not|cannot)\b[^.;]*$/;
const NEGATIVE_AFTER =
  /^[^.;]{0,40}?\b(?:wild[- ]?type|wt\b|negative|-negative|not (?:been )?detected|absent|status negative)/;

/** The refs one gene mention stands for, given the words that qualify it. */
function refsFor(gene: Gene, qualifier: string, driverContext: boolean): BiomarkerRef[] {
  const q = qualifier;
  if (gene === 'EGFR') {
    const explicit = new Set<Alteration>();
    for (const { alteration, pattern } of ALTERATION_PATTERNS.EGFR ?? [])
      if (pattern.test(q)) explicit.add(alteration);
    const uncommon = /\buncommon\b|\batypical\b|\brare\b|\bnon-?classical\b|\bnon-?common\b/.test(
      q,
    );
    const sensitizing =
      /\bsensiti[sz]|\bsensitive\b|\bactivating\b|\bcommon\b|\bclassic(?:al)?\b|\btypical\b|\btki[- ]sensitiv|\btki-sensitizing|\bdriver\b/.test(
        q,
      ) && !/\bnon-?(?:sensitizing|activating|classical|common)\b/.test(q);
    const anySensitizing =
      /\bany (?:sensitiz|activating)|\bincluding (?:uncommon|rare|atypical)|\bor (?:uncommon|rare|atypical)/.test(
        q,
      );
    // "EGFR mutation [e.g., T790M, exon 19 deletion, L858R, etc]": examples of any EGFR mutation.
    if (
      explicit.size > 0 &&
      !sensitizing &&
      !uncommon &&
      /\b(?:e\.g|eg,|such as|for example|etc)\b/.test(q) &&
      /\bmutat/.test(q)
    ) {
      return [{ gene }];
    }
    if (explicit.size > 0) {
      const refs = [...explicit].map((alteration) => ({ gene, alteration }) as BiomarkerRef);
      if (
        sensitizing &&
        /\b(?:such as|including|e\.g\.|eg,|for example)\b/.test(q) &&
        !explicit.has('exon20ins')
      ) {
        for (const r of EGFR_SENSITIZING)
          if (!explicit.has(r.alteration as Alteration)) refs.push(r);
      }
      if (uncommon && !explicit.has('exon20ins'))
        refs.push(...EGFR_UNCOMMON.filter((r) => !explicit.has(r.alteration as Alteration)));
      return refs;
    }
    if (uncommon && !sensitizing) return [...EGFR_UNCOMMON, { gene, alteration: 'other' }];
    if (sensitizing)
      return anySensitizing || uncommon
        ? [...EGFR_SENSITIZING, ...EGFR_UNCOMMON]
        : [...EGFR_SENSITIZING];
    if (driverContext) return [...EGFR_SENSITIZING];
    return [{ gene }];
  }
  if (gene === 'ERBB2') {
    const out = new Set<Alteration>();
    if (/\bex(?:on)?[\s-]?20|\byvma\b|\bex20ins\b/.test(q)) out.add('exon20ins');
    if (/\bamplifi|\bamp\b|\bish\s*\+|\bish[- ]positive|\bish\b|\bcopy number/.test(q))
      out.add('amplification');
    if (/\boverexpress|\bover-expression|\bihc\b|\bexpress(?:ing|ion|es)?\b|\b[123]\+/.test(q))
      out.add('overexpression');
    if (/\bmutat|\bmutant\b|\btkd\b|\bactivating\b|\bvariant/.test(q) && !out.has('exon20ins')) {
      out.add('mutation');
      out.add('exon20ins');
    }
    if (out.size === 0 && /\bpositive\b|\+/.test(q) && !driverContext) {
      out.add('overexpression');
      out.add('amplification');
    }
    if (out.size === 0) {
      if (driverContext)
        return [
          { gene, alteration: 'mutation' },
          { gene, alteration: 'exon20ins' },
        ];
      return [{ gene }];
    }
    return [...out].map((alteration) => ({ gene, alteration }));
  }
  if (gene === 'MET') {
    const out = new Set<Alteration>();
    if (/\bex(?:on)?[\s-]?14\b|\bmetex14|\bskipping\b|\bsplice/.test(q)) out.add('exon14_skipping');
    if (/\bamplifi|\bamp\b|\bcopy number|\bgcn\b|\/cep7/.test(q)) out.add('amplification');
    if (/\boverexpress|\bover-expression|\bihc\b|\bprotein\b|\b3\+/.test(q))
      out.add('overexpression');
    if (out.size === 0) return [{ gene }];
    return [...out].map((alteration) => ({ gene, alteration }));
  }
  if (gene === 'KRAS') {
    const out = new Set<Alteration>();
    if (/\bnon-?g12c\b|\bother than g12c\b/.test(q)) {
      return [
        { gene, alteration: 'G12D' },
        { gene, alteration: 'G12V' },
        { gene, alteration: 'other' },
      ];
    }
    for (const { alteration, pattern } of ALTERATION_PATTERNS.KRAS ?? [])
      if (pattern.test(q)) out.add(alteration);
    if (out.size === 0) return [{ gene }];
    return [...out].map((alteration) => ({ gene, alteration }));
  }
  if (gene === 'BRAF') {
    if (/\bnon-?v600/.test(q)) return [{ gene, alteration: 'non_V600' }];
    if (/\bv600/.test(q)) return [{ gene, alteration: 'V600E' }];
    return [{ gene }];
  }
  if (FUSION_GENES.includes(gene)) return [{ gene }];
  if (/\bamplifi/.test(q) && !/\bmutat/.test(q)) return [{ gene, alteration: 'amplification' }];
  if (/\bmutat|\bmutant|\bloss|\bvariant|-h\b|\bhigh\b|\bdeficien/.test(q))
    return [{ gene, alteration: 'mutation' }];
  return [{ gene }];
}

export interface BiomarkerFinding {
  effect: Effect;
  anyOf: BiomarkerRef[];
  knownOnly?: boolean | undefined;
  /** From "no actionable alteration"-style wording: the trial's own targets are not meant. */
  umbrella?: boolean | undefined;
}

export interface BiomarkerItemResult {
  biomarkers: BiomarkerFinding[];
  tested: { effect: Effect; genes: Gene[] }[];
}

const PERMISSIVE =
  /\b(?:allowed|permitted|permissible|acceptable|eligible|can be (?:included|enrolled)|may (?:be )?(?:included|enrolled|participate)|are not excluded|not required|is not required|regardless of|irrespective of|independent of|with or without)\b/;
const DRIVER_CONTEXT =
  /\b(?:driver|driving (?:gene|mutation|alteration|oncogene)|actionable|targetable|oncogenic|druggable|sensitizing (?:genomic|molecular)|genomic alteration|molecular alteration|approved (?:targeted|first-line)|targeted therap(?:y|ies) (?:is|are) (?:approved|available)|oncogene)/;
const AGA_UMBRELLA =
  /\b(?:no|without|absence of|negative for|lack of)\b[^.;]{0,160}\b(?:actionable|targetable|driver|driving|druggable)\b|\b(?:driver|oncogene)[- ](?:gene[- ])?negative\b|\bdriver[- ]?less\b|\bwild[- ]type for (?:all )?(?:known )?(?:driver|actionable)|\bpan[- ]negative\b/;
const AGA_POSITIVE =
  /\b(?:actionable|targetable|driver|driving|druggable|oncogenic)\b[^.;]{0,50}\b(?:alteration|mutation|aberration|rearrangement|fusion|gene|oncogene|variant)s?\b|\bwith (?:an )?approved targeted therap/;

/** A drug described by the disease it works in, ending just before a gene mention. */
const THERAPY_FOR_GENE =
  /\b(?:tkis?|inhibitors?|drugs?|agents?|therap(?:y|ies)|treatments?|medications?)\b[^.;]{0,50}\b(?:activit(?:y|ies)|active|effective|efficacy|efficacious|approved|indicated|licen[sc]ed)\b[^.;]{0,20}\b(?:in|for|against)\s+(?:the\s+)?(?:treatment of\s+)?(?:patients with\s+)?$/;

/** Split an item into clauses that may carry their own sign. */
function clauses(folded: string): string[] {
  return (
    folded
      .replace(
        /(?<!\bwith or)\s+(?=without (?:a |any )?(?:common|known|documented|sensiti|activating|egfr|alk|ros1|kras|braf|met|ret|her2))/g,
        '; ',
      )
      .replace(/,\s*(?=exclu(?:sion|ding|ded) of\b)/g, '; ')
      // "EGFR 19del or L858R, with or without other EGFR mutations": the tail only widens.
      .replace(/,\s*(?=with or without\b)/g, '; ')
      .split(/(?<![a-z]\.[a-z])(?<!\b(?:e\.g|i\.e|vs|etc|no))[.;](?=\s|$)/)
      .map((s) => s.trim())
      .filter(Boolean)
  );
}

const OTHER_TUMOUR =
  /\bbreast cancer|\bgastric|\bcolorectal|\bovarian|\bprostate|\bpancrea|\bendometri|\bbladder|\burothelial|\bmelanoma|\bhead and neck|\bbiliary|\bcervical cancer/;

/** Words without which an item names no biomarker (a cheap gate before the gene scan). */
const BIOMARKER_GATE =
  /egfr|alk\b|ros|raf|ras\b|k-ras|met|ret\b|trk|her|erbb|nrg|neuregulin|pd-?l|tmb|stk11|lkb1|keap1|fgfr|pik3|p53|msi|mmr|driver|actionable|targetable|druggable|oncogen|genomic|l858|t790|c797|g719|l861|s768|ex(?:on)?[\s-]?(?:19|20|14)|del|g12|v600|wild|anaplastic|epidermal|mutation|ihc|amplif|fusion|rearrang|status|tested/;

export function biomarkersInItem(
  folded: string,
  section: Section,
  parentFolded?: string,
): BiomarkerItemResult {
  const result: BiomarkerItemResult = { biomarkers: [], tested: [] };
  if (!BIOMARKER_GATE.test(folded)) return result;
  // A cohort of another cancer ("ER+/HER2- breast cancer") says nothing of an NSCLC patient.
  if (OTHER_TUMOUR.test(folded) && !/\blung\b|\bnsclc\b|\bnon-small/.test(folded)) return result;
  // Permission notes and conditions in parentheses ("(osimertinib exposure required for T790M+)").
  const noPermissionParens = folded.replace(/\([^()]*\)/g, (p) =>
    isPermission(p) || /\brequired for\b|\bif\b|\bonly for\b|\bin case of\b/.test(p) ? ' ' : p,
  );
  // "… activating mutations of EGFR, ALK … (No more mutation test needed)": only a known
  // alteration excludes; an untested patient is not asked to be tested (rule 2).
  const noTestNeeded =
    section === 'exclusion' &&
    /\bno (?:more |further |additional |extra )?(?:mutation(?:al)? |genetic |genomic |molecular |gene |biomarker )?(?:tests?|testing) (?:is |are )?(?:needed|required|necessary)\b/.test(
      folded,
    );
  for (const clause of clauses(noPermissionParens)) {
    if (isPermission(clause)) continue;
    // "KRAS G12C and not previously treated with sotorasib" (exclusion): the alteration
    // excludes only with the lack of a treatment, a condition no biomarker forbid can hold.
    if (
      section === 'exclusion' &&
      /\b(?:and|who|but)\b[^.;]{0,25}\b(?:(?:have|has|had) not|not (?:been )?(?:previously )?(?:treated|received)|(?:previously )?untreated with|without (?:prior|previous)|na[iï]ve to)\b/.test(
        clause,
      )
    )
      continue;
    // "Participants with unknown EGFR, ALK, or ROS-1 status are excluded" / "must have known PD-L1".
    const testedGenes = testedIn(clause, section);
    if (testedGenes) {
      result.tested.push({ effect: 'require', genes: testedGenes });
      continue;
    }
    const allHits = geneHits(clause);
    let hits = allHits.filter((h) => !isTherapyMention(clause, h));
    const driverContext = DRIVER_CONTEXT.test(clause);
    // "Patients with known EGFR or ALK alterations are excluded", under inclusion: read as the
    // exclusion it is.
    const ownSection: Section =
      section === 'inclusion' && EXCLUDED_HERE.test(clause) ? 'exclusion' : section;
    // Umbrella negatives without named genes: "no actionable genomic alteration".
    if (hits.length === 0) {
      // "No actionable alteration" required, or "actionable alteration" excluded: the same forbid.
      const noneRequired = section === 'inclusion' && AGA_UMBRELLA.test(clause);
      const anyExcluded =
        ownSection === 'exclusion' &&
        AGA_POSITIVE.test(clause) &&
        !PERMISSIVE.test(clause) &&
        /\bnsclc|\blung|\btumou?r|\bpatients?|\bparticipants?|\bsubjects?|\bknown|\bdocumented|\bharbou?r|\bpresence\b|\bhave\b|\bhas\b/.test(
          clause,
        );
      if (noneRequired || anyExcluded) {
        result.biomarkers.push({
          effect: 'forbid',
          anyOf: [...ACTIONABLE_FIRST_LINE],
          umbrella: true,
          knownOnly: /\bknown\b|\bdocumented\b/.test(clause),
        });
      } else if (
        parentFolded &&
        /^[^a-z]*(?:part|cohort|arm|group)?[^:]*:?\s*[^.]{0,80}$/.test(clause)
      ) {
        // A nested item such as "Cohort 1: EGFR exon 20" is handled above; "Part 1: IHC 3+"
        // borrows the gene of its parent item ("HER2 expression scored …").
        const parentHits = geneHits(parentFolded).filter((h) => !isTherapyMention(parentFolded, h));
        const genes = [...new Set(parentHits.map((h) => h.gene))];
        if (
          genes.length === 1 &&
          genes[0] &&
          /\bihc\b|\bish\b|\bamplif|\bmutat|\bexon|\bfusion|\brearrang|\b[0-3]\+/.test(clause)
        ) {
          hits = [{ gene: genes[0], start: 0, end: 0 }];
          const refs = refsFor(genes[0], clause, false);
          result.biomarkers.push(signOf(clause, section, refs, clause));
        }
      }
      continue;
    }
    if (
      PERMISSIVE.test(clause) &&
      !/\bmust\b|\brequired\b/.test(clause) &&
      !(ownSection === 'exclusion' && section === 'inclusion')
    )
      continue;
    if (
      /\brecommended\b|\bassay\b/.test(clause) &&
      !/\bpositive\b|\bharbou?r|\bconfirmed\b|\bdocumented\b|\bexclu/.test(clause)
    )
      continue;
    if (
      /\bguidelines?\b|\bscored\b|\bscoring\b|\bassay\b[^.]*\b(?:used|performed)/.test(clause) &&
      !/\bpositive\b|\bharbou?r/.test(clause)
    )
      continue;
    if (
      /\b(?:co-?existing|concomitant|co-?occurr\w*|coexist\w*)\b/.test(clause) &&
      /\bcan be\b|\ballowed|\bpermitted|\bnot an? exclusion|\bnot excluded/.test(clause)
    )
      continue;
    if (/\bnot an? (?:exclusion|inclusion)|\bdoes not exclude\b|\bare not excluded\b/.test(clause))
      continue;
    // Results of a re-biopsy after progression are not a profile's biomarkers.
    if (/\bre-?biops/.test(clause)) continue;
    // "X without Y" of one gene under exclusion is a conjunction we cannot state: leave it.
    if (
      section === 'exclusion' &&
      /\bwithout\b/.test(clause) &&
      new Set(hits.map((h) => h.gene)).size < hits.length
    )
      continue;
    if (
      /\b(?:tissue|tumou?r block|blocks?|samples?|specimens?|biopsy|slides?)\b/.test(clause) &&
      /\b(?:test|testing|status|analysis|review|assessment|determination|evaluation|assay|provide|collected|submit\w*|agree)\b/.test(
        clause,
      ) &&
      !/\bpositive|\bharbou?r|\bmutation[- ]positive|\bconfirmed\b|\bdocumented\b/.test(clause)
    )
      continue;

    // Each gene's qualifier: its words up to the next gene; genes listed together with only
    // connectors between them share the next qualifier ("EGFR, ALK, or ROS1 mutations").
    const refs: BiomarkerRef[] = [];
    const qualifiers: string[] = [];
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i] as GeneHit;
      // A gene's words end where the next gene, or a gene written as a drug class, begins.
      const next = allHits.find((h) => h.start > hit.start && h.start >= hit.end);
      const own = clause.slice(hit.start, next ? next.start : clause.length);
      qualifiers.push(own);
    }
    for (let i = hits.length - 1; i >= 0; i--) {
      const hit = hits[i] as GeneHit;
      const own = (qualifiers[i] ?? '').slice(hit.end - hit.start);
      const next = hits[i + 1];
      if (
        next &&
        next.gene !== hit.gene &&
        /^[\s,/()-]*(?:or|and|and\/or|\/|,)?[\s,/()-]*$/.test(own) &&
        qualifiers[i + 1] !== undefined
      ) {
        qualifiers[i] =
          clause.slice(hit.start, hit.end) + (qualifiers[i + 1] ?? '').slice(next.end - next.start);
      }
    }
    const lead = clause.slice(0, hits[0]?.start ?? 0);
    const priorContext =
      /\b(?:prior|previous(?:ly)?|received|treatment with|treated with|therapy with|exposure to|used|drugs?)\b/.test(
        clause,
      );
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i] as GeneHit;
      const own = qualifiers[i] ?? '';
      // "EGFR or HER2 exon 20 insertion-selective TKI": a drug class, not a biomarker.
      if (
        priorContext &&
        /\b(?:tkis?|tyrosine[- ]kinase inhibitors?|inhibitors?|targeted (?:therap|agent|drug)|directed therap|pathways?|drugs?)/.test(
          own,
        ) &&
        !/\btki[- ]?(?:sensiti|resistan)|\binhibitor[- ]sensiti/.test(own)
      )
        continue;
      // "TKIs that demonstrated activity in ROS1-positive NSCLC", "a drug approved for ALK+
      // disease": the gene says which drugs are meant, not what the patient has.
      if (
        priorContext &&
        THERAPY_FOR_GENE.test(clause.slice(Math.max(0, hit.start - 90), hit.start))
      )
        continue;
      // The words just before the gene qualify it too ("other activating/sensitizing EGFR mutations").
      const prevEnd = Math.max(0, ...allHits.filter((h) => h.end <= hit.start).map((h) => h.end));
      const q = `${clause.slice(Math.max(prevEnd, hit.start - 60), hit.start)} ${own}`;
      for (const r of refsFor(hit.gene, q, driverContext)) {
        if (!refs.some((x) => x.gene === r.gene && x.alteration === r.alteration)) refs.push(r);
      }
    }
    // "EGFR mutations … including Ex19del or L858R": the named alterations, not any EGFR.
    const specific = new Set(refs.filter((r) => r.alteration).map((r) => r.gene));
    const kept = refs.filter((r) => r.alteration || !specific.has(r.gene));
    if (kept.length === 0) continue;
    result.biomarkers.push(signOf(clause, ownSection, kept, lead));
  }
  if (noTestNeeded)
    for (const b of result.biomarkers) if (b.effect === 'forbid') b.knownOnly = true;
  return result;
}

function signOf(
  clause: string,
  section: Section,
  refs: BiomarkerRef[],
  lead: string,
): BiomarkerFinding {
  const near = lead.slice(-100);
  const negation = NEGATION_BEFORE.exec(near);
  // "No prior therapy for ALK+ NSCLC" negates the therapy, not the gene.
  const negatesTherapy =
    negation !== null &&
    /\b(?:therap|treatment|treated|inhibitor|tki|chemo|regimen|prior|previous|received|progress)/.test(
      negation[0],
    );
  const negatedBefore =
    negation !== null && !negatesTherapy && !/\bnot (?:only|limited)/.test(near);
  const negativeAfter =
    NEGATIVE_AFTER.test(clause.slice(lead.length)) ||
    /\bwild[- ]?type\b|\bwt\b|-negative\b|\bnegative\b/.test(clause);
  const negative = negatedBefore || (negativeAfter && !/\bpositive\b/.test(clause));
  const known = /\bknown\b|\bdocumented\b|\bconfirmed\b|\bidentified\b|\bdetected\b/.test(clause);
  if (section === 'inclusion') {
    if (negative) {
      // "EGFR/ALK wild-type", "absence of sensitizing EGFR": a stated negative is needed.
      const sensitizedRefs = refs.flatMap((r) =>
        r.gene === 'EGFR' && !r.alteration ? EGFR_SENSITIZING : [r],
      );
      return {
        effect: 'forbid',
        anyOf: sensitizedRefs,
        knownOnly:
          /\bno (?:known|documented|evidence of)\b|\bnot known\b|\bwithout (?:a |any )?(?:known|documented)\b|\babsence of (?:a |any )?(?:known|documented)\b/.test(
            clause,
          ),
      };
    }
    // "Documented HER2 exon 20 insertion": the documentation is the requirement.
    return { effect: 'require', anyOf: refs, knownOnly: /\bdocumented\b/.test(clause) };
  }
  if (
    negative &&
    !/\bunknown\b/.test(clause) &&
    /\bwild[- ]?type|\bnegative\b|\bwithout\b|\babsence\b/.test(clause) &&
    !/\bwithout\b[^.]*\b(?:progress|prior|treatment)/.test(clause)
  ) {
    return { effect: 'require', anyOf: refs };
  }
  return { effect: 'forbid', anyOf: refs, knownOnly: known };
}

/** "must have known PD-L1 status", "unknown EGFR status are excluded" → genes to be tested. */
function testedIn(clause: string, section: Section): Gene[] | undefined {
  const genesOf = () => {
    const genes = geneHits(clause).map((h) => h.gene);
    if (/\bpd-?l-?1\b|\bprogrammed (?:cell )?death[- ]ligand/.test(clause)) genes.push('PD-L1');
    return [...new Set(genes)];
  };
  if (
    section === 'exclusion' &&
    /\bunknown\b[^.]*\bstatus\b|\bstatus (?:is )?unknown\b|\bnot (?:been )?tested\b|\buntested\b/.test(
      clause,
    )
  ) {
    const g = genesOf();
    return g.length > 0 ? g : undefined;
  }
  if (
    section === 'inclusion' &&
    /\b(?:known|available|documented|evaluable|assessable|determined)\b[^.]{0,50}\b(?:status|expression|result|level)s?\b|\bstatus (?:must|should) be (?:known|available|determined)|\b(?:must|should) have (?:been )?tested\b/.test(
      clause,
    ) &&
    !/\bpositive\b|\bmutation[- ]positive|\bharbou?r|\bpresence\b|\bconfirm|\b(?:>=|<=|>|<|greater|less|at least)\b|\b\d+ ?%|\bhigh\b|\bnegative\b|\bwild/.test(
      clause,
    )
  ) {
    const g = genesOf();
    return g.length > 0 ? g : undefined;
  }
  return undefined;
}

export interface Threshold {
  min?: number | undefined;
  minExclusive?: boolean | undefined;
  max?: number | undefined;
  maxExclusive?: boolean | undefined;
}

/** A percentage threshold with its direction ("≥ 50%", "\<1%", "1-49%", "0% to 100%"). */
export function percentThreshold(text: string): Threshold | undefined {
  const t = text;
  const range = /(\d{1,3})\s*%?\s*(?:-|to|–)\s*(\d{1,3})\s*%/.exec(t);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a <= b && b <= 100) return { min: a, max: b };
  }
  const m =
    /(>=|<=|>|<|greater than or equal to|less than or equal to|greater than|more than|less than|at least|no less than|no more than|lower than|higher than|below|above|under|over|exceeding)\s*(?:\(\s*(?:>=|<=|>|<)\s*\)\s*)?(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)/.exec(
      t,
    ) ??
    /(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)\s*(?:\(\s*%\s*\)\s*)?(or (?:more|higher|greater|above)|or (?:less|lower|below)|and above|and below)/.exec(
      t,
    );
  if (!m) return undefined;
  let op: string;
  let value: number;
  if (/^\d/.test(m[1] ?? '')) {
    value = Number(m[1]);
    op = /more|higher|greater|above/.test(m[2] ?? '') ? '>=' : '<=';
  } else {
    op = m[1] ?? '';
    value = Number(m[2]);
  }
  if (value > 100) return undefined;
  switch (op) {
    case '>=':
    case 'greater than or equal to':
    case 'at least':
    case 'no less than':
      return { min: value };
    case '>':
    case 'greater than':
    case 'more than':
    case 'higher than':
    case 'above':
    case 'over':
    case 'exceeding':
      return { min: value, minExclusive: true };
    case '<=':
    case 'less than or equal to':
    case 'no more than':
      return { max: value };
    default:
      return { max: value, maxExclusive: true };
  }
}

const PDL1_RE =
  /\bpd-?l-?1\b|\bprogrammed (?:cell )?death[- ]ligand[- ]?1\b|\btps\b|\btumou?r proportion score\b|\btc\s*(?:>=|<)/;

/** PD-L1 TPS range named in the item (or in its parent, for "Part A: ≥50%"). */
export function pdl1In(folded: string, parentFolded?: string): Threshold | undefined {
  const mentions =
    PDL1_RE.test(folded) ||
    (parentFolded !== undefined && PDL1_RE.test(parentFolded) && folded.length < 140);
  if (!mentions) return undefined;
  if (/\bcps\b|\bcombined positive score\b/.test(folded) && !/\btps\b/.test(folded))
    return undefined;
  if (/\bic\s*(?:>=|<|\d)|\bimmune cells?\b/.test(folded) && !/\btps\b|\btc\b/.test(folded))
    return undefined;
  const pct = percentThreshold(folded);
  if (pct) {
    if (pct.min === 0 && pct.max === 100) return {};
    return pct;
  }
  if (
    /\bpd-?l-?1[- ]?(?:expression[- ])?(?:negative|-negative)\b|\bnegative (?:for )?pd-?l-?1\b/.test(
      folded,
    )
  )
    return { max: 1, maxExclusive: true };
  if (/\bpd-?l-?1[- ]?(?:expression[- ])?(?:high|-high)\b|\bhigh pd-?l-?1\b/.test(folded))
    return { min: 50 };
  if (
    /\bpd-?l-?1[- ]?(?:expression[- ])?(?:positive|-positive)\b|\bpositive (?:for )?pd-?l-?1\b|\bpd-?l-?1\+/.test(
      folded,
    )
  )
    return { min: 1 };
  return undefined;
}

export function tmbIn(folded: string): { min?: number; max?: number } | undefined {
  if (!/\btmb\b|\btumou?r mutation(?:al)? burden\b/.test(folded)) return undefined;
  const m =
    /(>=|>|<=|<|at least|greater than|less than)\s*(\d{1,3}(?:\.\d+)?)\s*(?:mut(?:ation)?s?\s*\/\s*mb|mutations per megabase|muts?\/mb)/.exec(
      folded,
    );
  if (m) {
    const v = Number(m[2]);
    return /</.test(m[1] ?? '') || /less/.test(m[1] ?? '') ? { max: v } : { min: v };
  }
  if (/\btmb[- ]?(?:high|h)\b|\bhigh (?:tmb|tumou?r mutation)/.test(folded)) return { min: 10 };
  return undefined;
}

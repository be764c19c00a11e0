/**
 * The driver a trial is built for, from its title ("… NSCLC Harboring EGFR Mutations",
 * "KRAS G12C-mutant", "ROS1-positive"), for when its criteria name none the extractor could
 * read. Used for ranking only (TrialFacts.targets: a trial built for the patient's driver
 * comes first); never for a verdict.
 */
import type { BiomarkerRef } from './facts.ts';

const GENE_NAMES: Record<string, BiomarkerRef['gene']> = {
  EGFR: 'EGFR',
  ALK: 'ALK',
  ROS1: 'ROS1',
  BRAF: 'BRAF',
  KRAS: 'KRAS',
  MET: 'MET',
  RET: 'RET',
  HER2: 'ERBB2',
  ERBB2: 'ERBB2',
  NTRK1: 'NTRK1',
  NTRK2: 'NTRK2',
  NTRK3: 'NTRK3',
  NRG1: 'NRG1',
};

// Gene symbols are matched case-sensitively ("MET" is a gene, "met" a verb); the words
// around them are not.
const GENE = /\b(EGFR|ALK|ROS1|BRAF|KRAS|MET|RET|HER2|ERBB2|NTRK[1-3]|NRG1)\b/g;
const DRIVER_WORDS =
  /^((?:[\s-]*(?:exon\s*(?:19|20|14)(?:\s*(?:insertion|deletion|skipping))?|G12C|V600E?|T790M|sensitiv\w*|activating|common|uncommon|rare|positive|\+|plasma))*)[\s-]*(mutat\w*|mutant|positive|\+|fusions?|rearrang\w*|amplifi\w*|altered|alterations?)?/i;
const NEGATED = /^[\s-]*(?:negative|wild|low)\b/i;

export function titleTargets(title: string): BiomarkerRef[] {
  const out: BiomarkerRef[] = [];
  for (const m of title.matchAll(GENE)) {
    const gene = GENE_NAMES[m[1] as string];
    const at = (m.index ?? 0) + m[0].length;
    const words = DRIVER_WORDS.exec(title.slice(at));
    const qualifiers = words?.[1] ?? '';
    const kind = words?.[2];
    const after = title.slice(at + (words?.[0].length ?? 0));
    const before = title.slice(0, m.index ?? 0);
    // A driver word is needed ("EGFR TKI" names a drug class, not the patient's tumour).
    if (!gene || (!kind && !/positive|\+|G12C|V600|T790M|exon/i.test(qualifiers))) continue;
    if (NEGATED.test(after) || /(?:without|non-|no)\s*$/i.test(before)) continue;
    if (/resistan\w*\s+to\s*$/i.test(before)) continue;
    // "Uncommon EGFR mutations" excludes the common ones: no gene-level target for it.
    if (/uncommon|rare/i.test(qualifiers) || /(?:uncommon|rare)\s*$/i.test(before)) continue;
    const ref: BiomarkerRef = { gene };
    if (gene === 'KRAS' && /G12C/.test(qualifiers)) ref.alteration = 'G12C';
    else if (gene === 'BRAF' && /V600/.test(qualifiers)) ref.alteration = 'V600E';
    else if ((gene === 'EGFR' || gene === 'ERBB2') && /exon\s*20/i.test(qualifiers))
      ref.alteration = 'exon20ins';
    else if (gene === 'MET' && /exon\s*14/i.test(qualifiers)) ref.alteration = 'exon14_skipping';
    if (!out.some((r) => r.gene === ref.gene && r.alteration === ref.alteration)) out.push(ref);
  }
  return out;
}

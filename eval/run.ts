/**
 * `npm run eval`: how well the extractor and the matcher read real trials, against the hand
 * labels in eval/labels (see labels.ts, atoms.ts).
 *
 * 1. Facts: each labelled record from `$SHARED_DIR/ctgov/studies` (default ../shared beside
 *    the project) goes through extractFacts(); its atoms are compared with the label's, per
 *    kind: precision, recall and counts (micro-averaged). `--verbose` lists, per trial, the
 *    atoms missed (labelled, not extracted) and spurious (extracted, not labelled).
 * 2. Verdicts: every labelled profile is matched against that trial (all statuses, excluded
 *    trials included): precision and recall of `excluded`, agreement over the three verdicts,
 *    the confusion matrix, and each disagreement with the matcher's deciding reason.
 *
 * Options: --verbose, --only NCT01234567[,NCT…], --unsure (lists where the labeller hesitated).
 * Exits 0 when the records or the other rooms' code are absent (it says why); exits 1 only
 * when a label is malformed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStudy } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import type { MatchIndexEntry } from '#store/types.ts';
import { loadExtractor, loadMatcher, toEntry } from './adapters.ts';
import { factsToAtoms, KINDS, type Kind, normaliseAtoms } from './atoms.ts';
import { type Label, LabelError, loadLabels, VERDICTS, type Verdict } from './labels.ts';
import {
  addCounts,
  type Counts,
  compareSets,
  fmt,
  precision,
  recall,
  scoreVerdicts,
  type VerdictPair,
} from './metrics.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = process.env.SHARED_DIR ?? resolve(root, '../shared');
const studiesDir = join(sharedDir, 'ctgov/studies');

const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const onlyAt = args.indexOf('--only');
const onlyArg = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;

const pad = (s: string | number, n: number) => String(s).padStart(n);
const padEnd = (s: string | number, n: number) => String(s).padEnd(n);

function main(): Promise<number> | number {
  let labels: Label[];
  try {
    labels = loadLabels();
  } catch (e) {
    if (e instanceof LabelError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  if (only) labels = labels.filter((l) => only.has(l.nctId));
  const pairs = labels.reduce((n, l) => n + l.profiles.length, 0);
  console.log(
    `eval: ${labels.length} labelled trials, ${pairs} profile-verdict pairs (eval/labels)`,
  );
  if (args.includes('--unsure')) {
    for (const l of labels) for (const u of l.unsure) console.log(`  ${l.nctId}: ${u}`);
    return 0;
  }
  if (!existsSync(studiesDir)) {
    console.log(
      `eval: skipped: the real records are not at ${studiesDir} (set SHARED_DIR; absent on a fresh clone)`,
    );
    return 0;
  }
  return run(labels);
}

async function run(labels: Label[]): Promise<number> {
  const extractor = await loadExtractor();
  if (typeof extractor === 'string') {
    console.log(`eval: facts and verdicts skipped: ${extractor}`);
    return 0;
  }
  console.log(`extractor: ${extractor.version}`);

  const entries = new Map<string, MatchIndexEntry>();
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    Kind,
    Counts
  >;
  const details: string[] = [];
  let extractionErrors = 0;
  for (const label of labels) {
    const file = join(studiesDir, `${label.nctId}.json`);
    if (!existsSync(file)) {
      console.log(`  ${label.nctId}: no record in ${studiesDir}, skipped`);
      continue;
    }
    const study = parseStudy(JSON.parse(readFileSync(file, 'utf8')));
    let facts: TrialFacts;
    try {
      facts = extractor.extractFacts(study);
    } catch (e) {
      extractionErrors += 1;
      console.log(`  ${label.nctId}: extractFacts threw: ${(e as Error).message}`);
      continue;
    }
    entries.set(label.nctId, toEntry(study, facts));
    const got = factsToAtoms(facts);
    const lines: string[] = [];
    for (const kind of KINDS) {
      const gold = normaliseAtoms(kind, label.facts[kind]);
      const c = compareSets(gold, got[kind]);
      perKind[kind] = addCounts(perKind[kind], c);
      if (c.missed.length) lines.push(`    ${kind} missed:   ${c.missed.join(' ')}`);
      if (c.spurious.length) lines.push(`    ${kind} spurious: ${c.spurious.join(' ')}`);
    }
    if (lines.length) details.push(`  ${label.nctId}\n${lines.join('\n')}`);
  }

  console.log('\nFacts (atoms, micro-averaged over trials; see eval/atoms.ts)');
  console.log(
    `  ${padEnd('kind', 17)}${pad('labelled', 9)}${pad('extracted', 10)}${pad('hits', 6)}${pad('precision', 11)}${pad('recall', 8)}`,
  );
  let total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const kind of KINDS) {
    const c = perKind[kind];
    total = addCounts(total, c);
    console.log(
      `  ${padEnd(kind, 17)}${pad(c.tp + c.fn, 9)}${pad(c.tp + c.fp, 10)}${pad(c.tp, 6)}${pad(fmt(precision(c)), 11)}${pad(fmt(recall(c)), 8)}`,
    );
  }
  console.log(
    `  ${padEnd('all kinds', 17)}${pad(total.tp + total.fn, 9)}${pad(total.tp + total.fp, 10)}${pad(total.tp, 6)}${pad(fmt(precision(total)), 11)}${pad(fmt(recall(total)), 8)}`,
  );
  if (extractionErrors) console.log(`  extractFacts threw on ${extractionErrors} trial(s)`);
  if (verbose && details.length)
    console.log(`\nAtoms missed / spurious per trial\n${details.join('\n')}`);

  const matcher = await loadMatcher();
  if (typeof matcher === 'string') {
    console.log(`\nVerdicts skipped: ${matcher}`);
    return 0;
  }
  console.log(`\nVerdicts (matcher via ${matcher.via})`);
  const scored: VerdictPair[] = [];
  const disagreements: string[] = [];
  let absent = 0;
  const failures: string[] = [];
  const examples = { n: 0, agree: 0 };
  for (const label of labels) {
    const entry = entries.get(label.nctId);
    if (!entry) continue;
    label.profiles.forEach((c, i) => {
      let out: ReturnType<typeof matcher.match>;
      try {
        out = matcher.match(c.profile, entry);
      } catch (e) {
        // A profile the matcher refuses or a matcher crash is reported, not scored.
        failures.push(`  ${label.nctId} #${i}: ${(e as Error).message}`);
        return;
      }
      // A trial missing from an includeExcluded response is hidden from the patient: count it
      // as excluded, and say so.
      const got: Verdict = out.verdict ?? 'excluded';
      if (!out.verdict) absent += 1;
      scored.push({ expected: c.expected, got });
      if (c.source?.startsWith('EXAMPLES.md')) {
        examples.n += 1;
        if (got === c.expected) examples.agree += 1;
      }
      if (got !== c.expected) {
        disagreements.push(
          `  ${label.nctId} #${i} expected ${c.expected}, got ${got}\n      label:   ${c.reason}\n      matcher: ${out.deciding}`,
        );
      }
    });
  }
  const s = scoreVerdicts(scored);
  console.log(
    `  pairs: ${s.n}${absent ? ` (${absent} absent from results, counted as excluded)` : ''}`,
  );
  console.log(`  excluded precision: ${fmt(s.excludedPrecision)}   (target ≥ 0.95)`);
  console.log(`  excluded recall:    ${fmt(s.excludedRecall)}   (target ≥ 0.90)`);
  console.log(`  agreement (3-way):  ${fmt(s.agreement)}   (target ≥ 0.85)`);
  console.log(`  EXAMPLES.md profiles agreed: ${examples.agree}/${examples.n}`);
  console.log('\n  confusion (rows: label, columns: matcher)');
  console.log(`  ${padEnd('', 10)}${VERDICTS.map((v) => pad(v, 10)).join('')}`);
  for (const e of VERDICTS) {
    console.log(`  ${padEnd(e, 10)}${VERDICTS.map((g) => pad(s.matrix[e][g], 10)).join('')}`);
  }
  if (failures.length) {
    console.log(
      `\nNot scored: the matcher failed on ${failures.length} profile(s)\n${failures.join('\n')}`,
    );
  }
  if (disagreements.length) {
    console.log(`\nDisagreements (${disagreements.length})\n${disagreements.join('\n')}`);
  }
  return 0;
}

Promise.resolve(main()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);

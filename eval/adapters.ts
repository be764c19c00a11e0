/**
 * How the evaluation reaches the extractor and the matcher. Both are other rooms' code that
 * may not exist yet on a given checkout, so they are loaded at run time and checked for the
 * functions the evaluation needs; when one is missing the runner says so and measures what it
 * can. Verdicts go through the same path as `POST /v1/match` when the matcher exports it
 * (parseMatchRequest → matchTrials over MatchIndexEntry[]), so the figures are the product's.
 */
import type { Study } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { toMatchIndexEntry } from '#store/match-entry.ts';
import type { MatchIndexEntry } from '#store/types.ts';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import type { LabelProfile, Verdict } from './labels.ts';

export interface Extractor {
  extractFacts(study: Study): TrialFacts;
  version: string;
}

export interface MatchOutcome {
  verdict: Verdict | undefined;
  /** The criterion that decided the verdict, in the trial's words (for disagreements). */
  deciding: string;
}

export interface Matcher {
  /** How verdicts are obtained, printed with the figures. */
  via: string;
  match(profile: LabelProfile, entry: MatchIndexEntry): MatchOutcome;
}

type Module = Record<string, unknown>;

async function tryImport(spec: string): Promise<{ mod?: Module; error?: string }> {
  try {
    return { mod: (await import(spec)) as Module };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

const isFn = (x: unknown): x is (...args: unknown[]) => unknown => typeof x === 'function';

export async function loadExtractor(): Promise<Extractor | string> {
  const { mod, error } = await tryImport('#eligibility/extract.ts');
  if (!mod) return `functions/eligibility/extract.ts not loadable (${error})`;
  const fn = mod.extractFacts;
  if (!isFn(fn)) return 'functions/eligibility/extract.ts exports no extractFacts()';
  return {
    extractFacts: fn as (s: Study) => TrialFacts,
    version:
      typeof mod.EXTRACTOR_VERSION === 'string' ? mod.EXTRACTOR_VERSION : '(no EXTRACTOR_VERSION)',
  };
}

/** The record as the matcher's index holds it: the store's own conversion, so the figures are the product's. */
export const toEntry = (study: Study, facts: TrialFacts): MatchIndexEntry =>
  toMatchIndexEntry(study, facts);

interface ReasonLike {
  status?: string;
  effect?: string;
  quote?: string;
  criterion?: { label?: string; kind?: string };
}

/** The reason that decided a verdict: a conflict for `excluded`, an unknown for `possible`. */
export function decidingReason(verdict: string | undefined, reasons: unknown): string {
  if (!Array.isArray(reasons)) return '(no reasons)';
  const rs = reasons as ReasonLike[];
  const want = verdict === 'excluded' ? 'not_met' : verdict === 'possible' ? 'unknown' : undefined;
  const r = want ? rs.find((x) => x.status === want) : undefined;
  if (!r) return verdict === 'eligible' ? '(all met)' : '(no deciding reason given)';
  const label = r.criterion?.label ?? r.criterion?.kind ?? '?';
  const quote = (r.quote ?? '').replace(/\s+/g, ' ');
  return `${label} [${r.status}]: "${quote.length > 120 ? `${quote.slice(0, 117)}...` : quote}"`;
}

const VERDICT_SET = new Set<string>(['eligible', 'possible', 'excluded']);
const asVerdict = (v: unknown): Verdict | undefined =>
  typeof v === 'string' && VERDICT_SET.has(v) ? (v as Verdict) : undefined;

/** The request body the product would receive: every status, excluded trials included. */
export const requestBody = (profile: LabelProfile) => ({
  ...profile,
  filters: { statuses: [...OVERALL_STATUSES] },
  options: { includeExcluded: true, limit: 1000 },
});

export async function loadMatcher(): Promise<Matcher | string> {
  const profileMod = await tryImport('#matching/profile.ts');
  const parse = profileMod.mod?.parseMatchRequest;
  if (!isFn(parse)) {
    return `functions/matching/profile.ts with parseMatchRequest() not loadable (${profileMod.error ?? 'no such export'})`;
  }
  const parseOrThrow = (profile: LabelProfile) => {
    const r = parse(requestBody(profile)) as {
      ok: boolean;
      request?: { profile: unknown };
      errors?: { path: string; message: string }[];
    };
    if (!r.ok || !r.request) {
      throw new Error(
        `matcher refused a label profile: ${(r.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    return r.request;
  };

  // Preferred: the product's own entry point over an index of MatchIndexEntry.
  for (const file of ['match.ts', 'match-trials.ts', 'matcher.ts']) {
    const { mod } = await tryImport(`#matching/${file}`);
    const fn = mod?.matchTrials ?? mod?.match;
    if (!isFn(fn)) continue;
    const build = mod?.indexEntries;
    // The matcher's compiled index when it has one (built once per trial), else the entries.
    const indexes = new WeakMap<MatchIndexEntry, unknown>();
    const indexOf = (entry: MatchIndexEntry): unknown => {
      let index = indexes.get(entry);
      if (index === undefined) {
        index = isFn(build) ? build([entry]) : [entry];
        indexes.set(entry, index);
      }
      return index;
    };
    return {
      via: `${file} ${fn.name || 'matchTrials'}(request, ${isFn(build) ? 'indexEntries([entry])' : '[entry]'}, now)`,
      match(profile, entry) {
        const request = parseOrThrow(profile);
        const out = fn(request, indexOf(entry), new Date()) as unknown;
        const results =
          (Array.isArray(out) ? out : (out as { results?: unknown[] })?.results) ?? [];
        const hit = (results as { nctId?: string; verdict?: unknown; reasons?: unknown }[]).find(
          (r) => r.nctId === entry.nctId,
        );
        if (!hit) return { verdict: undefined, deciding: '(trial absent from the results)' };
        const verdict = asVerdict(hit.verdict);
        return { verdict, deciding: decidingReason(verdict, hit.reasons) };
      },
    };
  }

  // Fallback while the entry point is being built: the matcher's per-trial evaluation.
  const verdictMod = await tryImport('#matching/verdict.ts');
  const evaluate = verdictMod.mod?.evaluateTrial;
  if (isFn(evaluate)) {
    return {
      via: 'verdict.ts evaluateTrial(facts, profile, structured) (no matchTrials export found)',
      match(profile, entry) {
        const request = parseOrThrow(profile);
        const v = evaluate(entry.facts, request.profile, entry) as {
          verdict?: unknown;
          reasons?: unknown;
        };
        const verdict = asVerdict(v.verdict);
        return { verdict, deciding: decidingReason(verdict, v.reasons) };
      },
    };
  }
  return 'no matcher entry point found (functions/matching/match.ts matchTrials or verdict.ts evaluateTrial)';
}

/**
 * Match latency and index memory, in-process.
 *
 * Corpus: every shared study record (../shared/ctgov/studies) → parseStudy → extractFacts →
 * toMatchIndexEntry → splitEntries (index core + displays) → buildMatchIndex(core); then the
 * same entries replicated (deep copies, new NCT ids) to 20,000 trials. Profile: the full example of PROFILE.md (biomarkers, prior therapy,
 * brain metastases, ECOG, age, sex, ZIP 02115 within 300 km, status and phase filters), and a
 * worst case (same profile, every status, excluded trials included, limit 1000, no distance
 * cut). Latency: `matchTrials` alone (request already parsed; ranking, then reasons, quotes
 * and sites from displays in memory), timed per call with process.hrtime after a warm-up;
 * p50/p99 over the runs. Memory: V8 heap used after a full GC: the entries, then what a cold
 * container holds (the core and the index built on it), then all displays on top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseStudy } from '#ctgov/study-schema.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { displayLookup, splitEntries } from '#matching/index-core.ts';
import { buildMatchIndex, matchTrials, type ReadyIndex } from '#matching/match.ts';
import { type NormalisedRequest, PROFILE_EXAMPLE, parseMatchRequest } from '#matching/profile.ts';
import { toMatchIndexEntry } from '#store/match-entry.ts';
import type { MatchIndexEntry } from '#store/types.ts';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR } from '../test/support/shared-data.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const FULL_PROFILE = PROFILE_EXAMPLE;
const { filters: _f, location: _l, ...withoutFilters } = FULL_PROFILE;
const WORST_CASE = {
  ...withoutFilters,
  location: { postalCode: '02115', country: 'US' },
  filters: { statuses: [...OVERALL_STATUSES] },
  options: { includeExcluded: true, limit: 1000 },
};

function request(body: unknown): NormalisedRequest {
  const r = parseMatchRequest(body);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.request;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wall-clock and CPU time per call: on a shared machine the CPU time is the fairer figure. */
function time(index: ReadyIndex, req: NormalisedRequest, runs: number) {
  const now = new Date();
  for (let i = 0; i < Math.min(100, runs); i++) matchTrials(req, index, now, {});
  const wall: number[] = [];
  const cpu: number[] = [];
  let results = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = cpuMs();
    const t0 = process.hrtime.bigint();
    const r = matchTrials(req, index, now, {});
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push(cpuMs() - c0);
    results = r.results.length;
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    p50: percentile(wall, 50),
    p99: percentile(wall, 99),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99),
    results,
  };
}

function replicate(entries: MatchIndexEntry[], n: number): MatchIndexEntry[] {
  const out: MatchIndexEntry[] = [];
  for (let i = 0; out.length < n; i++) {
    const e = entries[i % entries.length] as MatchIndexEntry;
    const copy = structuredClone(e);
    copy.nctId = `NCT${String(90_000_000 + i).padStart(8, '0')}`;
    out.push(copy);
  }
  return out;
}

function report(label: string, index: ReadyIndex) {
  for (const [name, body, runs] of [
    ['full profile (PROFILE.md example)', FULL_PROFILE, 1000],
    ['worst case (all statuses, excluded included, limit 1000)', WORST_CASE, 100],
  ] as const) {
    const t = time(index, request(body), runs);
    console.log(
      `  ${label} · ${name}: wall p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms; CPU p50 ${t.cpuP50.toFixed(2)} ms, p99 ${t.cpuP99.toFixed(2)} ms (${runs} runs, ${t.results} results)`,
    );
  }
}

export async function run(): Promise<void> {
  console.log(
    `machine: load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs`,
  );
  if (!SHARED_AVAILABLE) {
    console.log(`skipped: needs the shared study records in ${SHARED_STUDIES_DIR}`);
    return;
  }
  const files = readdirSync(SHARED_STUDIES_DIR).filter((f) => f.endsWith('.json'));
  const t0 = performance.now();
  const before = heapMb();
  let entries: MatchIndexEntry[] = files.map((f) => {
    const study = parseStudy(JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, f), 'utf8')));
    return toMatchIndexEntry(study, extractFacts(study));
  });
  const extractMs = performance.now() - t0;
  const withEntries = heapMb();
  let ready: ReadyIndex | undefined = measureIndex(
    `shared corpus: ${entries.length} trials (extract ${extractMs.toFixed(0)} ms)`,
    entries,
    withEntries - before,
  );
  report(`${entries.length} trials`, ready);

  const base = entries;
  ready = undefined;
  entries = [];
  const beforeBig = heapMb();
  const big = replicate(base, 20_000);
  const bigReady = measureIndex(
    `enlarged corpus: ${big.length} trials (shared entries deep-copied with new ids)`,
    big,
    heapMb() - beforeBig,
  );
  report(`${big.length} trials`, bigReady);
}

/** Split and build, timed; the heap of the core index, then of the displays on top. */
function measureIndex(label: string, entries: MatchIndexEntry[], entriesMb: number): ReadyIndex {
  const h0 = heapMb();
  const t0 = performance.now();
  const { core, displays } = splitEntries(entries);
  const splitMs = performance.now() - t0;
  const t1 = performance.now();
  const index = buildMatchIndex(core);
  const buildMs = performance.now() - t1;
  const coreJson = JSON.stringify(core).length;
  const displayJson = JSON.stringify(displays).length;
  const h1 = heapMb();
  console.log(
    `${label}: ${index.criteria.length} distinct criteria; splitEntries ${splitMs.toFixed(0)} ms (at publish), buildMatchIndex(core) ${buildMs.toFixed(0)} ms (at load)`,
  );
  console.log(
    `  JSON: core ${(coreJson / 1e6).toFixed(1)} MB (${Math.round(coreJson / entries.length)} B a trial), displays ${(displayJson / 1e6).toFixed(1)} MB`,
  );
  console.log(
    `  heap after GC: entries ${entriesMb.toFixed(1)} MB; core + index + displays on top ${(h1 - h0).toFixed(1)} MB`,
  );
  return {
    index,
    display: displayLookup((o) => displays[o]),
  };
}

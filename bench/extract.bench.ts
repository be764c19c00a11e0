/**
 * Extraction speed: studies per second through `extractFacts` on one core, over the shared
 * real records (parsed once beforehand, so JSON and schema parsing are not counted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStudy, type Study } from '#ctgov/study-schema.ts';
import { EXTRACTOR_VERSION, extractFacts } from '#eligibility/extract.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR } from '../test/support/shared-data.ts';

export async function run(): Promise<void> {
  if (!SHARED_AVAILABLE) {
    console.log(`extract: skipped (no records in ${SHARED_STUDIES_DIR})`);
    return;
  }
  const studies: Study[] = readdirSync(SHARED_STUDIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseStudy(JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, f), 'utf8'))));
  const chars = studies.reduce(
    (n, s) => n + (s.protocolSection.eligibilityModule?.eligibilityCriteria?.length ?? 0),
    0,
  );

  // Warm-up pass (JIT, regex compilation), not measured.
  for (const s of studies) extractFacts(s);

  // Both clocks: wall time depends on what else the machine runs; the process's CPU time
  // (user + system, one thread) is the cost on one core.
  const wall: number[] = [];
  const cpu: number[] = [];
  let criteria = 0;
  const deadline = performance.now() + 3000;
  while (performance.now() < deadline || wall.length < 3) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    criteria = 0;
    for (const s of studies) criteria += extractFacts(s).criteria.length;
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - start);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rate = (ms: number) => (studies.length / (ms / 1000)).toFixed(0);
  console.log(
    `extract (v${EXTRACTOR_VERSION}): ${studies.length} studies (${(chars / 1e6).toFixed(2)} M chars of criteria, ${criteria} criteria) per round; ` +
      `${wall.length} rounds after one warm-up round, single thread, records parsed beforehand`,
  );
  console.log(
    `  CPU time: median ${rate(median(cpu))} studies/s (${((median(cpu) * 1000) / studies.length).toFixed(0)} µs/study) — target ≥ 500 studies/s`,
  );
  console.log(
    `  wall clock: median ${rate(median(wall))} studies/s (load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`,
  );
}

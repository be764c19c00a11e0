/**
 * The corpora the fault tests sync, built in a temp dir (never in the repo):
 *   - real: a fixed subset of the shared real records (symlinked), when ../shared is there;
 *   - fixture: the project's own hand-written records (test/fixtures/ctgov/studies) and the
 *     sync room's synthetic NSCLC records, for a fresh clone.
 * Both get one synthetic record over 400 KB (incompressible criteria text), so every run
 * stores a study that must be split across DynamoDB items.
 */
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Study } from '#ctgov/study-schema.ts';
import { syntheticCorpus } from '../../fixtures/sync/sync-setup.ts';
import {
  incompressibleText,
  syntheticStudy,
  writeStudies,
} from '../../fixtures/sync/synthetic-studies.ts';
import { FIXTURES_DIR, SHARED_DIR, SHARED_STUDIES_DIR } from '../../support/shared-data.ts';

export const BIG_RECORD_N = 9401;

/** A study whose JSON is over 400 KB (DynamoDB's item limit), even gzip-compressed. */
export function bigStudy(): Study {
  return syntheticStudy({
    n: BIG_RECORD_N,
    padding: `Additional notes: ${incompressibleText(420_000, 7)}`,
    lastUpdatePostDate: '2025-09-30',
  });
}

export interface FaultCorpus {
  kind: 'real' | 'fixture';
  dir: string;
  records: number;
  pageSize: number;
  bigNctId: string;
}

/** `count` real lung-cancer records (by manifest class, lowest NCT ids first), symlinked. */
export function realCorpus(count = 28): FaultCorpus {
  const manifest = JSON.parse(
    readFileSync(join(SHARED_DIR, 'ctgov/studies-manifest.json'), 'utf8'),
  ) as { nctId: string; class: string }[];
  const ids = manifest
    .filter((m) => m.class === 'lung')
    .map((m) => m.nctId)
    .sort()
    .slice(0, count);
  const dir = mkdtempSync(join(tmpdir(), 'rel-real-'));
  for (const id of ids)
    symlinkSync(join(SHARED_STUDIES_DIR, `${id}.json`), join(dir, `${id}.json`));
  const big = bigStudy();
  writeStudies(dir, [big]);
  return {
    kind: 'real',
    dir,
    records: ids.length + 1,
    pageSize: 6,
    bigNctId: big.protocolSection.identificationModule.nctId,
  };
}

export function fixtureCorpus(
  options: { synthetic?: number; pageSize?: number } = {},
): FaultCorpus {
  const dir = mkdtempSync(join(tmpdir(), 'rel-fixture-'));
  const src = join(FIXTURES_DIR, 'ctgov/studies');
  const files = readdirSync(src).filter((f) => f.endsWith('.json'));
  for (const f of files) writeFileSync(join(dir, f), readFileSync(join(src, f)));
  // A handful of the sync room's synthetic NSCLC records, so that queries have several pages.
  const synthetic = syntheticCorpus().studies.slice(0, options.synthetic ?? 12);
  const big = bigStudy();
  writeStudies(dir, [...synthetic, big]);
  return {
    kind: 'fixture',
    dir,
    records: files.length + synthetic.length + 1,
    pageSize: options.pageSize ?? 4,
    bigNctId: big.protocolSection.identificationModule.nctId,
  };
}

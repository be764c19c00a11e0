/**
 * Acceptance test of extractor + matcher together: every profile of EXAMPLES.md against the
 * real trial record, through `extractFacts` and `matchTrials`, must get the documented
 * verdict. Status filters are opened to every status, since status never changes a verdict
 * (rule 11).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy } from '#ctgov/study-schema.ts';
import { extractFacts } from '#eligibility/extract.ts';
import { indexEntries, matchTrials } from '#matching/match.ts';
import { parseMatchRequest } from '#matching/profile.ts';
import { toMatchIndexEntry } from '#store/match-entry.ts';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';
import { EXAMPLE_CASES } from '../fixtures/matching/example-profiles.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR, SKIP_REASON } from '../support/shared-data.ts';

const NOW = new Date('2026-11-27T00:00:00Z');

describe.skipIf(!SHARED_AVAILABLE)(`EXAMPLES.md on the real records (${SKIP_REASON})`, () => {
  const indexes = new Map<string, ReturnType<typeof indexEntries>>();
  const indexFor = (nctId: string) => {
    let index = indexes.get(nctId);
    if (!index) {
      const study = parseStudy(
        JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, `${nctId}.json`), 'utf8')),
      );
      index = indexEntries([toMatchIndexEntry(study, extractFacts(study))]);
      indexes.set(nctId, index);
    }
    return index;
  };

  it.each(
    EXAMPLE_CASES.map((c) => [`${c.example}${c.case} ${c.nctId} → ${c.verdict}`, c] as const),
  )('%s', (_name, c) => {
    const parsed = parseMatchRequest({
      ...c.body,
      filters: { statuses: [...OVERALL_STATUSES] },
      options: { includeExcluded: true },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const response = matchTrials(parsed.request, indexFor(c.nctId), NOW, {});
    expect(response.results).toHaveLength(1);
    const result = response.results[0];
    const open = result?.reasons
      .filter((r) => r.status !== 'met')
      .map(
        (r) => `${r.status} ${r.criterion.label}${r.cohort ? ` [${r.cohort}]` : ''}: "${r.quote}"`,
      );
    expect(
      result?.verdict,
      `${c.nctId} ${c.case}, cohort ${result?.cohort ?? '-'}:\n${open?.join('\n')}`,
    ).toBe(c.verdict);
    if (result?.verdict === 'excluded') {
      expect(result.reasons.some((r) => r.status === 'not_met' && r.quote.length > 0)).toBe(true);
    }
  });
});

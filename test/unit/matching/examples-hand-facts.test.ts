/**
 * The verdicts of EXAMPLES.md, from hand-written facts of each trial (no extractor, no
 * shared records): the matcher's half of the acceptance test, runnable on a fresh clone.
 */
import { describe, expect, it } from 'vitest';
import { parseMatchRequest } from '#matching/profile.ts';
import { evaluateTrial } from '#matching/verdict.ts';
import { EXAMPLE_FACTS } from '../../fixtures/matching/example-facts.ts';
import { EXAMPLE_CASES } from '../../fixtures/matching/example-profiles.ts';

describe('EXAMPLES.md verdicts from hand-written facts', () => {
  it.each(
    EXAMPLE_CASES.map((c) => [`${c.example}${c.case} ${c.nctId} → ${c.verdict}`, c] as const),
  )('%s', (_name, c) => {
    const parsed = parseMatchRequest(c.body);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const facts = EXAMPLE_FACTS[c.nctId];
    if (!facts) throw new Error(`no hand-written facts for ${c.nctId}`);
    const v = evaluateTrial(facts, parsed.request.profile);
    expect(
      v.verdict,
      JSON.stringify(
        v.reasons.filter((r) => r.status !== 'met'),
        null,
        1,
      ),
    ).toBe(c.verdict);
    // An excluded verdict always names and quotes what excludes it.
    if (v.verdict === 'excluded') {
      const conflicts = v.reasons.filter((r) => r.status === 'not_met');
      expect(conflicts.length).toBeGreaterThan(0);
      for (const r of conflicts) expect(r.quote.length).toBeGreaterThan(0);
    }
    if (v.verdict === 'possible') expect(v.unknowns.length).toBeGreaterThan(0);
    if (v.verdict === 'eligible') expect(v.reasons.every((r) => r.status === 'met')).toBe(true);
  });
});

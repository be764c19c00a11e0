/**
 * The one seam between the HTTP API and the matching room: what the handler calls, with the
 * names it uses. Everything the response says is computed by `matchTrials`.
 */
import * as z from 'zod';
import { buildMatchIndex, type MatchIndex, matchTrials } from '#matching/match.ts';
import { matchRequestSchema, type ParseResult, parseMatchRequest } from '#matching/profile.ts';

export { buildMatchIndex, type MatchIndex, matchRequestSchema, parseMatchRequest };

type ParsedRequest = Extract<ParseResult, { ok: true }>;

// Replaced by the matching room's response schema once it lands.
export const matchResponseSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      nctId: z.string(),
      verdict: z.enum(['eligible', 'possible', 'excluded']),
      reasons: z.array(z.looseObject({})),
    }),
  ),
  dataSyncedAt: z.string().nullable(),
});

export function runMatch(
  parsed: ParsedRequest,
  index: MatchIndex,
  now: Date,
  dataSyncedAt: string | null,
) {
  const response = matchTrials(parsed.request, index, now, {
    dataSyncedAt: dataSyncedAt ?? undefined,
  });
  const counts = { results: response.results.length, eligible: 0, possible: 0, excluded: 0 };
  for (const r of response.results) counts[r.verdict]++;
  return { body: response as unknown as Record<string, unknown>, counts };
}

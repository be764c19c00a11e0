/**
 * The one seam between the HTTP API and the matching room: what the handler calls, with the
 * names it uses. Everything the response says is computed by `matchTrials`.
 */
import { buildMatchIndex, type MatchIndex, matchTrials } from '#matching/match.ts';
import { matchRequestSchema, type ParseResult, parseMatchRequest } from '#matching/profile.ts';
import { matchResponseSchema } from '#matching/response-schema.ts';

export {
  buildMatchIndex,
  type MatchIndex,
  matchRequestSchema,
  matchResponseSchema,
  parseMatchRequest,
};

type ParsedRequest = Extract<ParseResult, { ok: true }>;

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

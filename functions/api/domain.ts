/**
 * The one seam between the HTTP API and the matching room: what the handler calls, with the
 * names it uses. Everything the response says is computed by the matcher: `rankTrials` on the
 * in-memory index, then `presentMatch` with the displays of the returned trials, fetched
 * first when they are not in memory yet (index-core.ts).
 */
import type { DisplaySource } from '#matching/index-core.ts';
import {
  buildMatchIndex,
  type MatchIndex,
  presentMatch,
  rankedOrdinals,
  rankTrials,
} from '#matching/match.ts';
import { matchRequestSchema, type ParseResult, parseMatchRequest } from '#matching/profile.ts';
import { matchResponseSchema } from '#matching/response-schema.ts';
import type { LoadedIndex } from '#store/types.ts';

export { matchRequestSchema, matchResponseSchema, parseMatchRequest };

/** What a container serves from: the index in memory, the displays on demand. */
export interface ServedIndex {
  index: MatchIndex;
  displays: DisplaySource;
}

export const serveIndex = (loaded: LoadedIndex): ServedIndex => ({
  index: buildMatchIndex(loaded.core),
  displays: loaded.displays,
});

type ParsedRequest = Extract<ParseResult, { ok: true }>;

export async function runMatch(
  parsed: ParsedRequest,
  served: ServedIndex,
  now: Date,
  dataSyncedAt: string | null,
) {
  const ranking = rankTrials(parsed.request, served.index);
  const display = await served.displays.load(rankedOrdinals(ranking));
  const response = presentMatch(ranking, display, now, {
    dataSyncedAt: dataSyncedAt ?? undefined,
  });
  const counts = { results: response.results.length, eligible: 0, possible: 0, excluded: 0 };
  for (const r of response.results) counts[r.verdict]++;
  return { body: response as unknown as Record<string, unknown>, counts };
}

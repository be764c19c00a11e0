/** Shared set-up for the ctgov unit tests: the replay server over the project's own fixtures. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CtgovClientOptions, createCtgovClient, type RetryInfo } from '#ctgov/client.ts';
import type { StudiesQuery } from '#ctgov/client-types.ts';
import { startReplayServer } from '../../../local/replay/server.ts';
import { FIXTURES_DIR } from '../../support/shared-data.ts';

export const STUDIES_DIR = join(FIXTURES_DIR, 'ctgov/studies');

/** NCT ids of the fixture records, sorted (the replay server's order). */
export const FIXTURE_IDS = readdirSync(STUDIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

export const fixtureText = (nctId: string): string =>
  readFileSync(join(STUDIES_DIR, `${nctId}.json`), 'utf8').trim();

export const fixtureRecord = (nctId: string): Record<string, unknown> =>
  JSON.parse(fixtureText(nctId)) as Record<string, unknown>;

export async function startFixtureReplay() {
  return startReplayServer({ dir: STUDIES_DIR });
}

/** A client tuned for tests: no pacing, tiny backoff, short timeouts, retries recorded. */
export function testClient(baseUrl: string, extra: CtgovClientOptions = {}) {
  const retries: RetryInfo[] = [];
  const client = createCtgovClient({
    baseUrl,
    minIntervalMs: 0,
    baseBackoffMs: 1,
    maxBackoffMs: 20,
    maxRetries: 4,
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000 },
    onRetry: (r) => retries.push(r),
    ...extra,
  });
  return { client, retries };
}

/** Every page of a query, following nextPageToken and stopping on an empty page. */
export async function allPages(client: ReturnType<typeof createCtgovClient>, query: StudiesQuery) {
  const pages = [];
  let token: string | undefined;
  for (;;) {
    const page = await client.searchPage(query, token);
    pages.push(page);
    if (page.studies.length === 0 || !page.nextPageToken) break;
    token = page.nextPageToken;
  }
  return pages;
}

export const idsOf = (
  pages: { studies: { protocolSection: { identificationModule: { nctId: string } } }[] }[],
) => pages.flatMap((p) => p.studies.map((s) => s.protocolSection.identificationModule.nctId));

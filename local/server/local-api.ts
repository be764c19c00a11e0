/**
 * The API as `npm start` serves it: the Lambda's own handler factory on a repository, behind
 * the API Gateway adapter. Shared by `local/start.ts` and the equivalence test, so the test
 * exercises exactly what a user runs.
 */
import type { Server } from 'node:http';
import type { Logger } from '#http/log.ts';
import type { StudyRepository } from '#store/types.ts';
import { createApiHandler } from '../../functions/api/handler.ts';
import { createLocalServer, type HttpApiHandler } from './adapter.ts';

export interface LocalApiOptions {
  repo: StudyRepository;
  log?: Logger;
  onResponse?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

export function createLocalApi(options: LocalApiOptions): {
  handler: HttpApiHandler;
  server: Server;
} {
  // Lambda looks for a new index at most once a minute; here the sync runs in the same
  // process, so the API serves what it stores as soon as it is published.
  const api = createApiHandler({
    repo: options.repo,
    refreshIntervalMs: 1000,
    ...(options.log ? { log: options.log } : {}),
  });
  const handler: HttpApiHandler = (event, context) => api(event, context);
  const server = createLocalServer({
    handler,
    ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  });
  return { handler, server };
}

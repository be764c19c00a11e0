/**
 * The HTTP API Lambda (API Gateway HTTP API, payload 2.0): one function for
 *   POST /v1/match · GET /v1/trials/{nctId} · GET /v1/openapi.json · GET /health · GET /
 * Thin: the middlewares parse and validate, the matching room decides, this file shapes.
 * `createApiHandler` takes the repository so tests and the local server can inject one.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { HttpError } from '#http/errors.ts';
import { parseCorsOrigins } from '#http/headers.ts';
import { jsonLogger, type Logger } from '#http/log.ts';
import {
  httpEnvelope,
  type InputParseResult,
  inputValidator,
  jsonBodyParser,
  routeResolver,
} from '#http/middlewares.ts';
import { stateOf } from '#http/request-state.ts';
import type { Route } from '#http/router.ts';
import type { HttpEvent, HttpResult, Reply } from '#http/types.ts';
import { DisplayGoneError } from '#matching/index-core.ts';
import { createDocumentClient } from '#store/dynamo-client.ts';
import { createDynamoRepository } from '#store/dynamo-repository.ts';
import type { StudyRepository } from '#store/types.ts';
import { PAGE_CSP, PAGE_HTML } from '../../web/page.ts';
import {
  matchRequestSchema,
  matchResponseSchema,
  parseMatchRequest,
  runMatch,
  type ServedIndex,
  serveIndex,
} from './domain.ts';
import { healthReport } from './health.ts';
import { MatchIndexCache } from './index-cache.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { normaliseNctId, trialDetail } from './trial-view.ts';

export const API_VERSION = '1.0.0';
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024;
export const DEFAULT_REFRESH_INTERVAL_MS = 60_000;
/** Longer than an hourly sync takes to publish its snapshot (minutes). */
export const DEFAULT_UNPUBLISHED_GRACE_MS = 15 * 60_000;

export interface ApiHandlerOptions {
  repo: StudyRepository;
  /** The clock (tests pin it). */
  now?: () => Date;
  log?: Logger;
  /** How often the sync state's indexVersion is checked (default one minute). */
  refreshIntervalMs?: number;
  /** How long a loaded container waits for a new version's snapshot (default 15 minutes). */
  unpublishedGraceMs?: number;
  /** Allowed CORS origins (default: CORS_ORIGINS env, comma list). */
  corsOrigins?: string[];
  maxBodyBytes?: number;
}

export type ApiHandler = ((event: HttpEvent, context?: Context) => Promise<HttpResult>) & {
  /** The container's index cache, for the local server's and tests' introspection. */
  indexCache: MatchIndexCache<ServedIndex>;
};

interface RouteContext {
  event: HttpEvent;
  params: Record<string, string>;
  input: unknown;
}

interface ApiRoute {
  run: (ctx: RouteContext) => Promise<Reply>;
  /** Routes with a JSON body name its parser (400 by path, 422 out of scope). */
  parse?: (json: unknown) => InputParseResult<unknown>;
}

export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const { repo } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? jsonLogger;
  const cache = new MatchIndexCache<ServedIndex>({
    repo,
    build: serveIndex,
    now: () => now().getTime(),
    refreshIntervalMs: options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
    unpublishedGraceMs: options.unpublishedGraceMs ?? DEFAULT_UNPUBLISHED_GRACE_MS,
    log,
  });
  const dataSyncedAt = async () => {
    const state = await cache.syncState();
    return state === undefined ? undefined : (state.lastSuccessAt ?? null);
  };
  let openApi: string | undefined;

  const match: ApiRoute = {
    parse: (json) => {
      const parsed = parseMatchRequest(json);
      return parsed.ok ? { ok: true, value: parsed } : parsed;
    },
    run: async ({ input }) => {
      const parsed = input as Parameters<typeof runMatch>[0];
      let snapshot = await cache.current();
      let outcome: Awaited<ReturnType<typeof runMatch>>;
      try {
        outcome = await runMatch(parsed, snapshot.index, now(), (await dataSyncedAt()) ?? null);
      } catch (error) {
        // A newer snapshot replaced this one's displays: catch up with it, then answer once more.
        if (!(error instanceof DisplayGoneError)) throw error;
        snapshot = await cache.reload();
        outcome = await runMatch(parsed, snapshot.index, now(), (await dataSyncedAt()) ?? null);
      }
      const { body, counts } = outcome;
      return {
        statusCode: 200,
        json: body,
        logFields: { ...counts, indexTrials: snapshot.trialCount },
      };
    },
  };

  const trial: ApiRoute = {
    run: async ({ params }) => {
      const nctId = normaliseNctId(params.nctId ?? '');
      if (!nctId) {
        throw new HttpError(
          400,
          'invalid_nct_id',
          'the trial id must be NCT followed by 8 digits, e.g. NCT01234567',
          [{ path: 'nctId', message: 'expected NCT followed by 8 digits' }],
        );
      }
      const stored = await repo.getStudy(nctId);
      if (!stored) throw new HttpError(404, 'trial_not_found', `no trial ${nctId} in the data`);
      return {
        statusCode: 200,
        json: trialDetail(stored),
        cacheControl: 'public, max-age=300',
        logFields: { criteria: stored.facts.criteria.length },
      };
    },
  };

  const health: ApiRoute = {
    run: async () => {
      let state: Awaited<ReturnType<StudyRepository['getSyncState']>> | undefined;
      try {
        state = await repo.getSyncState();
        cache.observeSyncState(state);
      } catch {
        state = undefined; // reported as unavailable below
      }
      let snapshot = cache.peek();
      try {
        snapshot = await cache.current();
      } catch {
        // no index in this container: health says so
      }
      const report = healthReport(state, snapshot, now().getTime());
      return {
        statusCode: report.statusCode,
        json: { ...report.body, dataSyncedAt: state ? (state.lastSuccessAt ?? null) : null },
      };
    },
  };

  const openapi: ApiRoute = {
    run: async () => {
      openApi ??= JSON.stringify(
        buildOpenApiDocument({
          matchRequest: matchRequestSchema,
          matchResponse: matchResponseSchema,
          version: API_VERSION,
        }),
      );
      return {
        statusCode: 200,
        json: JSON.parse(openApi) as Record<string, unknown>,
        cacheControl: 'public, max-age=300',
      };
    },
  };

  const page: ApiRoute = {
    run: async () => ({
      statusCode: 200,
      html: PAGE_HTML,
      cacheControl: 'no-cache',
      headers: { 'content-security-policy': PAGE_CSP },
    }),
  };

  const routes: Route<ApiRoute>[] = [
    { method: 'POST', path: '/v1/match', handler: match },
    { method: 'GET', path: '/v1/trials/{nctId}', handler: trial },
    { method: 'GET', path: '/v1/openapi.json', handler: openapi },
    { method: 'GET', path: '/health', handler: health },
    { method: 'GET', path: '/', handler: page },
  ];

  const core = async (event: HttpEvent): Promise<Reply> => {
    const state = stateOf<ApiRoute>(event);
    if (state.preflight)
      return { statusCode: 204, empty: true, headers: { allow: state.preflight.allow.join(', ') } };
    if (!state.route) throw new Error('router did not run');
    return state.route.handler.run({ event, params: state.params, input: state.input });
  };

  const wrapped = middy<HttpEvent, HttpResult | Reply, Error, Context>()
    .use(
      httpEnvelope({
        log,
        corsOrigins: options.corsOrigins ?? parseCorsOrigins(process.env.CORS_ORIGINS),
        dataSyncedAt,
      }),
    )
    .use(routeResolver(routes))
    .use(
      jsonBodyParser({
        maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        wantsBody: (route) => (route as Route<ApiRoute>).handler.parse !== undefined,
      }),
    )
    .use(inputValidator((route) => (route as Route<ApiRoute>).handler.parse))
    .handler(core);

  const handler = (async (event: HttpEvent, context?: Context) =>
    (await wrapped(event, context ?? ({} as Context))) as HttpResult) as ApiHandler;
  handler.indexCache = cache;
  return handler;
}

/** The deployed configuration: TABLE_NAME, and a local endpoint from DYNAMODB_ENDPOINT
 * (AWS_ENDPOINT_URL_DYNAMODB is read by the SDK itself). */
export function repositoryFromEnv(env: NodeJS.ProcessEnv = process.env): StudyRepository {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  return createDynamoRepository({
    doc: createDocumentClient({ endpoint: env.DYNAMODB_ENDPOINT || undefined }),
    tableName,
  });
}

let fromEnv: ApiHandler | undefined;
const lambdaHandler = () => {
  fromEnv ??= createApiHandler({ repo: repositoryFromEnv() });
  return fromEnv;
};

/** The Lambda entry point. */
export const handler = (event: HttpEvent, context?: Context): Promise<HttpResult> =>
  lambdaHandler()(event, context);

// On Lambda, load the index during init (boosted CPU, not billed to the first request's
// latency); a failure here is logged and retried by the first request.
if (process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.TABLE_NAME) {
  await lambdaHandler()
    .indexCache.current()
    .catch(() => undefined);
}

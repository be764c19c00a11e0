/**
 * The middy middlewares of the HTTP API, in the order they run:
 *   envelope (errors → JSON, headers, CORS, freshness, one log line)
 *   → router (404 / 405 / OPTIONS) → JSON body (415 / 413 / 400 with position)
 *   → input validation (the route's zod-backed parser: 400 by path, 422 out of scope).
 * None of them answers early (middy would skip the `after` phase and so the headers);
 * they throw HttpError and the envelope's onError writes the response.
 */
import { gzipSync } from 'node:zlib';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { HttpError, type ProblemDetail, ServiceUnavailableError } from './errors.ts';
import { corsHeaders, securityHeaders } from './headers.ts';
import { locateJsonSyntaxError } from './json-syntax.ts';
import { errorFields, type LogFields, type Logger } from './log.ts';
import { initState, stateOf } from './request-state.ts';
import { type Route, resolveRoute } from './router.ts';
import type { HttpEvent, HttpResult, Reply } from './types.ts';

type Mw = MiddlewareObj<HttpEvent, HttpResult | Reply, Error, Context>;

/** Bodies at least this large are gzipped for clients that accept it (a ranked list of 50
 * trials with quotes is ~100 KB of JSON; Lambda's response payload limit is 6 MB). */
export const GZIP_MIN_BYTES = 8 * 1024;

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [name = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.find((x) => x.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export interface EnvelopeOptions {
  log: Logger;
  corsOrigins: readonly string[];
  /** When the data was last synced: ISO time, null = never, undefined = cannot tell now. Must not throw. */
  dataSyncedAt: () => Promise<string | null | undefined>;
  clock?: () => number;
}

export function httpEnvelope(options: EnvelopeOptions): Mw {
  const clock = options.clock ?? (() => performance.now());

  const finish = async (
    event: HttpEvent,
    reply: Reply,
    extraLog: LogFields,
  ): Promise<HttpResult> => {
    const state = stateOf(event);
    let syncedAt: string | null | undefined;
    try {
      syncedAt = await options.dataSyncedAt();
    } catch {
      syncedAt = undefined;
    }
    const headers: Record<string, string> = {
      ...securityHeaders(),
      'cache-control': reply.cacheControl ?? 'no-store',
      'x-data-synced-at': syncedAt ?? (syncedAt === null ? 'never' : 'unknown'),
      'x-request-id': state.requestId,
      ...corsHeaders(header(event, 'origin'), options.corsOrigins, state.preflight),
      ...(reply.headers ?? {}),
    };
    let body = '';
    if ('json' in reply) {
      headers['content-type'] = 'application/json; charset=utf-8';
      const payload =
        'dataSyncedAt' in reply.json
          ? reply.json
          : { ...reply.json, dataSyncedAt: syncedAt ?? null };
      body = JSON.stringify(payload);
    } else if ('html' in reply) {
      headers['content-type'] = 'text/html; charset=utf-8';
      body = reply.html;
    }
    let isBase64Encoded = false;
    if (body.length >= GZIP_MIN_BYTES && acceptsGzip(header(event, 'accept-encoding'))) {
      body = gzipSync(body).toString('base64');
      isBase64Encoded = true;
      headers['content-encoding'] = 'gzip';
      headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
    }
    const status = reply.statusCode;
    options.log(status >= 500 ? 'error' : 'info', 'request', {
      requestId: state.requestId,
      method: event.requestContext?.http?.method,
      route: state.routeKey,
      status,
      latencyMs: Math.round((clock() - state.startedAt) * 100) / 100,
      ...(reply.logFields ?? {}),
      ...extraLog,
    });
    return { statusCode: status, headers, body, isBase64Encoded };
  };

  return {
    name: 'httpEnvelope',
    before: (request) => {
      const requestId =
        request.event.requestContext?.requestId ?? request.context?.awsRequestId ?? 'unknown';
      initState(request.event, clock(), requestId);
    },
    after: async (request) => {
      const reply = request.response as Reply;
      request.response = await finish(request.event, reply, {});
    },
    onError: async (request) => {
      const error = request.error;
      const state = stateOf(request.event);
      let reply: Reply;
      let extra: LogFields = {};
      if (error instanceof HttpError) {
        reply = {
          statusCode: error.statusCode,
          json: errorBody(error.statusCode, error.code, error.message, error.details),
          headers: error.headers,
        };
        extra = { errorCode: error.code, problems: error.details.length || undefined };
      } else if (error instanceof ServiceUnavailableError) {
        reply = {
          statusCode: 503,
          json: errorBody(
            503,
            'unavailable',
            'the trial data is not available right now; try again shortly',
          ),
          headers: { 'retry-after': '30' },
        };
        extra = { errorCode: 'unavailable', ...errorFields(error.cause ?? error) };
      } else {
        reply = {
          statusCode: 500,
          json: errorBody(
            500,
            'internal_error',
            `unexpected error; quote request id ${state.requestId} when reporting it`,
          ),
        };
        extra = { errorCode: 'internal_error', ...errorFields(error) };
      }
      request.response = await finish(request.event, reply, extra);
    },
  };
}

export function errorBody(
  status: number,
  code: string,
  message: string,
  details: ProblemDetail[] = [],
) {
  return { error: { status, code, message, ...(details.length > 0 ? { details } : {}) } };
}

export function routeResolver<H>(routes: Route<H>[]): Mw {
  return {
    name: 'routeResolver',
    before: (request) => {
      const event = request.event;
      const state = stateOf<H>(event);
      const method = event.requestContext?.http?.method ?? 'GET';
      const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
      try {
        const found = resolveRoute(routes, method, path);
        state.routeKey = found.key;
        if (found.kind === 'options') state.preflight = { allow: found.allow };
        else {
          state.route = found.route;
          state.params = found.params;
        }
      } catch (e) {
        if (e instanceof HttpError && e.statusCode === 405)
          state.routeKey = `${method.toUpperCase()} ${path}`;
        throw e;
      }
    },
  };
}

export interface JsonBodyOptions {
  maxBytes: number;
  /** Which routes take a JSON body. */
  wantsBody: (route: unknown) => boolean;
}

export function header(event: HttpEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export function jsonBodyParser(options: JsonBodyOptions): Mw {
  return {
    name: 'jsonBodyParser',
    before: (request) => {
      const event = request.event;
      const state = stateOf(event);
      if (!state.route || !options.wantsBody(state.route)) return;

      const contentType = header(event, 'content-type');
      if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
        throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
      }
      const raw = event.body ?? '';
      const approxBytes = event.isBase64Encoded
        ? Math.floor((raw.length * 3) / 4)
        : Buffer.byteLength(raw, 'utf8');
      if (approxBytes > options.maxBytes) {
        throw new HttpError(
          413,
          'body_too_large',
          `the body is ${approxBytes} bytes; the limit is ${options.maxBytes} bytes (a full profile is under 2 KB)`,
        );
      }
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (text.trim().length === 0) {
        throw new HttpError(
          400,
          'missing_body',
          'the body is empty; send the patient profile as a JSON object',
        );
      }
      try {
        state.json = JSON.parse(text);
      } catch {
        const where = locateJsonSyntaxError(text);
        const detail = where
          ? `expected ${where.expected} at line ${where.line}, column ${where.column} (position ${where.position})`
          : 'it could not be parsed';
        throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${detail}`, [
          { path: '', message: `body is not valid JSON: ${detail}` },
        ]);
      }
    },
  };
}

export type InputParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400 | 422; errors: ProblemDetail[] };

/** Runs the route's parser (for the match route: `parseMatchRequest`) over the parsed body. */
export function inputValidator(
  parserOf: (route: unknown) => ((json: unknown) => InputParseResult<unknown>) | undefined,
): Mw {
  return {
    name: 'inputValidator',
    before: (request) => {
      const state = stateOf(request.event);
      if (!state.route) return;
      const parse = parserOf(state.route);
      if (!parse) return;
      const result = parse(state.json);
      if (result.ok) {
        state.input = result.value;
        return;
      }
      const n = result.errors.length;
      const message =
        result.status === 422
          ? (result.errors[0]?.message ?? 'this request is outside what the service covers')
          : `the profile has ${n} problem${n === 1 ? '' : 's'}: ${result.errors
              .slice(0, 5)
              .map((e) => `${e.path || '(body)'}: ${e.message}`)
              .join('; ')}${n > 5 ? '; …' : ''}`;
      throw new HttpError(
        result.status,
        result.status === 422 ? 'out_of_scope' : 'invalid_profile',
        message,
        result.errors,
      );
    },
  };
}

/**
 * The local HTTP front door: turns a Node request into the API Gateway HTTP API (payload
 * format 2.0) event that Lambda receives, calls the very same handler, and writes its result
 * back the way API Gateway would. Anything API Gateway itself decides (payload limits, a
 * handler that throws) is answered here the way API Gateway answers it, so the local server
 * and the deployed API cannot drift apart.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** What an API Lambda exports: API Gateway v2 event in, result out. */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | undefined>;

/**
 * Lambda's synchronous invocation payload limit (6 MB request and response). API Gateway
 * answers 413 for a request the function cannot receive and 500 for a response it cannot
 * return.
 */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** Content types API Gateway HTTP APIs pass as text; everything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/javascript' ||
    type === 'application/xml' ||
    type === 'application/x-www-form-urlencoded' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

/** What the adapter reads of a Node request (an IncomingMessage fits; tests pass plain objects). */
export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Header lines as received, to keep repeats and order; else built from `headers`. */
  rawHeaders?: string[];
}

export interface EventOptions {
  requestId?: string;
  now?: Date;
  sourceIp?: string;
  stage?: string;
}

/** Builds the payload-2.0 event exactly as API Gateway does for a `$default` route. */
export function toHttpApiEvent(
  request: RequestHead,
  body: Buffer,
  options: EventOptions = {},
): APIGatewayProxyEventV2 {
  const now = options.now ?? new Date();
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const pairs = request.rawHeaders ?? flattenHeaders(request.headers);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = (pairs[i] as string).toLowerCase();
    const value = pairs[i + 1] as string;
    if (name === 'cookie') {
      for (const cookie of value.split(';')) if (cookie.trim()) cookies.push(cookie.trim());
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[key] =
      queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }

  const text = isTextContentType(headers['content-type']);
  const requestId = options.requestId ?? randomUUID();
  const host = headers.host ?? 'localhost';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: decodePath(rawPath),
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method.toUpperCase(),
        path: decodePath(rawPath),
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: options.stage ?? '$default',
      time: formatClfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !text,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length > 0) {
    event.queryStringParameters = queryStringParameters;
  }
  if (body.length > 0) event.body = text ? body.toString('utf8') : body.toString('base64');
  return event;
}

/** A Lambda context good enough for handlers that read the request id or remaining time. */
export function localContext(requestId: string, timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local-api',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/local-api',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpResponseShape {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const INTERNAL_ERROR: HttpResponseShape = jsonError(500, 'Internal Server Error');

/**
 * Interprets a handler's return value as API Gateway does for payload 2.0: a structured
 * result is used as is; anything else is JSON-serialised into a 200.
 */
export function fromHttpApiResult(result: APIGatewayProxyResultV2 | undefined): HttpResponseShape {
  if (isStructured(result)) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      headers[name.toLowerCase()] = String(value);
    }
    if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
    const raw = result.body ?? '';
    const body = result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    if (body.length > LAMBDA_PAYLOAD_LIMIT_BYTES) return INTERNAL_ERROR;
    if (headers['content-type'] === undefined && body.length > 0) {
      headers['content-type'] = 'application/json';
    }
    return { statusCode: result.statusCode ?? 200, headers, body };
  }
  const body = Buffer.from(result === undefined ? '' : JSON.stringify(result), 'utf8');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}

/** One request through the handler, with API Gateway's own answers for what it decides. */
export async function invokeHandler(
  handler: HttpApiHandler,
  request: RequestHead,
  body: Buffer,
  options: EventOptions = {},
): Promise<HttpResponseShape> {
  const event = toHttpApiEvent(request, body, options);
  if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
    return jsonError(413, 'Request Entity Too Large');
  }
  try {
    return fromHttpApiResult(await handler(event, localContext(event.requestContext.requestId)));
  } catch (error) {
    // API Gateway hides a function error behind a bare 500; say what happened locally.
    console.error(
      `handler error (request ${event.requestContext.requestId}):`,
      errorMessage(error),
    );
    return INTERNAL_ERROR;
  }
}

export interface LocalServerOptions {
  handler: HttpApiHandler;
  /** Called for each answered request (for logs: method, path, status, ms; never the body). */
  onResponse?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

/** An HTTP server that serves the handler as API Gateway would. */
export function createLocalServer(options: LocalServerOptions): Server {
  return createServer((req, res) => {
    void serve(options, req, res);
  });
}

async function serve(
  options: LocalServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  let response: HttpResponseShape;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > LAMBDA_PAYLOAD_LIMIT_BYTES) {
    response = jsonError(413, 'Request Entity Too Large');
    req.resume();
  } else {
    const body = await readBody(req, LAMBDA_PAYLOAD_LIMIT_BYTES);
    response =
      body === 'too_large'
        ? jsonError(413, 'Request Entity Too Large')
        : body === 'aborted'
          ? jsonError(400, 'Bad Request')
          : await invokeHandler(
              options.handler,
              {
                method: req.method ?? 'GET',
                url: req.url ?? '/',
                headers: req.headers,
                rawHeaders: req.rawHeaders,
              },
              body,
              { sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1' },
            );
  }
  if (res.destroyed) return;
  res.writeHead(response.statusCode, {
    ...response.headers,
    'content-length': String(response.body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : response.body);
  options.onResponse?.({
    method: req.method ?? 'GET',
    path,
    status: response.statusCode,
    ms: Math.round(performance.now() - started),
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | 'too_large' | 'aborted') => {
      if (settled) return;
      settled = true;
      resolveBody(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle('too_large');
        return;
      }
      if (!settled) chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle('aborted'));
    req.on('aborted', () => settle('aborted'));
  });
}

function jsonError(statusCode: number, message: string): HttpResponseShape {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

function flattenHeaders(headers: IncomingMessage['headers']): string[] {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push(name, one);
  }
  return pairs;
}

/** API Gateway hands the handler a percent-decoded path. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `27/Nov/2026:01:02:03 +0000`, the format of requestContext.time. */
function formatClfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

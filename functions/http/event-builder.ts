/**
 * Builds API Gateway HTTP API (payload format 2.0) events: for handler tests and for the
 * local server, which turns a Node HTTP request into the same event the Lambda receives.
 */
import { randomUUID } from 'node:crypto';
import type { HttpEvent } from './types.ts';

export interface EventInput {
  method: string;
  /** Path with an optional query string: `/v1/trials/NCT01234567?x=1`. */
  path: string;
  headers?: Record<string, string | undefined>;
  /** A string is sent as is; anything else is JSON-encoded. */
  body?: unknown;
  isBase64Encoded?: boolean;
  sourceIp?: string;
  requestId?: string;
}

export function buildHttpEvent(input: EventInput): HttpEvent {
  const [rawPath = '/', rawQueryString = ''] = input.path.split('?', 2);
  const method = input.method.toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {}))
    if (v !== undefined) headers[k.toLowerCase()] = v;
  let body: string | undefined;
  if (input.body !== undefined) {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    if (headers['content-type'] === undefined && typeof input.body !== 'string') {
      headers['content-type'] = 'application/json';
    }
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) queryStringParameters[k] = v;
  const now = new Date();
  const requestId = input.requestId ?? randomUUID();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
}

/**
 * Per-request state the middlewares hand to one another, keyed by the event object (middy's
 * `request.internal` is shared between invocations, so it cannot hold per-request data).
 */
import type { Route } from './router.ts';
import type { HttpEvent } from './types.ts';

export interface RequestState<H = unknown> {
  startedAt: number;
  requestId: string;
  /** `POST /v1/match`-style key for logs; `unmatched` until the router runs. */
  routeKey: string;
  route?: Route<H> | undefined;
  params: Record<string, string>;
  /** OPTIONS preflight: the methods the path allows. */
  preflight?: { allow: string[] } | undefined;
  /** The parsed JSON body (routes that take one). */
  json?: unknown;
  /** The validated input (routes with a body schema). */
  input?: unknown;
}

const states = new WeakMap<object, RequestState>();

export function initState(event: HttpEvent, startedAt: number, requestId: string): RequestState {
  const state: RequestState = { startedAt, requestId, routeKey: 'unmatched', params: {} };
  states.set(event, state);
  return state;
}

export function stateOf<H = unknown>(event: HttpEvent): RequestState<H> {
  let state = states.get(event);
  if (!state)
    state = initState(event, performance.now(), event.requestContext?.requestId ?? 'unknown');
  return state as RequestState<H>;
}

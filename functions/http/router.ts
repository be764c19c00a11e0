/**
 * A tiny method + path router for one Lambda behind an HTTP API: unknown paths are 404,
 * known paths with another method are 405 with `Allow`, OPTIONS answers preflights.
 */
import { HttpError } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route<H> {
  method: Method;
  /** Template such as `/v1/trials/{nctId}`. */
  path: string;
  handler: H;
}

export type RouteResolution<H> =
  | { kind: 'route'; route: Route<H>; params: Record<string, string>; key: string }
  | { kind: 'options'; allow: string[]; key: string };

const segmentsOf = (path: string) => path.split('/').filter((s) => s.length > 0);

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = segmentsOf(template);
  const got = segmentsOf(path);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let k = 0; k < want.length; k++) {
    const w = want[k] as string;
    const g = got[k] as string;
    if (w.startsWith('{') && w.endsWith('}')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(g);
      } catch {
        decoded = g;
      }
      params[w.slice(1, -1)] = decoded;
    } else if (w !== g) return undefined;
  }
  return params;
}

export function resolveRoute<H>(
  routes: Route<H>[],
  method: string,
  path: string,
): RouteResolution<H> {
  const candidates = routes
    .map((route) => ({ route, params: matchTemplate(route.path, path) }))
    .filter(
      (c): c is { route: Route<H>; params: Record<string, string> } => c.params !== undefined,
    );
  if (candidates.length === 0) {
    throw new HttpError(404, 'not_found', `no route for ${path}; see GET /v1/openapi.json`);
  }
  const upper = method.toUpperCase();
  const hit = candidates.find((c) => c.route.method === upper);
  if (hit)
    return {
      kind: 'route',
      route: hit.route,
      params: hit.params,
      key: `${hit.route.method} ${hit.route.path}`,
    };
  const allow = [...new Set(candidates.map((c) => c.route.method)), 'OPTIONS'];
  const key = `${upper} ${candidates[0]?.route.path}`;
  if (upper === 'OPTIONS') return { kind: 'options', allow, key };
  throw new HttpError(
    405,
    'method_not_allowed',
    `${upper} is not allowed on ${path}; use ${allow.join(', ')}`,
    [],
    {
      allow: allow.join(', '),
    },
  );
}

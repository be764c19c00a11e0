import { describe, expect, it } from 'vitest';
import { HttpError } from '#http/errors.ts';
import { type Route, resolveRoute } from '#http/router.ts';

const routes: Route<string>[] = [
  { method: 'POST', path: '/v1/match', handler: 'match' },
  { method: 'GET', path: '/v1/trials/{nctId}', handler: 'trial' },
  { method: 'GET', path: '/', handler: 'page' },
];

const thrown = (f: () => unknown): HttpError => {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e;
  }
  throw new Error('expected an HttpError');
};

describe('resolveRoute', () => {
  it('matches templates and decodes parameters', () => {
    const r = resolveRoute(routes, 'get', '/v1/trials/NCT%3001234567');
    expect(r).toMatchObject({
      kind: 'route',
      params: { nctId: 'NCT001234567' },
      key: 'GET /v1/trials/{nctId}',
    });
    expect(resolveRoute(routes, 'GET', '/')).toMatchObject({ kind: 'route', key: 'GET /' });
    expect(resolveRoute(routes, 'POST', '/v1/match/')).toMatchObject({
      kind: 'route',
      key: 'POST /v1/match',
    });
  });

  it('404 for unknown paths, 405 with Allow for known paths', () => {
    expect(thrown(() => resolveRoute(routes, 'GET', '/v1/trials')).statusCode).toBe(404);
    expect(thrown(() => resolveRoute(routes, 'GET', '/v1/trials/a/b')).statusCode).toBe(404);
    const e = thrown(() => resolveRoute(routes, 'PATCH', '/v1/match'));
    expect(e.statusCode).toBe(405);
    expect(e.headers.allow).toBe('POST, OPTIONS');
  });

  it('OPTIONS on a known path is a preflight', () => {
    expect(resolveRoute(routes, 'OPTIONS', '/v1/trials/x')).toEqual({
      kind: 'options',
      allow: ['GET', 'OPTIONS'],
      key: 'OPTIONS /v1/trials/{nctId}',
    });
  });

  it('a malformed escape is kept as written, not a crash', () => {
    expect(resolveRoute(routes, 'GET', '/v1/trials/%E0%A4%A')).toMatchObject({
      params: { nctId: '%E0%A4%A' },
    });
  });
});

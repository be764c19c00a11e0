/** Headers every response carries, and CORS from configuration. */

const HSTS = 'max-age=63072000; includeSubDomains';
/** JSON is never rendered, so it may load nothing and be framed by nobody. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'strict-transport-security': HSTS,
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': API_CSP,
  };
}

/** `CORS_ORIGINS=https://a.example,https://b.example` (or `*`). Empty: no CORS headers. */
export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter((s) => s.length > 0);
}

export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
  preflight: { allow: string[] } | undefined,
): Record<string, string> {
  if (!origin || allowed.length === 0) return {};
  const any = allowed.includes('*');
  if (!any && !allowed.includes(origin)) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : origin,
    'access-control-expose-headers': 'x-data-synced-at, x-request-id',
  };
  if (!any) headers.vary = 'Origin';
  if (preflight) {
    headers['access-control-allow-methods'] = preflight.allow.join(', ');
    headers['access-control-allow-headers'] = 'content-type';
    headers['access-control-max-age'] = '600';
  }
  return headers;
}

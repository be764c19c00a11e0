import { describe, expect, it } from 'vitest';
import { corsHeaders, parseCorsOrigins, securityHeaders } from '#http/headers.ts';

describe('CORS from configuration', () => {
  it('parses a comma list, trimming spaces and trailing slashes', () => {
    expect(parseCorsOrigins(' https://a.example/, https://b.example ,,')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(parseCorsOrigins(undefined)).toEqual([]);
  });

  it('echoes an allowed origin with Vary, ignores others, supports *', () => {
    expect(corsHeaders('https://a.example', ['https://a.example'], undefined)).toMatchObject({
      'access-control-allow-origin': 'https://a.example',
      vary: 'Origin',
    });
    expect(corsHeaders('https://evil.example', ['https://a.example'], undefined)).toEqual({});
    expect(corsHeaders('https://x.example', ['*'], undefined)['access-control-allow-origin']).toBe(
      '*',
    );
    expect(corsHeaders(undefined, ['*'], undefined)).toEqual({});
  });

  it('answers preflights with methods, headers and max-age', () => {
    const h = corsHeaders('https://a.example', ['https://a.example'], {
      allow: ['POST', 'OPTIONS'],
    });
    expect(h['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(h['access-control-allow-headers']).toBe('content-type');
    expect(Number(h['access-control-max-age'])).toBeGreaterThan(0);
  });
});

describe('security headers', () => {
  it('are the ones every response must carry', () => {
    expect(securityHeaders()).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+; includeSubDomains$/),
      'content-security-policy': expect.stringContaining("default-src 'none'"),
    });
  });
});

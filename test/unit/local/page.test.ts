import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP, PAGE_HTML } from '../../../web/page.ts';

const inline = (tag: string) => {
  const m = PAGE_HTML.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  return m?.[1] ?? '';
};
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the web page', () => {
  it('allows exactly its own inline script and style, and same-origin requests only', () => {
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).toContain(`script-src ${hash(inline('script'))}`);
    expect(PAGE_CSP).toContain(`style-src ${hash(inline('style'))}`);
    expect(PAGE_CSP).toContain("connect-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(PAGE_HTML).toContain(`content="${PAGE_CSP}"`);
  });

  it('loads nothing from elsewhere and stores nothing', () => {
    expect(PAGE_HTML).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//i);
    expect(PAGE_HTML).not.toMatch(
      /localStorage|sessionStorage|indexedDB|document\.cookie|sendBeacon/,
    );
    expect(PAGE_HTML).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('gives every form control in the document a label', () => {
    const ids = [...PAGE_HTML.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(8);
    for (const id of ids) expect(PAGE_HTML, `label for #${id}`).toMatch(new RegExp(`for="${id}"`));
  });

  it('offers "I don\'t know" for the diagnosis and health questions', () => {
    for (const id of ['histology', 'stage', 'brain', 'ecog']) {
      expect(PAGE_HTML).toMatch(
        new RegExp(`<select id="${id}"[^>]*><option value="">I don't know</option>`),
      );
    }
  });

  it('stays small enough for a phone', () => {
    expect(Buffer.byteLength(PAGE_HTML)).toBeLessThan(60_000);
  });
});

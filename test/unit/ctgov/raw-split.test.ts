import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '#ctgov/client.ts';
import { splitStudiesText } from '#ctgov/raw-split.ts';

describe('splitStudiesText: the exact text of each study in a page', () => {
  it('returns each element of the top-level studies array verbatim, whatever the strings hold', () => {
    const tricky = fc.oneof(
      fc.string(),
      fc.constantFrom('"', '\\', '\\"', '{', '}', '[', ']', '"studies":[', 'a\\\\"b'),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        tricky,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(tricky, tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    const study = fc.dictionary(tricky, value, { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(study, { maxLength: 5 }), fc.option(tricky), (studies, token) => {
        const texts = studies.map((s) => JSON.stringify(s));
        // Keys before and after the array, including one that is also called "studies" inside.
        const head = `{"totalCount":${studies.length},"x":{"studies":[1,2]},"studies":[`;
        const tail = `]${token === null ? '' : `,"nextPageToken":${JSON.stringify(token)}`}}`;
        expect(splitStudiesText(head + texts.join(',') + tail)).toEqual(texts);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the bytes JSON.stringify would rewrite (0.0, escapes, whitespace)', () => {
    const a = '{"bmi":{"min":0.0,"max":101.0},"t":"\\u00e9\\"x\\\\"}';
    const b = '{ "n" : [ 1 , 2 ] }';
    expect(splitStudiesText(`{"studies": [ ${a} ,\n${b} ]}`)).toEqual([a, b]);
  });

  it('gives up (undefined) on a page with no studies array or cut short', () => {
    expect(splitStudiesText('{"items":[]}')).toBeUndefined();
    expect(splitStudiesText('{"studies":[{"a":"b"},{"c":')).toBeUndefined();
    expect(splitStudiesText('{"studies":[{"a":"unterminated')).toBeUndefined();
    expect(splitStudiesText('{"studies":[]}')).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates; ignores junk', () => {
    const now = Date.parse('2026-11-27T01:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 01:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '#http/json-syntax.ts';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('locateJsonSyntaxError', () => {
  it('agrees with JSON.parse on valid JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(locateJsonSyntaxError(text)).toBeUndefined();
      }),
    );
  });

  it('agrees with JSON.parse on mutilated JSON, and points inside the text', () => {
    const mutated = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\\', '\n', '{', '01'),
      )
      .map(([text, at, insert]) => {
        const k = at % (text.length + 1);
        return text.slice(0, k) + insert + text.slice(k + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const problem = locateJsonSyntaxError(text);
        expect(problem === undefined).toBe(parses(text));
        if (problem) {
          expect(problem.position).toBeGreaterThanOrEqual(0);
          expect(problem.position).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['{"a":1,}', 7, 1, 8, 'a double-quoted property name'],
    ['{"a" 1}', 5, 1, 6, "':' after the property name"],
    ['[1,2', 4, 1, 5, "',' or ']'"],
    ['{\n"a": nope}', 7, 2, 6, 'a JSON value (strings need double quotes)'],
    ['"abc', 4, 1, 5, 'a closing quote'],
    ['"\\q"', 2, 1, 3, 'a valid escape sequence'],
    ['{} {}', 3, 1, 4, 'the end of the body'],
    ['', 0, 1, 1, 'a JSON value (strings need double quotes)'],
  ])(
    '%j → position %i (line %i, column %i), expected %s',
    (text, position, line, column, expected) => {
      expect(locateJsonSyntaxError(text)).toEqual({ position, line, column, expected });
    },
  );
});

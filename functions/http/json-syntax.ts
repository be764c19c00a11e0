/**
 * Where a JSON text first goes wrong, as line/column/position. V8's `JSON.parse` messages
 * differ between Node versions, sometimes carry no position and sometimes quote the input
 * (which must never reach a log), so the HTTP layer reports positions from this scanner
 * instead. Only called after `JSON.parse` has failed, so speed does not matter.
 */
export interface JsonSyntaxProblem {
  position: number;
  line: number;
  column: number;
  expected: string;
}

export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;

  const fail = (expected: string): never => {
    throw new ScanStop(i, expected);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    // A bare word is more often an unquoted string than a mistyped `true`: point at its start.
    if (text.startsWith(word, i)) i += word.length;
    else fail('a JSON value (strings need double quotes)');
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) fail('a closing quote (control characters must be escaped)');
      if (ch === 0x5c) {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail('a hexadecimal digit');
            }
          }
          i += 5;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
        else fail('a valid escape sequence');
      } else i++;
    }
    fail('a closing quote');
  };
  const digits = () => {
    const start = i;
    while (i < text.length && /[0-9]/.test(text[i] as string)) i++;
    if (i === start) fail('a digit');
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') object();
    else if (ch === '[') array();
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && /[0-9]/.test(ch))) number();
    else fail('a JSON value (strings need double quotes)');
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('a double-quoted property name');
      string();
      ws();
      if (text[i] !== ':') fail("':' after the property name");
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail("',' or '}'");
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail("',' or ']'");
    }
  };

  try {
    value();
    ws();
    if (i < text.length) fail('the end of the body');
    return undefined;
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
    const position = Math.min(e.position, text.length);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return { position, line, column, expected: e.expected };
  }
}

class ScanStop {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {}
}

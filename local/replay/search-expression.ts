/**
 * A small stand-in for the Essie query language of ClinicalTrials.gov, enough to replay
 * `query.cond` / `query.term`: words, "quoted phrases", AND / OR / NOT, parentheses, and
 * implicit AND between adjacent terms. Matching is case-insensitive on normalised text
 * (punctuation folded to spaces) and anchored at the start of a word but open at its end,
 * so "tumor" finds "tumors" and "non-small cell" finds "Non-Small-Cell" — a crude stand-in
 * for the real API's stemming, deliberately simple.
 */

export type SearchNode =
  | { kind: 'phrase'; text: string }
  | { kind: 'and'; items: SearchNode[] }
  | { kind: 'or'; items: SearchNode[] }
  | { kind: 'not'; item: SearchNode };

export class SearchSyntaxError extends Error {
  override name = 'SearchSyntaxError';
}

/** Lower-case, fold every run of non-alphanumerics to one space, pad with spaces. */
export function normaliseText(text: string): string {
  // Accented letters are folded to their base letter first, so "Sjögren" still matches.
  const lower = text.toLowerCase();
  const ascii = /[\u0080-\uffff]/.test(lower) ? lower.normalize('NFD') : lower;
  return ` ${ascii
    .replace(/[^a-z0-9\u0080-\uffff]+/g, ' ')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()} `;
}

type Token =
  | { t: '(' }
  | { t: ')' }
  | { t: 'op'; op: 'AND' | 'OR' | 'NOT' }
  | { t: 'text'; v: string };

function tokenise(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw new SearchSyntaxError(`unterminated quote at position ${i}`);
      out.push({ t: 'text', v: input.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '[' || c === ']') {
      throw new SearchSyntaxError(`no viable alternative at input '${c}'`);
    } else {
      let j = i;
      while (j < input.length && !/[\s()"]/.test(input[j] as string)) j++;
      const word = input.slice(i, j);
      if (word === 'AND' || word === 'OR' || word === 'NOT') out.push({ t: 'op', op: word });
      else out.push({ t: 'text', v: word });
      i = j;
    }
  }
  return out;
}

/** Parse an expression; throws SearchSyntaxError on unbalanced parentheses and the like. */
export function parseSearch(input: string): SearchNode {
  const tokens = tokenise(input);
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (): SearchNode => {
    const items = [parseAnd()];
    while (peek()?.t === 'op' && (peek() as { op: string }).op === 'OR') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? (items[0] as SearchNode) : { kind: 'or', items };
  };
  const parseAnd = (): SearchNode => {
    const items = [parseUnary()];
    for (;;) {
      const next = peek();
      if (!next || next.t === ')' || (next.t === 'op' && next.op === 'OR')) break;
      if (next.t === 'op' && next.op === 'AND') pos++;
      items.push(parseUnary());
    }
    return items.length === 1 ? (items[0] as SearchNode) : { kind: 'and', items };
  };
  const parseUnary = (): SearchNode => {
    const tok = peek();
    if (!tok) throw new SearchSyntaxError('mismatched input <EOF>');
    pos++;
    if (tok.t === 'op') {
      if (tok.op === 'NOT') return { kind: 'not', item: parseUnary() };
      throw new SearchSyntaxError(`mismatched input '${tok.op}'`);
    }
    if (tok.t === '(') {
      const inner = parseOr();
      if (peek()?.t !== ')') throw new SearchSyntaxError("missing ')'");
      pos++;
      return inner;
    }
    if (tok.t === ')') throw new SearchSyntaxError("extraneous input ')'");
    const text = normaliseText(tok.v).trim();
    if (!text) throw new SearchSyntaxError(`empty term '${tok.v}'`);
    return { kind: 'phrase', text };
  };

  if (tokens.length === 0) throw new SearchSyntaxError('empty query');
  const node = parseOr();
  if (pos < tokens.length) throw new SearchSyntaxError("extraneous input ')'");
  return node;
}

/** `haystack` must come from normaliseText (space-padded). */
export function matchesSearch(node: SearchNode, haystack: string): boolean {
  switch (node.kind) {
    case 'phrase':
      return haystack.includes(` ${node.text}`);
    case 'and':
      return node.items.every((n) => matchesSearch(n, haystack));
    case 'or':
      return node.items.some((n) => matchesSearch(n, haystack));
    case 'not':
      return !matchesSearch(node.item, haystack);
  }
}

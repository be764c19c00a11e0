/**
 * Finds the exact JSON text of each element of a page's top-level `studies` array, so the
 * raw record can be stored byte for byte as served (JSON.parse + stringify would rewrite
 * numbers such as `0.0`).
 */
export function splitStudiesText(page: string): string[] | undefined {
  const n = page.length;
  let depth = 0;
  let lastKey: string | undefined;
  let inStudies = false;
  let start = -1;
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const c = page.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = page.indexOf('"', i + 1);
      // Skip quotes escaped by an odd number of backslashes.
      for (;;) {
        if (j < 0) return undefined;
        let k = j - 1;
        while (page.charCodeAt(k) === 92) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j = page.indexOf('"', j + 1);
      }
      if (depth === 1) lastKey = page.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth === 2 && c === 91 && lastKey === 'studies') inStudies = true;
      else if (inStudies && depth === 3) start = i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (inStudies && depth === 3) out.push(page.slice(start, i + 1));
      else if (inStudies && depth === 2) return out;
      depth--;
    }
    i++;
  }
  return undefined;
}

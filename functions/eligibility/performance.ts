/**
 * Performance status: ECOG / WHO / Zubrod maximum (and minimum, for PS 2 trials); Karnofsky
 * converted (KPS ≥ 80 → ECOG ≤ 1, ≥ 60/70 → ≤ 2, ≥ 50 → ≤ 3), as facts.ts says.
 */
import type { Section } from './facts.ts';

const NUM_WORDS: Record<string, string> = { zero: '0', one: '1', two: '2', three: '3' };

export function ecogIn(
  folded: string,
  section: Section,
): { max: number; min?: number } | undefined {
  let text = folded.replace(/\b(zero|one|two|three)\b/g, (w) => NUM_WORDS[w] ?? w);
  // "Performance status 0-2 (ECOG)", or a bare performance status, is ECOG unless Karnofsky is named.
  if (!/\b(?:ecog|who|zubrod|eastern cooperative|karnofsky|kps|lansky)\b/.test(text)) {
    text = text.replace(/\bperformance status\b/, 'ecog performance status');
  } else if (/\bperformance status\b[^.;()]{0,20}\(\s*ecog\s*\)/.test(text)) {
    text = text.replace(/\bperformance status\b/, 'ecog performance status');
  }
  const ecog =
    /\b(?:ecog|who(?= (?:performance|ps\b|pst?\b))|zubrod|eastern cooperative oncology group|world health organi[sz]ation)\b[^.;]{0,60}?(?:performance status|ps\b|performance score|score)?[^.;0-9]{0,25}?((?:[0-4])(?:\s*(?:-|to|or|,|–|and)\s*[0-4])*(?:\s*,?\s*(?:or|and)\s*[0-4])?|(?:<=|>=|<|>|less than or equal to|less than|greater than or equal to|greater than|of at most|at most|no more than|no greater than)\s*[0-4])/.exec(
      text,
    );
  if (ecog?.[1]) {
    const spec = ecog[1];
    const op =
      /^(<=|>=|<|>|less than or equal to|less than|greater than or equal to|greater than|of at most|at most|no more than|no greater than)\s*([0-4])/.exec(
        spec,
      );
    let min: number | undefined;
    let max: number;
    if (op) {
      const n = Number(op[2]);
      const o = op[1] ?? '';
      if (o === '<' || o === 'less than') max = n - 1;
      else if (o === '>=' || o === 'greater than or equal to') {
        if (section === 'exclusion') return { max: n - 1 };
        return undefined;
      } else if (o === '>' || o === 'greater than') {
        if (section === 'exclusion') return { max: n };
        return undefined;
      } else max = n;
    } else {
      const nums = [...spec.matchAll(/[0-4]/g)].map((m) => Number(m[0]));
      if (nums.length === 0) return undefined;
      max = Math.max(...nums);
      const lo = Math.min(...nums);
      if (lo > 0) min = lo;
      if (section === 'exclusion') {
        // "ECOG 3 or 4", "ECOG ≥ 2" under exclusion: the allowed range is below.
        if (lo === 0) return undefined;
        return { max: lo - 1 };
      }
    }
    if (max < 0 || max > 4) return undefined;
    return min !== undefined ? { max, min } : { max };
  }
  const kps =
    /\b(?:karnofsky|kps)\b[^.;0-9]{0,40}?(>=|>|at least|of at least|greater than or equal to|greater than|<|less than)?\s*(\d{2,3})\s*%?/.exec(
      text,
    );
  if (kps?.[2]) {
    const v = Number(kps[2]);
    const op = kps[1] ?? '>=';
    if (section === 'exclusion') {
      if (/</.test(op) || /less/.test(op)) return kpsToEcog(v);
      return undefined;
    }
    if (/</.test(op) || /less/.test(op)) return undefined;
    return kpsToEcog(/^>$|greater than$/.test(op) ? v + 10 : v);
  }
  return undefined;
}

function kpsToEcog(kps: number): { max: number } | undefined {
  if (kps >= 80) return { max: 1 };
  if (kps >= 60) return { max: 2 };
  if (kps >= 50) return { max: 3 };
  return undefined;
}

/** Age and sex from the structured eligibility fields ("18 Years", "FEMALE"), and age from text. */
import type { Study } from '#ctgov/study-schema.ts';
import type { AgeCriterion, Criterion, SexCriterion } from './facts.ts';

/** "18 Years" → 18; "6 Months" → 0.5; undefined when absent or unreadable. */
export function parseAgeField(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch ((m[2] ?? '').toLowerCase()) {
    case 'year':
      return n;
    case 'month':
      return n / 12;
    case 'week':
      return n / 52;
    default:
      return n / 365;
  }
}

export function structuredDemographics(study: Study): (AgeCriterion | SexCriterion)[] {
  const e = study.protocolSection.eligibilityModule;
  if (!e) return [];
  const out: (AgeCriterion | SexCriterion)[] = [];
  const min = parseAgeField(e.minimumAge);
  const max = parseAgeField(e.maximumAge);
  const hasMin = min !== undefined && min >= 1;
  const hasMax = max !== undefined && max < 100;
  if (hasMin || hasMax) {
    const quote = [
      e.minimumAge ? `Minimum age: ${e.minimumAge}` : '',
      e.maximumAge ? `Maximum age: ${e.maximumAge}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    out.push({
      kind: 'age',
      effect: 'require',
      evidence: { quote, section: 'inclusion' },
      ...(hasMin ? { min: Math.ceil(min) } : {}),
      ...(hasMax ? { max: Math.floor(max) } : {}),
    });
  }
  const sex = (e.sex ?? '').toUpperCase();
  if (sex === 'FEMALE' || sex === 'MALE') {
    out.push({
      kind: 'sex',
      effect: 'require',
      evidence: { quote: `Sex: ${e.sex}`, section: 'inclusion' },
      sex: sex === 'FEMALE' ? 'female' : 'male',
    });
  }
  return out;
}

/**
 * Does the criteria text already say what this structured field says ("Age 18–75" beside
 * "Minimum age: 18 Years; Maximum age: 75 Years")? Then the field adds nothing but a second,
 * identical reason. A field that differs from the text stays: both bind.
 */
export function restatedInText(
  criteria: readonly Criterion[],
  field: AgeCriterion | SexCriterion,
): boolean {
  return criteria.some((c) => {
    if (c.kind !== field.kind || c.effect !== field.effect || c.cohorts?.length) return false;
    if (c.kind === 'sex' && field.kind === 'sex') return c.sex === field.sex;
    return c.kind === 'age' && field.kind === 'age' && c.min === field.min && c.max === field.max;
  });
}

/** "Age ≥ 70 years", "aged 18-75 years", "≥ 65 years old" in a criteria item. */
export function ageIn(folded: string): { min?: number; max?: number } | undefined {
  if (!/\bage[ds]?\b|\byears? (?:old|of age)\b|\by\/o\b/.test(folded)) return undefined;
  // Menopause definitions, contraception and other age mentions are not an age limit.
  if (
    /menopaus|childbearing|amenorrh|contracep|pregnan|pediatric|paediatric|adolescent/.test(folded)
  )
    return undefined;
  if (
    !/^[^.;]{0,40}\bage[ds]?\b|^\W*(?:>=|<=|>|<)?\s*\d{2}\s*(?:years|yrs)|\b(?:aged?|age of)\s*(?:>=|<=|>|<|between|from|at least|over|under|older|younger|\d)/.test(
      folded,
    )
  )
    return undefined;
  const range = /\b(\d{2})\s*(?:-|to|–|and)\s*(\d{2,3})\s*(?:years|yrs|y\b)/.exec(folded);
  if (range && /\bage/.test(folded)) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a < b && b <= 120) return b >= 100 ? { min: a } : { min: a, max: b };
  }
  const ge =
    /(?:>=|≥|at least|older than or equal to|no younger than|greater than or equal to)\s*(\d{2})\s*(?:years|yrs|y\b)?/.exec(
      folded,
    ) ??
    /\b(\d{2})\s*(?:years|yrs)(?: of age)?(?: old)?\s*(?:or older|or above|and older|and above|or more)/.exec(
      folded,
    );
  if (ge) return { min: Number(ge[1]) };
  const gt = /(?:>|older than|over|greater than|more than)\s*(\d{2})\s*(?:years|yrs|y\b)/.exec(
    folded,
  );
  if (gt) return { min: Number(gt[1]) + 1 };
  const le =
    /(?:<=|≤|no older than|at most|less than or equal to|up to)\s*(\d{2,3})\s*(?:years|yrs|y\b)/.exec(
      folded,
    );
  if (le) return { max: Number(le[1]) };
  const lt = /(?:<|younger than|under|less than)\s*(\d{2,3})\s*(?:years|yrs|y\b)/.exec(folded);
  if (lt) return { max: Number(lt[1]) - 1 };
  return undefined;
}

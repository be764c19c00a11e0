/** A structured age or sex field the criteria text already states is not a second reason. */
import { describe, expect, it } from 'vitest';
import { extractFacts } from '#eligibility/extract.ts';
import { makeStudy } from '../../fixtures/eligibility/make-study.ts';

const ages = (text: string, minimumAge: string, maximumAge?: string) =>
  extractFacts(
    makeStudy(`Inclusion Criteria:\n\n* ${text}\n\nExclusion Criteria:\n\n* Pregnancy\n`, {
      minimumAge,
      ...(maximumAge ? { maximumAge } : {}),
    }),
  )
    .criteria.filter((c) => c.kind === 'age')
    .map((c) => c.evidence.quote);

describe('structured age beside the text', () => {
  it('the same bounds in the text and the fields give one criterion, quoting the text', () => {
    expect(ages('Aged 18 to 75 years', '18 Years', '75 Years')).toEqual(['Aged 18 to 75 years']);
  });
  it('different bounds both bind', () => {
    expect(ages('Aged 20 years or older', '18 Years')).toEqual([
      'Aged 20 years or older',
      'Minimum age: 18 Years',
    ]);
  });
  it('without an age in the text, the fields give it', () => {
    expect(ages('Stage IV disease', '18 Years')).toEqual(['Minimum age: 18 Years']);
  });
});

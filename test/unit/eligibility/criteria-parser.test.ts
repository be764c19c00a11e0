import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelPrefix, labelsIn, parseCriteria } from '#eligibility/criteria-parser.ts';
import { FIXTURES_DIR } from '../../support/shared-data.ts';

describe('parseCriteria', () => {
  it('splits inclusion and exclusion sections and unescapes markdown', () => {
    const parsed = parseCriteria(
      'Inclusion Criteria:\n\n* Age \\>= 18 years\n* PD-L1 TPS \\<1%\n\nExclusion Criteria:\n\n* Prior \\*any\\* EGFR TKI\n',
    );
    expect(parsed.items.map((i) => [i.section, i.text])).toEqual([
      ['inclusion', 'Age >= 18 years'],
      ['inclusion', 'PD-L1 TPS <1%'],
      ['exclusion', 'Prior *any* EGFR TKI'],
    ]);
  });

  it('reads "Key Inclusion Criteria" headers, numbered items and joins continuation lines', () => {
    const parsed = parseCriteria(
      'Key Inclusion Criteria\n\n1. Stage IV NSCLC\n2. ECOG 0-1, and\n   adequate organ function\n\nKey Exclusion Criteria\n\n1. Known EGFR mutation',
    );
    expect(parsed.items).toHaveLength(3);
    expect(parsed.items[1]?.text).toBe('ECOG 0-1, and adequate organ function');
    expect(parsed.items[2]?.section).toBe('exclusion');
  });

  it('keeps cohort labels from item prefixes and nested bullets', () => {
    const md = readFileSync(join(FIXTURES_DIR, 'eligibility/cohort-trial.md'), 'utf8');
    const parsed = parseCriteria(md);
    expect(parsed.cohorts).toEqual(['cohort 1', 'cohort 2', 'cohort 3']);
    const ex20 = parsed.items.find((i) => i.text.startsWith('Cohort 1 and 3'));
    expect(ex20?.labels).toEqual(['cohort 1', 'cohort 3']);
    const only = parsed.items.find((i) => i.text.startsWith('Cohort 2 only'));
    expect(only?.labels).toEqual(['cohort 2']);
    expect(only?.section).toBe('exclusion');
    const ecog = parsed.items.find((i) => i.text.startsWith('ECOG'));
    expect(ecog?.labels).toEqual([]);
  });

  it('expands a part to the cohorts nested under it', () => {
    const parsed = parseCriteria(
      'Inclusion Criteria:\n\n* Part 1: cohorts are:\n\n  * Cohort 1: Biliary tract cancer\n  * Cohort 2: Bladder cancer\n* Part 2: cohorts are:\n\n  * Cohort A: HER2 IHC 3+ solid tumours\n\nExclusion Criteria:\n\n* Non-small cell lung cancer for Part 1.\n',
    );
    expect(parsed.cohorts).toEqual(['cohort 1', 'cohort 2', 'cohort a']);
    expect(parsed.expand(['part 1'])).toEqual(['cohort 1', 'cohort 2']);
    expect(parsed.expand(['part 2'])).toEqual(['cohort a']);
  });

  it('treats a section header with a cohort as a heading for its items', () => {
    const parsed = parseCriteria(
      'Inclusion Criteria:\n\n* NSCLC\n\nExclusion Criteria for Participants receiving Pemetrexed (Part B and Safety Lead-In Part B)\n\n* Have predominantly squamous cell histology\n',
    );
    const sq = parsed.items.find((i) => i.text.includes('squamous'));
    expect(sq?.labels).toEqual(['part b']);
    expect(sq?.section).toBe('exclusion');
  });

  it('treats text before any header as inclusion', () => {
    expect(parseCriteria('* Stage IV NSCLC').items[0]?.section).toBe('inclusion');
    expect(parseCriteria(undefined).items).toEqual([]);
  });
});

describe('cohort labels', () => {
  it.each([
    ['Cohort 2: prior TKI', ['cohort 2']],
    ['Part B - Clinical Stage III', ['part b']],
    ['Cohorts 3 and 4: treatment-naive', ['cohort 3', 'cohort 4']],
    ['Cohort 2 only： Presence of', ['cohort 2']],
    ['Cohorts 1 to 3: something', ['cohort 1', 'cohort 2', 'cohort 3']],
    ['Part B and Safety Lead-In Part B: non-squamous', ['part b']],
    ['Part A', ['part a']],
  ])('%s', (text, labels) => {
    expect(labelPrefix(text)?.labels).toEqual(labels);
  });

  it('does not read a stage or an ordinary sentence as a cohort', () => {
    expect(labelPrefix('Stage IV NSCLC')).toBeUndefined();
    expect(labelPrefix('Participants must have measurable disease')).toBeUndefined();
    expect(labelsIn('for Part 1')).toEqual(['part 1']);
  });
});

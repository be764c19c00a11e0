/** "With or without X" widens a criterion; it is never a requirement or an exclusion of X. */
import { describe, expect, it } from 'vitest';
import { parseStudy } from '#ctgov/study-schema.ts';
import { extractFacts } from '#eligibility/extract.ts';

function criteriaOf(inclusion: string) {
  const study = parseStudy({
    protocolSection: {
      identificationModule: { nctId: 'NCT00000001', briefTitle: 'A trial' },
      statusModule: {
        overallStatus: 'RECRUITING',
        lastUpdatePostDateStruct: { date: '2026-01-01' },
      },
      conditionsModule: { conditions: ['Non-small Cell Lung Cancer'] },
      eligibilityModule: {
        eligibilityCriteria: `Inclusion Criteria:\n\n* Non-small cell lung cancer\n* ${inclusion}\n\nExclusion Criteria:\n\n* Pregnancy`,
      },
    },
  });
  return extractFacts(study)
    .criteria.filter((c) => c.evidence.quote === inclusion)
    .map(({ evidence: _e, ...c }) => c);
}

describe('with or without', () => {
  it('a required alteration keeps its requirement when a "with or without" tail follows', () => {
    expect(
      criteriaOf(
        'A test report confirms EGFR 19Del or L858R, with or without other EGFR mutations',
      ),
    ).toEqual([
      {
        kind: 'biomarker',
        effect: 'require',
        anyOf: [
          { gene: 'EGFR', alteration: 'exon19del' },
          { gene: 'EGFR', alteration: 'L858R' },
        ],
      },
    ]);
  });

  it('"with or without EGFR mutations" excludes no one and asks nothing', () => {
    const stage = criteriaOf('Stage IV disease, with or without EGFR mutations');
    expect(stage.some((c) => c.kind === 'biomarker')).toBe(false);
    expect(criteriaOf('Patients with or without EGFR mutations')).toEqual([
      { kind: 'unclassified', effect: 'require' },
    ]);
  });

  it('a plain "without" still excludes', () => {
    expect(criteriaOf('Adenocarcinoma without EGFR mutation')[0]).toMatchObject({
      kind: 'biomarker',
      effect: 'forbid',
    });
  });
});

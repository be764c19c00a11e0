/**
 * The NSCLC scope decision (functions/eligibility/scope.ts): hand-written records (run on a
 * fresh clone), then every shared real record against its manifest class.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy } from '#ctgov/study-schema.ts';
import { parseCriteria } from '#eligibility/criteria-parser.ts';
import { extractFacts } from '#eligibility/extract.ts';
import type { NsclcScope } from '#eligibility/facts.ts';
import { extractScope } from '#eligibility/scope.ts';
import { SCOPE_CASES } from '../../fixtures/eligibility/scope/studies.ts';
import { SHARED_AVAILABLE, SHARED_DIR, SHARED_STUDIES_DIR } from '../../support/shared-data.ts';

describe('scope on hand-written records', () => {
  for (const sc of SCOPE_CASES) {
    it(`${sc.name} → ${sc.expected}`, () => {
      const parsed = parseCriteria(sc.study.protocolSection.eligibilityModule?.eligibilityCriteria);
      const scope = extractScope(sc.study, parsed.items, parsed.expand);
      expect(scope.value).toBe(sc.expected);
      if (sc.expected === 'not_nsclc') expect(scope.evidence?.quote ?? '').not.toBe('');
      if (sc.evidence) expect(scope.evidence?.quote).toContain(sc.evidence);
    });
  }

  it('keeps the per-cohort NSCLC exclusion as a diagnosis criterion of that part', () => {
    const sc = SCOPE_CASES.find((c) => c.name.includes('EXAMPLES.md 6'));
    if (!sc) throw new Error('fixture missing');
    const facts = extractFacts(sc.study);
    expect(facts.scope.value).toBe('basket');
    const forbid = facts.criteria.filter((c) => c.kind === 'diagnosis' && c.effect === 'forbid');
    expect(forbid.map((c) => c.evidence.quote).join(' ')).toContain('for Part 1');
  });
});

/**
 * other_cancer records kept as baskets, each read by hand: its criteria admit NSCLC.
 * A record joining or leaving this list must be read again.
 */
const OTHER_CANCER_BASKETS: Record<string, string> = {
  NCT04482309:
    'HER2-expressing solid tumours; "Patients with NSCLC can be included" (EXAMPLES.md 6)',
  NCT04529122: 'registry of NGS-profiled patients with any type of solid tumour, any stage',
  NCT05419375: 'screening study for several trials; lists stage III NSCLC among the tumours',
  NCT05605119: 'first-in-human: any solid tumour (or lymphoma) without standard options',
  NCT05607199: 'first-in-human: pathological diagnosis of a solid tumour, no standard options',
  NCT05838768: 'tumour-agnostic MSI-high/dMMR solid tumours (colorectal only named as included)',
  NCT05865002: 'relapsed stage IV solid tumours; NSCLC among the keywords',
  NCT05907980: 'phase I: locally advanced or metastatic solid tumour',
};

/** lung records that do not enrol NSCLC, each read by hand. */
const LUNG_NOT_NSCLC: Record<string, string> = {
  NCT05879978: 'SCLC, LCNEC and other neuroendocrine carcinomas only (EXAMPLES.md 7)',
  NCT06646276: 'extensive-stage SCLC only',
};

const NSCLC_RELEVANT: NsclcScope[] = ['nsclc', 'lung', 'basket'];

interface ManifestRow {
  nctId: string;
  class: 'non_cancer' | 'other_cancer' | 'lung';
}

describe.skipIf(!SHARED_AVAILABLE)(
  'scope over the shared real records (needs ../shared ctgov studies + manifest, absent on a fresh clone)',
  () => {
    const manifest = (): ManifestRow[] =>
      JSON.parse(readFileSync(join(SHARED_DIR, 'ctgov/studies-manifest.json'), 'utf8'));
    const scopes = new Map<
      string,
      { cls: ManifestRow['class']; value: NsclcScope; quote: string }
    >();
    const load = () => {
      if (scopes.size > 0) return scopes;
      for (const row of manifest()) {
        const study = parseStudy(
          JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, `${row.nctId}.json`), 'utf8')),
        );
        const facts = extractFacts(study);
        scopes.set(row.nctId, {
          cls: row.class,
          value: facts.scope.value,
          quote: facts.scope.evidence?.quote ?? '',
        });
      }
      return scopes;
    };
    const ofClass = (cls: ManifestRow['class']) =>
      [...load()].filter(([, s]) => s.cls === cls).map(([id, s]) => ({ id, ...s }));

    it('every non_cancer record is not_nsclc, with a quote to show', () => {
      const rows = ofClass('non_cancer');
      expect(rows.length).toBeGreaterThan(1000);
      expect(rows.filter((r) => r.value !== 'not_nsclc').map((r) => `${r.id}:${r.value}`)).toEqual(
        [],
      );
      expect(rows.filter((r) => r.quote === '').map((r) => r.id)).toEqual([]);
    });

    it('every other_cancer record is not_nsclc, except the baskets read by hand', () => {
      const rows = ofClass('other_cancer');
      expect(rows.length).toBeGreaterThan(300);
      const kept = rows.filter((r) => r.value !== 'not_nsclc');
      expect(kept.map((r) => `${r.id}:${r.value}`).sort()).toEqual(
        Object.keys(OTHER_CANCER_BASKETS).map((id) => `${id}:basket`),
      );
      expect(
        rows.filter((r) => r.value === 'not_nsclc' && r.quote === '').map((r) => r.id),
      ).toEqual([]);
    });

    it('lung records: NSCLC-relevant scopes, except SCLC-only trials', () => {
      const rows = ofClass('lung');
      expect(rows.length).toBeGreaterThanOrEqual(100);
      for (const r of rows) {
        if (LUNG_NOT_NSCLC[r.id]) expect(r.value, r.id).toBe('not_nsclc');
        else expect(NSCLC_RELEVANT, `${r.id}: ${r.value}`).toContain(r.value);
      }
      // Most of them are NSCLC-only trials.
      expect(rows.filter((r) => r.value === 'nsclc').length).toBeGreaterThan(85);
    });
  },
);

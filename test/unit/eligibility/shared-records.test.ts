/**
 * The extractor over the real ClinicalTrials.gov records in ../shared: it never throws, every
 * criterion carries a quote, and the trials of EXAMPLES.md yield the facts their quotes imply.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy } from '#ctgov/study-schema.ts';
import { extractFacts } from '#eligibility/extract.ts';
import type { Criterion, CriterionKind, TrialFacts } from '#eligibility/facts.ts';
import { SHARED_AVAILABLE, SHARED_STUDIES_DIR } from '../../support/shared-data.ts';

const load = (id: string): TrialFacts =>
  extractFacts(
    parseStudy(JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, `${id}.json`), 'utf8'))),
  );
const ofKind = <K extends CriterionKind>(f: TrialFacts, kind: K, effect?: 'require' | 'forbid') =>
  f.criteria.filter(
    (c): c is Extract<Criterion, { kind: K }> =>
      c.kind === kind && (effect === undefined || c.effect === effect),
  );
const quoted = (f: TrialFacts, text: string) =>
  f.criteria.filter((c) => c.evidence.quote.includes(text));

describe.skipIf(!SHARED_AVAILABLE)(
  'extractor over the shared real records (needs ../shared, absent on a fresh clone)',
  () => {
    it('never throws, quotes every criterion and keeps cohorts consistent', () => {
      const files = readdirSync(SHARED_STUDIES_DIR).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(1000);
      for (const file of files) {
        const study = parseStudy(JSON.parse(readFileSync(join(SHARED_STUDIES_DIR, file), 'utf8')));
        const facts = extractFacts(study);
        for (const c of facts.criteria) {
          expect(c.evidence.quote.length).toBeGreaterThan(0);
          for (const label of c.cohorts ?? []) expect(facts.cohorts).toContain(label);
        }
      }
    });

    it('NCT06561386: unknown EGFR/ALK/ROS1 status excluded, sensitizing drivers forbidden, PD-L1 ≥ 1%', () => {
      const f = load('NCT06561386');
      expect(f.scope.value).toBe('nsclc');
      expect(ofKind(f, 'biomarker_tested')[0]?.genes).toEqual(['EGFR', 'ALK', 'ROS1']);
      expect(ofKind(f, 'biomarker', 'forbid')[0]?.anyOf).toEqual([
        { gene: 'EGFR', alteration: 'exon19del' },
        { gene: 'EGFR', alteration: 'L858R' },
        { gene: 'ALK' },
        { gene: 'ROS1' },
      ]);
      expect(ofKind(f, 'pdl1')[0]).toMatchObject({ min: 1 });
      expect(ofKind(f, 'brain_metastases').flatMap((c) => c.states)).toContain(
        'untreated_asymptomatic',
      );
    });

    it('NCT06890598: Part A resected stage II-IIIB, Part B unresectable III, known EGFR/ALK excluded', () => {
      const f = load('NCT06890598');
      expect(f.cohorts).toEqual(['part a', 'part b']);
      const stages = ofKind(f, 'stage');
      expect(stages.some((s) => s.cohorts?.join() === 'part a' && s.stages.includes('IIB'))).toBe(
        true,
      );
      expect(
        stages.some(
          (s) =>
            s.cohorts?.join() === 'part b' && s.settings.includes('locally_advanced_unresectable'),
        ),
      ).toBe(true);
      expect(quoted(f, 'known changes in the EGFR or ALK')[0]).toMatchObject({
        kind: 'biomarker',
        effect: 'forbid',
        knownOnly: true,
      });
    });

    it('NCT05286957: EGFR sensitizing / ALK under exclusion', () => {
      const b = quoted(load('NCT05286957'), 'EGFR sensitizing')[0];
      expect(b).toMatchObject({ kind: 'biomarker', effect: 'forbid' });
    });

    it('NCT05463224: requires exon19del|L858R and forbids prior EGFR TKI', () => {
      const f = load('NCT05463224');
      expect(ofKind(f, 'biomarker', 'require')[0]?.anyOf).toEqual([
        { gene: 'EGFR', alteration: 'exon19del' },
        { gene: 'EGFR', alteration: 'L858R' },
      ]);
      expect(ofKind(f, 'prior_therapy', 'forbid')[0]?.anyOf).toEqual([{ class: 'egfr_tki' }]);
    });

    it('NCT02369484: HER2 mutation and prior platinum', () => {
      const f = load('NCT02369484');
      expect(ofKind(f, 'biomarker', 'require')[0]?.anyOf).toContainEqual({
        gene: 'ERBB2',
        alteration: 'mutation',
      });
      expect(ofKind(f, 'biomarker', 'require')[0]?.anyOf).not.toContainEqual({
        gene: 'ERBB2',
        alteration: 'amplification',
      });
      expect(ofKind(f, 'prior_therapy', 'require')[0]?.anyOf).toEqual([
        { class: 'platinum_chemotherapy' },
      ]);
    });

    it('NCT04482309: basket; NSCLC forbidden for Part 1 cohorts only; Cohort A needs HER2 IHC', () => {
      const f = load('NCT04482309');
      expect(f.scope.value).toBe('basket');
      const part1 = ofKind(f, 'diagnosis', 'forbid').find(
        (c) => c.evidence.section === 'exclusion',
      );
      expect(part1?.cohorts).toContain('cohort 1');
      expect(part1?.cohorts).not.toContain('cohort a');
      expect(ofKind(f, 'diagnosis', 'forbid').some((c) => c.cohorts?.includes('cohort a'))).toBe(
        false,
      );
      const a = ofKind(f, 'biomarker', 'require').find((c) => c.cohorts?.join() === 'cohort a');
      expect(a?.anyOf).toEqual([{ gene: 'ERBB2', alteration: 'overexpression' }]);
    });

    it('NCT05879978: SCLC / neuroendocrine only → not_nsclc', () => {
      expect(load('NCT05879978').scope.value).toBe('not_nsclc');
    });

    it('NCT06119581: PD-L1 ≥ 50% for Part A, non-squamous for Part B', () => {
      const f = load('NCT06119581');
      expect(ofKind(f, 'pdl1').find((c) => c.cohorts?.join() === 'part a')).toMatchObject({
        min: 50,
      });
      expect(ofKind(f, 'histology', 'require')[0]).toMatchObject({ cohorts: ['part b'] });
      expect(ofKind(f, 'biomarker_tested')[0]?.genes).toContain('PD-L1');
    });

    it('NCT05994131: Cohort 2 needs a 3rd-gen EGFR TKI; Cohort 3 forbids EGFR TKI; Cohort 2 excludes MET amplification', () => {
      const f = load('NCT05994131');
      const req = ofKind(f, 'prior_therapy', 'require').find((c) =>
        c.anyOf.some((r) => r.class === 'egfr_tki_3rd_gen'),
      );
      expect(req).toMatchObject({ cohorts: ['cohort 2'], progressed: true });
      expect(
        ofKind(f, 'prior_therapy', 'forbid').find((c) =>
          c.anyOf.some((r) => r.class === 'egfr_tki'),
        )?.cohorts,
      ).toEqual(['cohort 3']);
      const met = ofKind(f, 'biomarker', 'forbid').find((c) => c.cohorts?.join() === 'cohort 2');
      expect(met?.anyOf).toContainEqual({ gene: 'MET', alteration: 'amplification' });
      expect(
        ofKind(f, 'prior_therapy', 'forbid').some(
          (c) =>
            c.cohorts?.join() === 'cohort 2' && c.anyOf.some((r) => r.class === 'egfr_tki_3rd_gen'),
        ),
      ).toBe(false);
    });

    it('NCT07134413: progression on anti-PD-(L)1, TPS < 1%, at most one prior line', () => {
      const f = load('NCT07134413');
      expect(ofKind(f, 'prior_therapy', 'require')[0]).toMatchObject({
        anyOf: [{ class: 'anti_pd1_pdl1' }],
        progressed: true,
      });
      expect(ofKind(f, 'pdl1')[0]).toMatchObject({ max: 1, maxExclusive: true });
      expect(ofKind(f, 'prior_lines')[0]).toMatchObject({ max: 1 });
    });

    it('NCT05984277: symptomatic brain metastases excluded only; driver absence required', () => {
      const f = load('NCT05984277');
      expect(ofKind(f, 'brain_metastases')[0]).toMatchObject({
        effect: 'forbid',
        states: ['active'],
      });
      expect(quoted(f, 'Absence of sensitizing EGFR')[0]).toMatchObject({
        kind: 'biomarker',
        effect: 'forbid',
      });
    });

    it('NCT02175381: age ≥ 70, blanket CNS exclusion, no prior chemotherapy', () => {
      const f = load('NCT02175381');
      expect(ofKind(f, 'age').some((c) => c.min === 70)).toBe(true);
      expect(ofKind(f, 'brain_metastases')[0]?.states).toContain('treated_stable');
      expect(ofKind(f, 'prior_therapy')[0]).toMatchObject({
        effect: 'forbid',
        anyOf: [{ class: 'chemotherapy' }],
      });
    });

    it('NCT06875310: advanced setting, KRAS G12C inhibitor forbidden in any setting', () => {
      const f = load('NCT06875310');
      expect(ofKind(f, 'stage')[0]?.settings).toEqual(['advanced']);
      expect(ofKind(f, 'prior_therapy', 'forbid')[0]).toMatchObject({
        anyOf: [{ class: 'kras_g12c_inhibitor' }],
        settings: 'any',
      });
      expect(ofKind(f, 'biomarker', 'forbid')).toEqual([]);
      expect(f.targets).toContainEqual({ gene: 'KRAS', alteration: 'G12C' });
    });

    it('NCT03318939: Cohort 7 takes EGFR/HER2 activating mutations after prior therapy; Cohorts 3/4 treatment-naive', () => {
      const f = load('NCT03318939');
      const c7 = ofKind(f, 'biomarker', 'require').find((c) => c.cohorts?.join() === 'cohort 7');
      expect(c7?.anyOf).toContainEqual({ gene: 'EGFR', alteration: 'L858R' });
      expect(ofKind(f, 'treatment_naive')[0]?.cohorts).toEqual(['cohort 3', 'cohort 4']);
      expect(ofKind(f, 'biomarker', 'forbid')).toEqual([]);
      expect(ofKind(f, 'prior_therapy', 'forbid').flatMap((c) => c.anyOf)).toEqual([
        { drug: 'poziotinib' },
      ]);
    });
  },
);

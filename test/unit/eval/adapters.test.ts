import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { decidingReason, requestBody, toEntry } from '../../../eval/adapters.ts';
import { PROJECT_ROOT } from '../../support/shared-data.ts';

const facts: TrialFacts = {
  extractorVersion: 't',
  scope: { value: 'nsclc' },
  cohorts: [],
  criteria: [],
  targets: [],
};

const study = parseStudy({
  protocolSection: {
    identificationModule: { nctId: 'NCT00000002', briefTitle: 'A synthetic trial' },
    statusModule: { overallStatus: 'RECRUITING', lastUpdatePostDateStruct: { date: '2025-01-02' } },
    designModule: { phases: ['PHASE2'] },
    eligibilityModule: { minimumAge: '18 Years', maximumAge: '75 Years', sex: 'FEMALE' },
    contactsLocationsModule: {
      locations: [
        {
          facility: 'Open site',
          city: 'Boston',
          status: 'RECRUITING',
          geoPoint: { lat: 42.3, lon: -71.1 },
        },
        { facility: 'Closed site', city: 'Lyon', status: 'COMPLETED' },
        { facility: 'Site without status', city: 'Oslo' },
      ],
    },
  },
});

describe('toEntry', () => {
  it('keeps what the matcher needs and only sites that can take a referral', () => {
    const e = toEntry(study, facts);
    expect(e).toMatchObject({
      nctId: 'NCT00000002',
      title: 'A synthetic trial',
      overallStatus: 'RECRUITING',
      phases: ['PHASE2'],
      minimumAge: '18 Years',
      maximumAge: '75 Years',
      sex: 'FEMALE',
      lastUpdatePostDate: '2025-01-02',
      facts,
    });
    // The site without its own status inherits the study's RECRUITING status.
    expect(e.sites.map((s) => s.facility)).toEqual(['Open site', 'Site without status']);
    expect(e.sites[0]).toMatchObject({ lat: 42.3, lon: -71.1 });
  });
});

describe('requestBody', () => {
  it('asks for every status and for excluded trials, without touching the profile', () => {
    const profile = { diagnosis: { cancer: 'nsclc' as const, stage: 'IVA' as const }, ecog: 1 };
    const body = requestBody(profile);
    expect(body.options).toEqual({ includeExcluded: true, limit: 1000 });
    expect(body.filters.statuses).toContain('COMPLETED');
    expect(body.filters.statuses).toContain('WITHDRAWN');
    expect(body).toMatchObject(profile);
  });
});

describe('decidingReason', () => {
  const reasons = [
    { status: 'met', quote: 'ECOG 0-1', criterion: { label: 'ECOG ≤ 1' } },
    { status: 'unknown', quote: 'PD-L1 ≥ 50%', criterion: { label: 'PD-L1 ≥ 50' } },
    { status: 'not_met', quote: 'Stage IV   NSCLC', criterion: { label: 'Stage IV' } },
  ];
  it('names the conflict for excluded and the unknown for possible', () => {
    expect(decidingReason('excluded', reasons)).toBe('Stage IV [not_met]: "Stage IV NSCLC"');
    expect(decidingReason('possible', reasons)).toBe('PD-L1 ≥ 50 [unknown]: "PD-L1 ≥ 50%"');
    expect(decidingReason('eligible', reasons)).toBe('(all met)');
    expect(decidingReason('excluded', undefined)).toBe('(no reasons)');
  });
});

describe('npm run eval without the shared records', () => {
  it('says why it measured nothing and exits 0', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(PROJECT_ROOT, 'eval/run.ts')],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, SHARED_DIR: resolve(PROJECT_ROOT, 'no-such-dir') },
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/labelled trials/);
    expect(r.stdout).toMatch(/skipped: the real records are not at .*no-such-dir/);
  });
});

/** The request contract: validation (400 by path, 422 out of scope), normalisation, echo, JSON Schema. */

import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { matchRequestSchema, PROFILE_EXAMPLE, parseMatchRequest } from '#matching/profile.ts';
import { matchResponseSchema } from '#matching/response-schema.ts';

const ok = (body: unknown) => {
  const r = parseMatchRequest(body);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};
const fail = (body: unknown) => {
  const r = parseMatchRequest(body);
  if (r.ok) throw new Error('expected a failure');
  return r;
};

const FULL = PROFILE_EXAMPLE;

describe('valid requests', () => {
  it('accepts the PROFILE.md example and fills defaults', () => {
    const r = ok(FULL);
    expect(r.request.options).toEqual({ includeExcluded: false, limit: 50 });
    expect(r.request.filters.statuses).toEqual(['RECRUITING', 'NOT_YET_RECRUITING']);
    expect(r.request.location?.lat).toBeCloseTo(42.34, 1);
    expect(r.understood.priorTherapies?.[0]?.classes).toEqual(['egfr_tki', 'egfr_tki_3rd_gen']);
  });
  it('only the diagnosis is required; default statuses apply', () => {
    const r = ok({ diagnosis: { cancer: 'nsclc' } });
    expect(r.request.profile).toEqual({ diagnosis: { cancer: 'nsclc' } });
    expect(r.request.filters.statuses).toEqual([
      'RECRUITING',
      'NOT_YET_RECRUITING',
      'ENROLLING_BY_INVITATION',
    ]);
  });
  it('normalises synonyms and says so', () => {
    const r = ok({
      diagnosis: { cancer: 'NSCLC', histology: 'non_squamous' },
      biomarkers: [
        { gene: 'HER2', alteration: 'mutation' },
        { gene: 'EGFR', alteration: 'Ex19del' },
        { gene: 'ALK', alteration: 'EML4-ALK' },
        { gene: 'MET', alteration: 'METex14' },
      ],
      priorTherapies: [
        { drug: 'Tagrisso' },
        { drug: 'AZD9291' },
        { class: 'platinum_chemotherapy' },
      ],
    });
    expect(r.understood.biomarkers).toEqual([
      { gene: 'ERBB2', alteration: 'mutation', status: 'positive' },
      { gene: 'EGFR', alteration: 'exon19del', status: 'positive' },
      { gene: 'ALK', alteration: 'fusion', status: 'positive' },
      { gene: 'MET', alteration: 'exon14_skipping', status: 'positive' },
    ]);
    expect(r.understood.priorTherapies?.map((t) => t.drug ?? t.class)).toEqual([
      'osimertinib',
      'osimertinib',
      'platinum_chemotherapy',
    ]);
    expect(r.understood.diagnosis.histology).toBe('non_squamous');
    const notes = r.understood.notes.map((n) => `${n.path}: ${n.message}`).join('\n');
    expect(notes).toContain("'HER2' understood as ERBB2");
    expect(notes).toContain("'Tagrisso' understood as osimertinib");
    expect(notes).toContain('non_squamous understood as adenocarcinoma, large cell or NSCLC NOS');
  });
  it('an ALK-positive result without alteration is the ALK fusion (its only code)', () => {
    const r = ok({
      diagnosis: { cancer: 'nsclc' },
      biomarkers: [{ gene: 'ALK', status: 'positive' }],
    });
    expect(r.understood.biomarkers?.[0]).toEqual({
      gene: 'ALK',
      alteration: 'fusion',
      status: 'positive',
    });
  });
  it('an unknown drug is accepted, marked unrecognised and noted', () => {
    const r = ok({
      diagnosis: { cancer: 'nsclc' },
      priorTherapies: [{ drug: 'XYZ-1234', line: 1 }],
    });
    expect(r.understood.priorTherapies?.[0]).toMatchObject({
      drug: 'XYZ-1234',
      recognised: false,
      classes: [],
    });
    expect(r.understood.notes[0]?.path).toBe('priorTherapies.0.drug');
  });
  it('lat/lon locations pass through', () => {
    const r = ok({
      diagnosis: { cancer: 'nsclc' },
      location: { lat: 40.7, lon: -74, maxDistanceKm: 50 },
    });
    expect(r.request.location).toEqual({ lat: 40.7, lon: -74, maxDistanceKm: 50 });
  });
});

describe('bad requests: 400 naming every problem by path', () => {
  it.each([
    ['not an object', 'hello', ''],
    ['missing diagnosis', {}, 'diagnosis'],
    ['unknown top-level key', { diagnosis: { cancer: 'nsclc' }, weight: 80 }, 'weight'],
    ['unknown nested key', { diagnosis: { cancer: 'nsclc', grade: 2 } }, 'diagnosis.grade'],
    ['bad stage', { diagnosis: { cancer: 'nsclc', stage: 'V' } }, 'diagnosis.stage'],
    [
      'unknown gene',
      { diagnosis: { cancer: 'nsclc' }, biomarkers: [{ gene: 'FOO1' }] },
      'biomarkers.0.gene',
    ],
    [
      'alteration of another gene',
      { diagnosis: { cancer: 'nsclc' }, biomarkers: [{ gene: 'ALK', alteration: 'V600E' }] },
      'biomarkers.0.alteration',
    ],
    [
      'tps out of range',
      { diagnosis: { cancer: 'nsclc' }, biomarkers: [{ gene: 'PD-L1', tps: 120 }] },
      'biomarkers.0.tps',
    ],
    [
      'tps on a gene',
      { diagnosis: { cancer: 'nsclc' }, biomarkers: [{ gene: 'EGFR', tps: 5 }] },
      'biomarkers.0.tps',
    ],
    [
      'drug and class',
      { diagnosis: { cancer: 'nsclc' }, priorTherapies: [{ drug: 'x', class: 'taxane' }] },
      'priorTherapies.0',
    ],
    [
      'unknown class',
      { diagnosis: { cancer: 'nsclc' }, priorTherapies: [{ class: 'magic' }] },
      'priorTherapies.0.class',
    ],
    [
      'line 0',
      { diagnosis: { cancer: 'nsclc' }, priorTherapies: [{ drug: 'x', line: 0 }] },
      'priorTherapies.0.line',
    ],
    ['ecog 5', { diagnosis: { cancer: 'nsclc' }, ecog: 5 }, 'ecog'],
    ['fractional age', { diagnosis: { cancer: 'nsclc' }, age: 58.5 }, 'age'],
    [
      'bad status filter',
      { diagnosis: { cancer: 'nsclc' }, filters: { statuses: ['OPEN'] } },
      'filters.statuses.0',
    ],
    [
      'limit over 1000',
      { diagnosis: { cancer: 'nsclc' }, options: { limit: 1001 } },
      'options.limit',
    ],
    ['lat without lon', { diagnosis: { cancer: 'nsclc' }, location: { lat: 1 } }, 'location.lon'],
    [
      'postal code without country',
      { diagnosis: { cancer: 'nsclc' }, location: { postalCode: '02115' } },
      'location.country',
    ],
    [
      'unknown ZIP',
      { diagnosis: { cancer: 'nsclc' }, location: { postalCode: '00000', country: 'US' } },
      'location.postalCode',
    ],
    [
      'non-US postal code',
      { diagnosis: { cancer: 'nsclc' }, location: { postalCode: 'SW1A 1AA', country: 'GB' } },
      'location.country',
    ],
    [
      'contradictory biomarkers',
      {
        diagnosis: { cancer: 'nsclc' },
        biomarkers: [
          { gene: 'EGFR', status: 'negative' },
          { gene: 'EGFR', alteration: 'L858R' },
        ],
      },
      'biomarkers.1',
    ],
    [
      'too many biomarkers',
      {
        diagnosis: { cancer: 'nsclc' },
        biomarkers: Array.from({ length: 51 }, () => ({ gene: 'TP53' })),
      },
      'biomarkers',
    ],
  ])('%s → 400 at "%s"', (_name, body, path) => {
    const r = fail(body);
    expect(r.status).toBe(400);
    expect(r.errors.map((e) => e.path)).toContain(path);
  });
  it('reports every problem at once', () => {
    const r = fail({
      diagnosis: { cancer: 'nsclc', grade: 1 },
      ecog: 9,
      biomarkers: [{ gene: 'FOO1' }],
      x: 1,
    });
    expect(r.errors.map((e) => e.path).sort()).toEqual([
      'biomarkers.0.gene',
      'diagnosis.grade',
      'ecog',
      'x',
    ]);
  });
});

describe('out of scope: 422', () => {
  it.each(['sclc', 'mesothelioma', 'breast'])('%s is refused, saying why', (cancer) => {
    const r = fail({ diagnosis: { cancer } });
    expect(r.status).toBe(422);
    expect(r.errors[0]?.path).toBe('diagnosis.cancer');
    expect(r.errors[0]?.message).toContain('non-small cell lung cancer');
  });
});

describe('JSON Schema for the OpenAPI document', () => {
  it('the request and response schemas convert, with descriptions and examples', () => {
    const req = z.toJSONSchema(matchRequestSchema, { io: 'input' }) as Record<string, unknown>;
    expect(req.required).toEqual(['diagnosis']);
    expect(req.additionalProperties).toBe(false);
    expect(JSON.stringify(req)).toContain('tumour proportion score');
    expect(Array.isArray(req.examples)).toBe(true);
    const res = z.toJSONSchema(matchResponseSchema) as { properties: Record<string, unknown> };
    expect(Object.keys(res.properties)).toEqual([
      'results',
      'total',
      'profile',
      'dataSyncedAt',
      'generatedAt',
    ]);
  });
});

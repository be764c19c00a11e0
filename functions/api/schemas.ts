/**
 * zod schemas of the responses this room shapes (health, trial detail, errors). They feed
 * the OpenAPI document and the handler tests, so the document cannot drift from the code.
 */
import * as z from 'zod';
import { OVERALL_STATUSES } from '#vocabulary/codes.ts';

const isoTime = z.string().describe('ISO 8601 time');

export const dataSyncedAtSchema = isoTime
  .nullable()
  .describe(
    'When the data was last synced from ClinicalTrials.gov (null: never). Also in the x-data-synced-at header.',
  );

export const errorResponseSchema = z
  .object({
    error: z.object({
      status: z.number().int().describe('The HTTP status, repeated'),
      code: z
        .string()
        .describe(
          'Stable machine-readable code: invalid_json, missing_body, invalid_profile, out_of_scope, body_too_large, unsupported_media_type, invalid_nct_id, not_found, trial_not_found, method_not_allowed, unavailable, internal_error',
        ),
      message: z.string().describe('What was wrong, for a human'),
      details: z
        .array(
          z.object({
            path: z.string().describe('Dotted path in the body, e.g. biomarkers.0.gene'),
            message: z.string(),
          }),
        )
        .optional()
        .describe('Every problem, by path (validation errors)'),
    }),
    dataSyncedAt: dataSyncedAtSchema,
  })
  .describe('Every 4xx/5xx response has this shape');

export const healthResponseSchema = z.object({
  status: z
    .enum(['ok', 'stale', 'empty', 'unavailable'])
    .describe(
      'ok: index loaded and data synced recently; stale: last sync older than the freshness window; empty: never synced; unavailable: the store cannot be read',
    ),
  lastSuccessAt: isoTime.nullable().describe('When the last sync completed'),
  dataTimestamp: z
    .string()
    .nullable()
    .describe("ClinicalTrials.gov's data timestamp at the last sync"),
  trialCount: z
    .number()
    .int()
    .nullable()
    .describe('Studies stored (from the sync state; else the index size)'),
  syncRunning: z.boolean().describe('A sync run is open (cursor set or running flag)'),
  lastSyncErrorAt: isoTime.nullable().describe('When the last sync error happened, if any'),
  index: z
    .object({
      loaded: z.boolean(),
      version: z.string().nullable(),
      loadedAt: isoTime.nullable(),
      ageSeconds: z.number().nullable(),
      trials: z.number().int().nullable().describe("Trials in this container's in-memory index"),
      source: z
        .enum(['snapshot', 'active'])
        .nullable()
        .describe(
          'snapshot: the index core the sync published; active: every active study read whole (no current snapshot)',
        ),
      loadMs: z.number().nullable().describe('How long reading and building the index took'),
      currentVersion: z.string().nullable().describe('indexVersion in the sync state now'),
    })
    .describe('The in-memory match index of the container that answered'),
  dataSyncedAt: dataSyncedAtSchema,
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

const evidenceSchema = z.object({
  quote: z.string().describe("The trial's own words"),
  section: z.enum(['inclusion', 'exclusion']),
  heading: z.string().optional().describe('Cohort/part heading as written'),
});

const criterionSchema = z
  .looseObject({
    kind: z
      .string()
      .describe('diagnosis, histology, stage, biomarker, pdl1, prior_therapy, … or unclassified'),
    effect: z.enum(['require', 'forbid']),
    evidence: evidenceSchema,
    cohorts: z.array(z.string()).optional(),
  })
  .describe(
    'One extracted criterion; kind-specific fields (stages, anyOf, min, max, …) follow TrialFacts',
  );

export const trialFactsSchema = z.object({
  extractorVersion: z.string(),
  scope: z.object({
    value: z.enum(['nsclc', 'lung', 'basket', 'not_nsclc', 'unknown']),
    evidence: evidenceSchema.optional(),
  }),
  cohorts: z.array(z.string()),
  criteria: z.array(criterionSchema),
  targets: z.array(z.object({ gene: z.string(), alteration: z.string().optional() })),
});

export const trialSiteSchema = z.object({
  facility: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  zip: z.string().nullable(),
  country: z.string().nullable(),
  status: z.string().nullable().describe("The site's own recruitment status"),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  contacts: z.array(
    z.object({
      name: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
    }),
  ),
});

export const trialDetailResponseSchema = z.object({
  nctId: z.string().regex(/^NCT\d{8}$/),
  url: z.string().describe('The study on ClinicalTrials.gov'),
  title: z.string(),
  officialTitle: z.string().nullable(),
  acronym: z.string().nullable(),
  status: z.enum(OVERALL_STATUSES).or(z.string()).describe('ClinicalTrials.gov overallStatus'),
  phases: z.array(z.string()),
  studyType: z.string().nullable(),
  conditions: z.array(z.string()),
  sponsor: z.string().nullable(),
  briefSummary: z.string().nullable(),
  lastUpdatePostDate: z.string(),
  eligibility: z.object({
    criteria: z.string().nullable().describe('The eligibility criteria text as published'),
    minimumAge: z.string().nullable(),
    maximumAge: z.string().nullable(),
    sex: z.string().nullable(),
    healthyVolunteers: z.boolean().nullable(),
  }),
  sites: z.array(trialSiteSchema),
  centralContacts: z.array(
    z.object({
      name: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
    }),
  ),
  facts: trialFactsSchema.describe('Eligibility facts extracted at ingest, each with its quote'),
  stale: z.boolean().describe('No longer returned by the NSCLC query (kept, not matched)'),
  syncedAt: isoTime.describe('When this study was last written by the sync'),
  dataSyncedAt: dataSyncedAtSchema,
});
export type TrialDetailResponse = z.infer<typeof trialDetailResponseSchema>;

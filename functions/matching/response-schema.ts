/**
 * The zod schema of the `POST /v1/match` response, for the public OpenAPI document
 * (`z.toJSONSchema`). It describes what `matchTrials` returns; a type-level check at the
 * bottom keeps the two from drifting apart.
 */
import * as z from 'zod';
import {
  BRAIN_METASTASES,
  GENES,
  HISTOLOGIES,
  PHASES,
  SEXES,
  STAGES,
  THERAPY_CLASSES,
  THERAPY_SETTINGS,
} from '#vocabulary/codes.ts';
import type { MatchResponse } from './match.ts';

const verdict = z
  .enum(['eligible', 'possible', 'excluded'])
  .describe(
    'eligible: every criterion a profile can speak to is met; possible: nothing conflicts but something depends on what the profile leaves unknown; excluded: something stated conflicts.',
  );

const reason = z
  .object({
    criterion: z.object({
      kind: z.string().describe('Criterion kind (stage, biomarker, prior_therapy, …; scope).'),
      label: z.string().describe('The criterion in words, from the patient’s side.'),
    }),
    status: z
      .enum(['met', 'not_met', 'unknown'])
      .describe('Whether the patient satisfies the criterion as the trial means it.'),
    effect: z
      .enum(['require', 'forbid'])
      .describe('require: the patient must have it; forbid: having it excludes.'),
    quote: z.string().describe('The trial’s own words.'),
    section: z.enum(['inclusion', 'exclusion']),
    cohort: z.string().optional().describe('The cohort this criterion belongs to.'),
    needs: z.string().optional().describe('For unknowns: what the profile would need to state.'),
  })
  .describe('One criterion of the trial and how the profile meets it.');

const discussItem = z
  .object({
    quote: z.string(),
    section: z.enum(['inclusion', 'exclusion']),
    cohort: z.string().optional(),
  })
  .describe('A criterion no profile can decide (labs, organ function, consent…).');

const contact = z.object({
  name: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});

const nearestSite = z
  .object({
    facility: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    country: z.string().optional(),
    zip: z.string().optional(),
    status: z.string().optional(),
    distanceKm: z.number().describe('Great-circle distance from the patient, km.'),
    contact: contact.optional(),
  })
  .describe('The nearest site that is itself recruiting.');

export const matchResultSchema = z.object({
  nctId: z.string().meta({ example: 'NCT05463224' }),
  title: z.string(),
  url: z.string().describe('The study on ClinicalTrials.gov.'),
  status: z.string().describe('ClinicalTrials.gov overallStatus.'),
  phases: z.array(z.string()),
  lastUpdatePostDate: z.string(),
  verdict,
  cohort: z
    .string()
    .optional()
    .describe('The cohort the verdict is for, when the trial has cohorts.'),
  targetsPatientDriver: z
    .boolean()
    .describe('The trial is built for one of the patient’s positive driver alterations.'),
  treatmentStudy: z
    .boolean()
    .describe(
      'False for a study that tests no treatment (observational registries and cohorts; supportive care, diagnostic, screening or prevention studies): ranked after treatment trials of the same verdict.',
    ),
  reasons: z.array(reason).describe('Criteria with their status and quote; conflicts first.'),
  unknowns: z
    .array(z.string())
    .describe('What the profile would need to state to settle the rest.'),
  toDiscuss: z.array(discussItem).describe('To discuss with your doctor.'),
  cohorts: z
    .array(z.object({ cohort: z.string(), verdict, notMet: z.array(z.string()) }))
    .optional()
    .describe('Each cohort’s verdict, when the trial has several.'),
  nearestSite: nearestSite
    .nullable()
    .describe('null without a location or a site with coordinates.'),
  recruitingSiteCount: z.number().int(),
});

const understood = z
  .object({
    diagnosis: z.object({
      cancer: z.literal('nsclc'),
      histology: z.enum([...HISTOLOGIES, 'non_squamous']).optional(),
      stage: z.enum(STAGES).optional(),
      recurrent: z.boolean().optional(),
      resected: z.boolean().optional(),
    }),
    biomarkers: z
      .array(
        z.object({
          gene: z.enum(GENES),
          alteration: z.string().optional(),
          status: z.enum(['positive', 'negative']),
          tps: z.number().optional(),
          value: z.number().optional(),
        }),
      )
      .optional(),
    priorTherapies: z
      .array(
        z.object({
          drug: z.string().optional(),
          class: z.enum(THERAPY_CLASSES).optional(),
          classes: z.array(z.enum(THERAPY_CLASSES)).describe('Every class the drug implies.'),
          recognised: z.boolean().describe('false for a drug name the lexicon does not know.'),
          setting: z.enum(THERAPY_SETTINGS).optional(),
          progressed: z.boolean().optional(),
          line: z.number().int().optional(),
        }),
      )
      .optional(),
    brainMetastases: z.enum(BRAIN_METASTASES).optional(),
    ecog: z.number().int().optional(),
    age: z.number().int().optional(),
    sex: z.enum(SEXES).optional(),
    location: z
      .object({
        lat: z.number(),
        lon: z.number(),
        postalCode: z.string().optional(),
        country: z.string().optional(),
        maxDistanceKm: z.number().optional(),
      })
      .optional(),
    filters: z.object({
      statuses: z.array(z.string()),
      phases: z.array(z.enum(PHASES)).optional(),
    }),
    options: z.object({ includeExcluded: z.boolean(), limit: z.number().int() }),
    notes: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .describe(
        'Each normalisation made (HER2 → ERBB2, Tagrisso → osimertinib) and each name not recognised.',
      ),
  })
  .describe('The profile as the matcher understood it, in the product’s codes.');

export const matchResponseSchema = z
  .object({
    results: z.array(matchResultSchema).describe('Best first.'),
    total: z
      .object({
        eligible: z.number().int(),
        possible: z.number().int(),
        excluded: z.number().int(),
      })
      .describe(
        'Trials passing the filters, by verdict (excluded counted even when not returned).',
      ),
    profile: understood,
    dataSyncedAt: z.string().nullable().describe('When the trial data was last synced.'),
    generatedAt: z.string(),
  })
  .describe('Trials for the profile, ranked, with reasons.');

export type MatchResponseFromSchema = z.infer<typeof matchResponseSchema>;

// Drift check: every MatchResponse must satisfy the schema's type.
type Assignable<T extends MatchResponseFromSchema> = T;
export type _ResponseMatchesSchema = Assignable<MatchResponse>;

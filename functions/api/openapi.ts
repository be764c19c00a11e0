/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas that
 * validate requests and describe responses (zod 4 `z.toJSONSchema`), so it cannot drift.
 * Built once per container on first request; its content depends only on the code.
 */
import * as z from 'zod';
import {
  dataSyncedAtSchema,
  errorResponseSchema,
  healthResponseSchema,
  trialDetailResponseSchema,
} from './schemas.ts';

export interface OpenApiInputs {
  matchRequest: z.ZodType;
  matchResponse: z.ZodType;
  version: string;
}

type JsonObject = Record<string, unknown>;

function componentSchemas(
  entries: [string, z.ZodType][],
  io: 'input' | 'output',
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const syncedHeader = {
  'x-data-synced-at': {
    description:
      'When the data was last synced from ClinicalTrials.gov (ISO 8601), `never`, or `unknown`',
    schema: { type: 'string' },
  },
};

const jsonBody = (description: string, schemaId: string) => ({
  description,
  headers: syncedHeader,
  content: { 'application/json': { schema: ref(schemaId) } },
});

const problem = (description: string) => jsonBody(description, 'ErrorResponse');

export function buildOpenApiDocument(inputs: OpenApiInputs): JsonObject {
  const schemas = {
    ...componentSchemas([['MatchRequest', inputs.matchRequest]], 'input'),
    ...componentSchemas(
      [
        ['MatchResponse', inputs.matchResponse],
        ['TrialDetail', trialDetailResponseSchema],
        ['Health', healthResponseSchema],
        ['ErrorResponse', errorResponseSchema],
        ['DataSyncedAt', dataSyncedAtSchema],
      ],
      'output',
    ),
  };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'NSCLC trial matcher',
      version: inputs.version,
      summary:
        'Clinical trials for non-small cell lung cancer, matched to a patient profile, with reasons quoted from each trial.',
      description:
        'Every field of the profile except `diagnosis` is optional; a field left out is unknown, never false, and unknown facts make a trial `possible`, never `excluded`. Every response states when the data was last synced (`dataSyncedAt` in JSON bodies, `x-data-synced-at` header). Data: ClinicalTrials.gov. Not medical advice.',
    },
    paths: {
      '/v1/match': {
        post: {
          operationId: 'matchTrials',
          summary:
            'Trials for a patient profile, best first, each with a verdict, reasons, unknowns and the nearest recruiting site',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('MatchRequest') } },
          },
          responses: {
            '200': jsonBody('Matched trials, best first', 'MatchResponse'),
            '400': problem(
              'The body is not valid JSON, or the profile has problems (every one listed by path)',
            ),
            '413': problem('The body is larger than the limit'),
            '415': problem('The body is not application/json'),
            '422': problem("The cancer is outside the service's scope (only NSCLC is covered)"),
            '503': problem('The trial data cannot be loaded right now'),
          },
        },
      },
      '/v1/trials/{nctId}': {
        get: {
          operationId: 'getTrial',
          summary:
            'One study: summary, sites, eligibility text and the facts extracted from it, with quotes',
          parameters: [
            {
              name: 'nctId',
              in: 'path',
              required: true,
              description: 'ClinicalTrials.gov identifier, NCT followed by 8 digits',
              schema: { type: 'string', pattern: '^[Nn][Cc][Tt]\\d{8}$' },
            },
          ],
          responses: {
            '200': jsonBody('The study', 'TrialDetail'),
            '400': problem('The id is not an NCT id'),
            '404': problem('No such study in the data'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: {
            '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } },
          },
        },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          summary:
            'Freshness of the data: last sync, data timestamp, trial count, sync running, index version and age',
          responses: {
            '200': jsonBody('Healthy, stale or empty (see status)', 'Health'),
            '503': jsonBody('The store cannot be read', 'Health'),
          },
        },
      },
    },
    components: {
      schemas,
      responses: {
        NotFound: problem('No such route'),
        MethodNotAllowed: problem('The route exists with other methods (see the Allow header)'),
      },
    },
  };
}

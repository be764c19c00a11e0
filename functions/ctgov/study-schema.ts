/**
 * The zod schema of the parts of a ClinicalTrials.gov v2 study that this product uses.
 * Unknown fields pass through untouched (the API adds fields in minor releases); a field we
 * use that changes type fails loudly, naming the NCT id and the path (see parseStudy).
 */
import * as z from 'zod';

const geoPoint = z.looseObject({ lat: z.number(), lon: z.number() });

const contact = z.looseObject({
  name: z.string().optional(),
  role: z.string().optional(),
  phone: z.string().optional(),
  phoneExt: z.string().optional(),
  email: z.string().optional(),
});

export const locationSchema = z.looseObject({
  facility: z.string().optional(),
  status: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  zip: z.string().optional(),
  country: z.string().optional(),
  contacts: z.array(contact).optional(),
  geoPoint: geoPoint.optional(),
});

const dateStruct = z.looseObject({ date: z.string(), type: z.string().optional() });

export const studySchema = z.looseObject({
  protocolSection: z.looseObject({
    identificationModule: z.looseObject({
      nctId: z.string().regex(/^NCT\d{8}$/),
      briefTitle: z.string().optional(),
      officialTitle: z.string().optional(),
      acronym: z.string().optional(),
    }),
    statusModule: z.looseObject({
      overallStatus: z.string(),
      statusVerifiedDate: z.string().optional(),
      lastUpdateSubmitDate: z.string().optional(),
      lastUpdatePostDateStruct: dateStruct,
      startDateStruct: dateStruct.optional(),
      primaryCompletionDateStruct: dateStruct.optional(),
    }),
    sponsorCollaboratorsModule: z
      .looseObject({ leadSponsor: z.looseObject({ name: z.string().optional() }).optional() })
      .optional(),
    descriptionModule: z.looseObject({ briefSummary: z.string().optional() }).optional(),
    conditionsModule: z
      .looseObject({
        conditions: z.array(z.string()).optional(),
        keywords: z.array(z.string()).optional(),
      })
      .optional(),
    designModule: z
      .looseObject({
        studyType: z.string().optional(),
        phases: z.array(z.string()).optional(),
        designInfo: z.looseObject({ primaryPurpose: z.string().optional() }).optional(),
      })
      .optional(),
    armsInterventionsModule: z
      .looseObject({
        interventions: z
          .array(
            z.looseObject({
              type: z.string().optional(),
              name: z.string().optional(),
              otherNames: z.array(z.string()).optional(),
            }),
          )
          .optional(),
      })
      .optional(),
    eligibilityModule: z
      .looseObject({
        eligibilityCriteria: z.string().optional(),
        healthyVolunteers: z.boolean().optional(),
        sex: z.string().optional(),
        minimumAge: z.string().optional(),
        maximumAge: z.string().optional(),
        stdAges: z.array(z.string()).optional(),
      })
      .optional(),
    contactsLocationsModule: z
      .looseObject({
        centralContacts: z.array(contact).optional(),
        locations: z.array(locationSchema).optional(),
      })
      .optional(),
  }),
  derivedSection: z
    .looseObject({
      miscInfoModule: z.looseObject({ versionHolder: z.string().optional() }).optional(),
      conditionBrowseModule: z
        .looseObject({
          meshes: z
            .array(z.looseObject({ id: z.string().optional(), term: z.string() }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
  hasResults: z.boolean().optional(),
});

export type Study = z.infer<typeof studySchema>;
export type StudyLocation = z.infer<typeof locationSchema>;

export class StudySchemaError extends Error {
  constructor(
    readonly nctId: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `study ${nctId} does not match the expected schema: ${issues
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
    this.name = 'StudySchemaError';
  }
}

/** Parse one raw study; throws StudySchemaError naming the NCT id and each failing path. */
export function parseStudy(raw: unknown): Study {
  const result = studySchema.safeParse(raw);
  if (result.success) return result.data;
  const nctId = (raw as { protocolSection?: { identificationModule?: { nctId?: unknown } } })
    ?.protocolSection?.identificationModule?.nctId;
  throw new StudySchemaError(
    typeof nctId === 'string' ? nctId : '(unknown NCT id)',
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

export const nctIdOf = (s: Study): string => s.protocolSection.identificationModule.nctId;
export const lastUpdateOf = (s: Study): string =>
  s.protocolSection.statusModule.lastUpdatePostDateStruct.date;

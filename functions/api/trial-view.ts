/** A stored study as `GET /v1/trials/{nctId}` shows it. */
import type { TrialFacts } from '#eligibility/facts.ts';
import type { StoredStudy } from '#store/types.ts';
import type { TrialDetailResponse } from './schemas.ts';

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

type Contact = {
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
};
const contactOf = (c: Contact) => ({
  ...(c.name ? { name: c.name } : {}),
  ...(c.phone ? { phone: c.phone } : {}),
  ...(c.email ? { email: c.email } : {}),
});

export type TrialDetail = Omit<TrialDetailResponse, 'dataSyncedAt' | 'facts'> & {
  facts: TrialFacts;
};

export function trialDetail(stored: StoredStudy): TrialDetail {
  const p = stored.study.protocolSection;
  const id = p.identificationModule;
  const eligibility = p.eligibilityModule;
  return {
    nctId: stored.nctId,
    url: `https://clinicaltrials.gov/study/${stored.nctId}`,
    title: id.briefTitle ?? id.officialTitle ?? stored.nctId,
    officialTitle: orNull(id.officialTitle),
    acronym: orNull(id.acronym),
    status: p.statusModule.overallStatus,
    phases: p.designModule?.phases ?? [],
    studyType: orNull(p.designModule?.studyType),
    conditions: p.conditionsModule?.conditions ?? [],
    sponsor: orNull(p.sponsorCollaboratorsModule?.leadSponsor?.name),
    briefSummary: orNull(p.descriptionModule?.briefSummary),
    lastUpdatePostDate: stored.lastUpdatePostDate,
    eligibility: {
      criteria: orNull(eligibility?.eligibilityCriteria),
      minimumAge: orNull(eligibility?.minimumAge),
      maximumAge: orNull(eligibility?.maximumAge),
      sex: orNull(eligibility?.sex),
      healthyVolunteers: orNull(eligibility?.healthyVolunteers),
    },
    sites: (p.contactsLocationsModule?.locations ?? []).map((l) => ({
      facility: orNull(l.facility),
      city: orNull(l.city),
      state: orNull(l.state),
      zip: orNull(l.zip),
      country: orNull(l.country),
      status: orNull(l.status),
      lat: orNull(l.geoPoint?.lat),
      lon: orNull(l.geoPoint?.lon),
      contacts: (l.contacts ?? []).map(contactOf),
    })),
    centralContacts: (p.contactsLocationsModule?.centralContacts ?? []).map(contactOf),
    facts: stored.facts,
    stale: stored.stale,
    syncedAt: stored.syncedAt,
  };
}

/** Normalises an NCT id from the path (`nct01234567` → `NCT01234567`); undefined when malformed. */
export function normaliseNctId(raw: string): string | undefined {
  const id = raw.trim().toUpperCase();
  return /^NCT\d{8}$/.test(id) ? id : undefined;
}

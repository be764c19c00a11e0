/** From a stored study and its facts to what the matcher holds in memory, and to compact sites. */
import type { Study, StudyLocation } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import { RECRUITING_SITE_STATUSES } from '#vocabulary/codes.ts';
import type { MatchIndexEntry, Site } from './types.ts';

type Contact = NonNullable<StudyLocation['contacts']>[number];

function pickContact(contacts: Contact[] | undefined): Site['contact'] {
  if (!contacts || contacts.length === 0) return undefined;
  // A contact one can reach beats a name alone.
  const c = contacts.find((x) => x.phone || x.email) ?? contacts[0];
  if (!c) return undefined;
  const phone = c.phone ? (c.phoneExt ? `${c.phone} ext ${c.phoneExt}` : c.phone) : undefined;
  return { name: c.name, phone, email: c.email };
}

export function toSite(loc: StudyLocation, fallbackContacts?: Contact[]): Site {
  return {
    facility: loc.facility,
    city: loc.city,
    state: loc.state,
    zip: loc.zip,
    country: loc.country,
    status: loc.status,
    lat: loc.geoPoint?.lat,
    lon: loc.geoPoint?.lon,
    contact: pickContact(loc.contacts) ?? pickContact(fallbackContacts),
  };
}

/** Every site of the study, compact (the SITES chunks). */
export function allSites(study: Study): Site[] {
  const cl = study.protocolSection.contactsLocationsModule;
  return (cl?.locations ?? []).map((l) => toSite(l, cl?.centralContacts));
}

/**
 * Sites that can take a referral. A site without its own status inherits the study's
 * overall status: many single-site records only fill the study-level field.
 */
export function referralSites(study: Study): Site[] {
  const overall = study.protocolSection.statusModule.overallStatus;
  const cl = study.protocolSection.contactsLocationsModule;
  return (cl?.locations ?? [])
    .filter((l) => RECRUITING_SITE_STATUSES.includes(l.status ?? overall))
    .map((l) => toSite(l, cl?.centralContacts));
}

export function toMatchIndexEntry(study: Study, facts: TrialFacts): MatchIndexEntry {
  const p = study.protocolSection;
  return {
    nctId: p.identificationModule.nctId,
    title: p.identificationModule.briefTitle ?? p.identificationModule.officialTitle ?? '',
    overallStatus: p.statusModule.overallStatus,
    phases: p.designModule?.phases ?? [],
    conditions: p.conditionsModule?.conditions ?? [],
    lastUpdatePostDate: p.statusModule.lastUpdatePostDateStruct.date,
    minimumAge: p.eligibilityModule?.minimumAge,
    maximumAge: p.eligibilityModule?.maximumAge,
    sex: p.eligibilityModule?.sex,
    studyType: p.designModule?.studyType,
    primaryPurpose: p.designModule?.designInfo?.primaryPurpose,
    facts,
    sites: referralSites(study),
  };
}

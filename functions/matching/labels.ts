/** Short human labels for criteria, written from the patient's side ("Must not have …"). */
import type { BiomarkerRef, Predicate, TherapyRef } from '#eligibility/facts.ts';
import { TOPIC_WORDS } from './evaluate.ts';

const list = (items: string[], joiner = 'or'): string =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;

const biomarkerText = (r: BiomarkerRef): string =>
  r.alteration ? `${r.gene} ${r.alteration}` : `${r.gene} alteration (any)`;

const therapyText = (r: TherapyRef): string => r.drug ?? r.class?.replace(/_/g, ' ') ?? '?';

function range(
  name: string,
  min?: number,
  max?: number,
  unit = '',
  minEx = false,
  maxEx = false,
): string {
  if (min !== undefined && max !== undefined) return `${name} ${min}–${max}${unit}`;
  if (min !== undefined) return `${name} ${minEx ? '>' : '≥'} ${min}${unit}`;
  if (max !== undefined) return `${name} ${maxEx ? '<' : '≤'} ${max}${unit}`;
  return name;
}

/** The predicate in words, without its effect. */
function predicate(c: Predicate): string {
  switch (c.kind) {
    case 'diagnosis':
      return 'NSCLC';
    case 'histology':
      return `histology ${list(c.histologies.map((h) => h.replace('_', ' ')))}`;
    case 'stage':
      return `stage ${list([...c.stages, ...c.settings.map((s) => s.replace(/_/g, ' '))])}`;
    case 'biomarker':
      return `${c.knownOnly ? 'known ' : ''}${list(c.anyOf.map(biomarkerText))}`;
    case 'biomarker_tested':
      return `known ${list(c.genes, 'and')} status`;
    case 'pdl1':
      return range('PD-L1 TPS', c.min, c.max, '%', c.minExclusive, c.maxExclusive);
    case 'tmb':
      return range('TMB', c.min, c.max, ' mut/Mb');
    case 'prior_therapy':
      return `prior ${list(c.anyOf.map(therapyText))}${c.settings === 'advanced' ? ' for advanced disease' : ''}${
        c.progressed && c.effect === 'require' ? ', with progression' : ''
      }`;
    case 'treatment_naive':
      return c.includesPerioperative
        ? 'no prior systemic therapy (any setting)'
        : 'no prior systemic therapy for advanced disease';
    case 'prior_lines':
      return range('prior lines of therapy', c.min, c.max);
    case 'brain_metastases':
      return `brain metastases: ${list(c.states.map((s) => s.replace(/_/g, ' ')))}`;
    case 'ecog':
      return range('ECOG', c.min, c.max);
    case 'age':
      return range('age', c.min, c.max, ' years');
    case 'sex':
      return c.sex;
    case 'unclassified':
      return c.topic
        ? `a criterion on ${TOPIC_WORDS[c.topic]} (in the trial's words)`
        : 'other criterion';
  }
}

export function criterionLabel(c: Predicate): string {
  if (c.kind === 'diagnosis')
    return c.effect === 'require' ? 'Enrols NSCLC' : 'Does not enrol NSCLC';
  const p = predicate(c);
  return c.effect === 'require' ? `Must have ${p}` : `Must not have ${p}`;
}

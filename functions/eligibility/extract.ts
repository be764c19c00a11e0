/**
 * The extractor: one ClinicalTrials.gov v2 study → TrialFacts (see facts.ts), pure and
 * deterministic. Each criteria item is read by the small classifiers of this folder; an item
 * none of them can read becomes `unclassified` ("to discuss with your doctor"), never a guess.
 */
import type { Study } from '#ctgov/study-schema.ts';
import { biomarkersInItem, pdl1In, tmbIn } from './biomarker-criteria.ts';
import { brainMetastasesIn } from './brain-metastases.ts';
import { type CriteriaItem, parseCriteria } from './criteria-parser.ts';
import { ageIn, restatedInText, structuredDemographics } from './demographics.ts';
import type { BiomarkerRef, Criterion, Evidence, TrialFacts } from './facts.ts';
import { histologiesIn, isHistologyItem } from './histology.ts';
import { ecogIn } from './performance.ts';
import { extractScope } from './scope.ts';
import { diagnosisClauseStage, resectedStageRequirement, stageFinding } from './stage.ts';
import { EXCLUDED_HERE, sentences, stripPermissions } from './text.ts';
import { therapyInItem, unnamedTherapyHistory } from './therapy-criteria.ts';
import { titleTargets } from './title-targets.ts';
import { profileTopicOf } from './topics.ts';

/** Bump on every change of behaviour: the sync re-derives facts of older versions. */
export const EXTRACTOR_VERSION = '2026-11-27.20';

type Draft = Criterion extends infer C
  ? C extends Criterion
    ? Omit<C, 'evidence' | 'cohorts'>
    : never
  : never;

const THERAPY_PHRASE_FOR_SETTING =
  /\b(?:for|in)\s+(?:the\s+)?(?:treatment of\s+)?(?:their\s+)?(?:locally[- ]advanced|advanced|metastatic|recurrent|stage iv|unresectable)[^.;,]*?(?:disease|nsclc|cancer|setting|lung cancer)\b/g;
const NOT_STAGE_ITEM =
  /\bmeasurable\b|\blife expectancy\b|\brecist\b|\bbiops|\btissue\b|\bsample|\bspecimen|\bbrain|\bcns\b|\bcentral nervous|\bleptomening|\bmetastases\b(?![^.;]*\b(?:nsclc|lung cancer|disease)\b)|\bwithin \d+|\bradiotherapy to\b|\bpalliative/;
const STAGE_GATE =
  /stage|advanced|metasta|recurr|relaps|resect|operable|curative|definitive|radical|early|surg|late|incurable|chemoradi|adjuvant|m1/;
const DISEASE_WORDS =
  /\bnsclc\b|\bnon[- ]?small|\blung\b|\bcancer\b|\bcarcinoma\b|\bdisease\b|\btumou?r|\bstage\b|\bmalignan|\bsetting\b|\bcandidate|\bsuitable|\bamenable|\beligible for\b|\bresect/;

/** Items that no profile speaks to, whatever drug or gene they name in passing. */
const NOT_FOR_PROFILE =
  /contracep|childbearing|pregnan|breast-?feed|lactat|abstinen|sperm|condom|informed consent|\bicf\b|vaccin|hepatitis|\bhiv\b|tuberculosis|\bqtc?\b|ejection fraction/;

const ALTERNATIVES_FOLLOW =
  /\b(?:one|any|either) of the following\b|\bat least one of (?:the following|these)\b|\beither of\b/;

/** Drafts made from umbrella wording ("no actionable driver"), filtered by the trial's targets. */
const UMBRELLA = new WeakSet<object>();

function classifyItem(item: CriteriaItem, parent: CriteriaItem | undefined): Draft[] {
  const out: Draft[] = [];
  const f = item.folded;
  const section = item.section;
  if (NOT_FOR_PROFILE.test(f)) return out;
  // "Patients who received an EGFR TKI are excluded" under inclusion: that sentence is an
  // exclusion; the item's other sentences stay requirements.
  // One sentence only, and not in a parenthesis: an item that mixes requirements and
  // exclusions is left to the per-clause readers (biomarkers) and otherwise read as before.
  if (
    section === 'inclusion' &&
    sentences(f).length === 1 &&
    EXCLUDED_HERE.test(f.replace(/\([^()]*\)/g, ' '))
  )
    return classifyItem({ ...item, section: 'exclusion' }, parent);
  // "Patients must have one of the following:" — each child is one alternative, not a
  // requirement: read alone it would exclude patients who meet another one. To discuss.
  if (section === 'inclusion' && parent && ALTERNATIVES_FOLLOW.test(parent.folded)) return out;

  // Histology.
  if (isHistologyItem(f) || /\bsquamous\b|\bhistolog/.test(f)) {
    const h = histologiesIn(f);
    if (h) {
      if (section === 'inclusion')
        out.push({
          kind: 'histology',
          effect:
            /\b(?:no|not|without|excluding|other than)\b[^.;]{0,25}\b(?:squamous|adenocarcinoma)/.test(
              f,
            ) && !/\bnon[- ]?squamous\b/.test(f)
              ? 'forbid'
              : 'require',
          histologies: h,
        });
      else if (
        /\bhistolog|\bpredominant|\bnsclc\b|\bnon-small|\blung\b|\bsquamous cell (?:carcinoma|histology)\b(?![^.;]*\b(?:skin|cervix|head))/.test(
          f,
        ) &&
        !/\bmixed\b/.test(f) &&
        !/\breceiv|\btreat|\btherap|\bprior\b|\bprevious/.test(f)
      ) {
        out.push({ kind: 'histology', effect: 'forbid', histologies: h });
      }
    }
  }

  // Stage / setting (inclusion only: exclusions of stage are rare and worded many ways).
  if (
    section === 'inclusion' &&
    STAGE_GATE.test(f) &&
    DISEASE_WORDS.test(f) &&
    (!NOT_STAGE_ITEM.test(f.replace(/\([^()]*\)/g, ' ')) || /\bstage\s*(?:iv|i{1,3}|[1-4])/.test(f))
  ) {
    const therapyItem =
      /\bprior\b|\bprevious|\breceived\b|\btreated with\b|\bprogress|\bregimen|\blines?\b|\bfailed\b|\bchemotherapy\b|\btki\b/.test(
        f,
      );
    const diagnosisFirst =
      /^(?:[^,.;]{0,40}\b)?(?:histolog|cytolog|patho|confirmed|diagnos|stage|locally|advanced|metastatic|unresectable|recurrent|nsclc|non-small|clinical stage)/.test(
        f,
      );
    const text = therapyItem ? f.replace(THERAPY_PHRASE_FOR_SETTING, ' ') : f;
    const s =
      therapyItem && !diagnosisFirst
        ? diagnosisClauseStage(stripPermissions(text))
        : stageFinding(stripPermissions(text));
    if (s && (s.stages.length > 0 || s.settings.length > 0)) {
      out.push({ kind: 'stage', effect: 'require', stages: s.stages, settings: s.settings });
      if (!s.settings.includes('resected') && resectedStageRequirement(f, s.stages))
        out.push({ kind: 'stage', effect: 'require', stages: [], settings: ['resected'] });
    }
  }

  // Biomarkers, PD-L1, TMB.
  const pdl1 = pdl1In(f, parent?.folded);
  if (pdl1) {
    out.push({ kind: 'pdl1', effect: section === 'inclusion' ? 'require' : 'forbid', ...pdl1 });
  }
  const tmb = tmbIn(f);
  if (tmb)
    out.push({ kind: 'tmb', effect: section === 'inclusion' ? 'require' : 'forbid', ...tmb });
  const bm = biomarkersInItem(f, section, parent?.folded);
  for (const t of bm.tested)
    out.push({ kind: 'biomarker_tested', effect: t.effect, genes: t.genes });
  for (const b of bm.biomarkers) {
    const draft: Draft = {
      kind: 'biomarker',
      effect: b.effect,
      anyOf: b.anyOf,
      ...(b.knownOnly ? { knownOnly: true } : {}),
    };
    if (b.umbrella) UMBRELLA.add(draft);
    out.push(draft);
  }

  // Prior therapy.
  for (const t of therapyInItem(f, section)) out.push(t);
  if (unnamedTherapyHistory(f, section))
    out.push({ kind: 'unclassified', effect: 'require', topic: 'prior_therapy' });

  // Brain metastases.
  const brain = brainMetastasesIn(f, section);
  if (brain) out.push({ kind: 'brain_metastases', effect: brain.effect, states: brain.states });

  // Performance status.
  const ecog = ecogIn(f, section);
  if (ecog) out.push({ kind: 'ecog', effect: 'require', ...ecog });

  // Age written in the text.
  if (section === 'inclusion') {
    const age = ageIn(f);
    if (age && (age.min !== undefined || age.max !== undefined))
      out.push({ kind: 'age', effect: 'require', ...age });
  }
  return out;
}

export function extractFacts(study: Study): TrialFacts {
  const parsed = parseCriteria(study.protocolSection.eligibilityModule?.eligibilityCriteria);
  const criteria: Criterion[] = [];
  const umbrella = new Set<Criterion>();
  const scope = extractScope(study, parsed.items, parsed.expand);

  for (const c of scope.criteria) criteria.push(c);

  parsed.items.forEach((item, index) => {
    const parent = item.parent !== undefined ? parsed.items[item.parent] : undefined;
    const evidence: Evidence = {
      quote: item.text,
      section: item.section,
      ...(item.heading ? { heading: item.heading } : {}),
    };
    const cohorts = item.labels.length > 0 ? parsed.expand(item.labels) : undefined;
    const drafts = classifyItem(item, parent);
    const introducesChildren = item.children > 0 && /[:：]\s*$/.test(item.text);
    if (drafts.length === 0) {
      if (introducesChildren) return;
      if (scope.criteria.some((c) => c.evidence.quote === item.text)) return;
      const topic = profileTopicOf(item.text, item.section);
      criteria.push({
        kind: 'unclassified',
        effect: item.section === 'inclusion' ? 'require' : 'forbid',
        evidence,
        ...(topic ? { topic } : {}),
        ...(cohorts ? { cohorts } : {}),
      });
      return;
    }
    void index;
    for (const d of drafts) {
      const c = { ...d, evidence, ...(cohorts ? { cohorts } : {}) } as Criterion;
      if (UMBRELLA.has(d)) umbrella.add(c);
      criteria.push(c);
    }
  });

  for (const c of structuredDemographics(study)) if (!restatedInText(criteria, c)) criteria.push(c);

  const targets: BiomarkerRef[] = [];
  for (const c of criteria) {
    if (c.kind !== 'biomarker' || c.effect !== 'require') continue;
    for (const r of c.anyOf) {
      if (!targets.some((t) => t.gene === r.gene && t.alteration === r.alteration)) targets.push(r);
    }
  }

  // "Known targetable co-mutations" in a ROS1 trial does not mean ROS1 (the labels' rule too).
  const targetGenes = new Set(targets.map((t) => t.gene));
  // "Any other actionable driver" beside an item that names some drivers: the others.
  const namedElsewhere = (r: BiomarkerRef) =>
    criteria.some(
      (c) =>
        c.kind === 'biomarker' &&
        c.effect === 'forbid' &&
        !umbrella.has(c) &&
        c.anyOf.some((o) => o.gene === r.gene && o.alteration === r.alteration),
    );
  for (const c of umbrella) {
    if (c.kind === 'biomarker')
      c.anyOf = c.anyOf.filter((r) => !targetGenes.has(r.gene) && !namedElsewhere(r));
  }
  mergeStageClarifications(criteria);
  if (targets.length === 0) {
    const id = study.protocolSection.identificationModule;
    targets.push(...titleTargets(id.briefTitle ?? id.officialTitle ?? ''));
  }

  return {
    extractorVersion: EXTRACTOR_VERSION,
    scope: { value: scope.value, ...(scope.evidence ? { evidence: scope.evidence } : {}) },
    cohorts: parsed.cohorts,
    criteria,
    targets,
  };
}

/**
 * "Stage III, IV NSCLC" plus "Patients with stage III who are not suitable for surgery": the
 * second item qualifies stage III only, so it must not exclude stage IV. A setting-only
 * criterion for unresectable stage III therefore also admits the stage IV / metastatic /
 * advanced alternatives that another stage criterion of the same scope names.
 */
function mergeStageClarifications(criteria: Criterion[]): void {
  const stages = criteria.filter(
    (c): c is Extract<Criterion, { kind: 'stage' }> => c.kind === 'stage' && c.effect === 'require',
  );
  const sameScope = (a: Criterion, b: Criterion) =>
    (a.cohorts ?? []).join('|') === (b.cohorts ?? []).join('|') ||
    a.cohorts === undefined ||
    b.cohorts === undefined;
  for (const c of stages) {
    if (c.stages.length > 0 || !c.settings.includes('locally_advanced_unresectable')) continue;
    const wider = stages.find(
      (o) =>
        o !== c &&
        sameScope(o, c) &&
        (o.stages.some((s) => s.startsWith('IV')) ||
          o.settings.some((s) => s === 'metastatic' || s === 'advanced')),
    );
    if (!wider) continue;
    for (const s of wider.stages) if (s.startsWith('IV') && !c.stages.includes(s)) c.stages.push(s);
    for (const s of wider.settings)
      if (s !== 'locally_advanced_unresectable' && !c.settings.includes(s)) c.settings.push(s);
  }
}

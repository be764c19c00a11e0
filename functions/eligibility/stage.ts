/**
 * Stage and disease setting (PROFILE rule 10). Explicit AJCC groups are kept as named
 * ("stage IIIB-IV" → IIIB, IIIC, IVA, IVB, IV); setting words map to the DiseaseSetting codes.
 * A stage the text names explicitly wins over "advanced" words in the same item, except
 * "unresectable stage III", which is a setting (possible for stage III unless resected).
 */
import { FINE_STAGES, STAGE_LEAVES, type Stage } from '#vocabulary/codes.ts';
import type { DiseaseSetting } from './facts.ts';

const FINE: readonly Stage[] = FINE_STAGES;
/** The coarse groups the text may name, as the finest groups they cover. */
const GROUPS: Record<string, readonly Stage[]> = {
  I: STAGE_LEAVES.I,
  IA: STAGE_LEAVES.IA,
  II: STAGE_LEAVES.II,
  III: STAGE_LEAVES.III,
  IV: STAGE_LEAVES.IV,
};

const ARABIC: Record<string, string> = { '1': 'I', '2': 'II', '3': 'III', '4': 'IV' };

/** "iiib" / "3b" / "IV" → the fine stages it covers, or undefined. */
function parseStageToken(token: string): readonly Stage[] | undefined {
  const m = /^(iv|i{1,3}|[1-4])([abc])?([123])?$/i.exec(token.trim());
  if (!m) return undefined;
  const roman = ARABIC[m[1] ?? ''] ?? (m[1] ?? '').toUpperCase();
  const letter = (m[2] ?? '').toUpperCase();
  const digit = m[3] ?? '';
  const code = `${roman}${letter}${digit}`;
  if (GROUPS[code]) return GROUPS[code];
  if ((FINE as readonly string[]).includes(code)) return [code as Stage];
  if (code === 'IVC' || code === 'IIC') return undefined;
  return undefined;
}

/** Fine stages plus each coarse group (and IA) whose subgroups are all included. */
function withGroups(fine: Set<Stage>): Stage[] {
  const out: Stage[] = FINE.filter((s) => fine.has(s));
  for (const [group, members] of Object.entries(GROUPS)) {
    if (members.every((s) => fine.has(s))) out.push(group as Stage);
  }
  return out;
}

const STAGE_TOKEN = '(?:iv|i{1,3}|[1-4])(?:[abc][123]?)?';
const STAGE_LIST_RE = new RegExp(
  `\\bstages?\\s*(?:group\\s*)?(?:is\\s+|of\\s+|=\\s*)?[:(]?\\s*(${STAGE_TOKEN}(?:\\s*(?:,\\s*(?:and/or|or|and)\\b|-|to|through|/|,|and/or|or|and|~)\\s*(?:stages?\\s*)?${STAGE_TOKEN})*)(?![a-z0-9])(\\s*(?:or|and|/)?\\s*(?:higher|greater|above|beyond|later|more advanced))?`,
  'gi',
);

/** Stages named in folded text ("stage iiib-iiic or stage iv" → IIIB, IIIC, IVA, IVB, III?…). */
export function stagesIn(text: string): Stage[] {
  const fine = new Set<Stage>();
  const folded = text
    .replace(/\bstage(?=(?:iv|i{1,3}|[1-4])[abc]?\b)/g, 'stage ')
    // "stage II, IIIA, or select IIIB (T3N2 only)": a qualified group is still named.
    .replace(
      /(,|\bor|\band|\/)\s+(?:select(?:ed)?|some|certain|limited)\s+(?=(?:iv|i{1,3})[abc]?[123]?\b)/g,
      '$1 ',
    )
    .replace(/\b((?:iv|i{1,3})[abc]?[123]?)\s+stage\b/g, 'stage $1')
    .replace(
      /\(\s*(?:stage\s*)?((?:(?:iv|i{1,3})[abc]?[123]?)(?:\s*(?:,|\/|-|or|and|to)\s*(?:iv|i{1,3})[abc]?[123]?)*)\s*\)/g,
      ' stage $1 ',
    )
    .replace(
      /\b(iv|i{1,3})([abc])((?:\s*\/\s*[abc]\b)+)/g,
      (_m, roman: string, first: string, rest: string) =>
        [
          first,
          ...rest
            .split('/')
            .map((x) => x.trim())
            .filter(Boolean),
        ]
          .map((l) => `${roman}${l}`)
          .join('/'),
    )
    .replace(/\s*\([^()]*\)/g, (p) => (/\bstage\b/.test(p) ? ` ${p.trim().slice(1, -1)} ` : ' '))
    .replace(/\bt\d[a-c]?n\d[a-c]?(?:m\d[a-c]?)?/g, ' ');
  for (const m of folded.matchAll(STAGE_LIST_RE)) {
    const list = m[1] ?? '';
    const parts = list.split(/\s*(?:,|\bor\b|\band\/or\b|\band\b|\/)\s*/);
    for (const part of parts) {
      const range = /^(.+?)\s*(?:-|to|through|~)\s*(?:stages?\s*)?(.+)$/.exec(
        part.replace(/^stages?\s*/, ''),
      );
      if (range) {
        const a = parseStageToken(range[1] ?? '');
        const b = parseStageToken(range[2] ?? '');
        if (!a || !b) continue;
        const from = FINE.indexOf(a[0] as Stage);
        const to = FINE.indexOf(b[b.length - 1] as Stage);
        for (let i = from; i <= to && i >= 0; i++) fine.add(FINE[i] as Stage);
      } else {
        const s = parseStageToken(part.replace(/^stages?\s*/, ''));
        if (s) for (const x of s) fine.add(x);
      }
    }
    if (m[2]) {
      // "stage IIIB or higher"
      let max = -1;
      for (const s of fine) max = Math.max(max, FINE.indexOf(s));
      for (let i = max; i < FINE.length && i >= 0; i++) fine.add(FINE[i] as Stage);
    }
  }
  return withGroups(fine);
}

export interface StageFinding {
  stages: Stage[];
  settings: DiseaseSetting[];
}

const CURATIVE_NOT =
  /\bnot (?:be )?(?:a )?(?:suitable|amenable|eligible|candidates?|appropriate|feasible)\b[^.;]{0,40}\b(?:curative|definitive|radical|resection|surgery|surgical|local)|\b(?:ineligible|unsuitable|unfit) for\b[^.;]{0,40}\b(?:curative|definitive|radical|surgery|resection|surgical)|\bno (?:curative|definitive)[- ]?(?:intent )?(?:treatment|therapy|option)|\bnon-?curative(?:ly)?\b|\bnot curatively\b|\bnon[- ](?:eligible|suitable|candidates?|amenable) (?:for|to) (?:concurrent |definitive )?(?:chemoradi|curative|surgery|resection|radical)|\bnon-?curable\b|\bincurable\b|\bnot curable\b|\bnot candidates? for\b[^.;]{0,40}\b(?:curative|definitive|surgery|resection)/;
const UNRESECTABLE =
  /\bunresectable\b|\binoperable\b|\bnon-?resectable\b|\bnot (?:be )?(?:amenable|suitable|eligible|candidates?) (?:to|for) (?:surgical |complete )?(?:resection|surgery)|\bnon-?surgical\b/;

const RESECTED =
  /\b(?:completely |surgically |fully |radically )?resected\b|\br0 resection\b|\bcomplete (?:surgical )?resection\b|\bpost-?operative\b|\bafter (?:surgery|resection)\b|\bunderwent (?:surgery|resection|complete)/;
/** A resection the patient has had, in words stageFinding does not take as a setting. */
const HAD_RESECTION =
  /\btreated with (?:an? )?(?:initial |upfront |up-front |primary )*(?:surgical )?resection\b|\b(?:had|has|have) (?:had |undergone )?(?:an? )?(?:complete |radical |curative |surgical )*resection\b|\b(?:have|has) undergone (?:complete |radical |curative )*(?:resection|surgery)\b/;

/**
 * "Completely resected stage IB–IIIA", "stage II–IIIB treated with upfront resection": the
 * stages and, as a second requirement, the resection (a stage criterion's alternatives are
 * ORs, so the resection cannot join the stages in one criterion). Not for a resection still
 * to come, a recurrence after one, or stage IV.
 */
export function resectedStageRequirement(folded: string, stages: readonly Stage[]): boolean {
  if (stages.length === 0 || stages.some((s) => s.startsWith('IV'))) return false;
  if (!(RESECTED.test(folded) || HAD_RESECTION.test(folded))) return false;
  return !/\bunresect|\bnot (?:been )?(?:completely |fully )?resected\b|\bincomplete(?:ly)? resect|\bresectable\b|\bcandidates? for\b|\bplanned\b|\bscheduled\b|\bto undergo\b|\brecurren|\brelaps|\bmetasta|\bor\b[^.;]{0,30}\b(?:unresectable|inoperable|definitive|chemoradi)/.test(
    folded,
  );
}

/** Setting words in folded text; `stages` decides how "advanced" words are read. */
export function stageFinding(folded: string): StageFinding | undefined {
  const stages = stagesIn(folded);
  const settings = new Set<DiseaseSetting>();
  const metastatic =
    /\bmetastatic\b|\bmetastasi[sz]ed\b|\bdistant metastas[ie]s\b|\bde novo metastatic|\bm1[abc]?\b/.test(
      folded,
    );
  const locally = /\blocally[- ]advanced\b|\blocoregionally advanced\b/.test(folded);
  const advanced = /(?<!locally[- ]|locoregionally )\badvanced\b|\blate[- ]stage\b/.test(folded);
  const recurrent = /\brecurren(?:t|ce)\b|\brelapsed?\b/.test(folded);
  const curativeNot = CURATIVE_NOT.test(folded);
  const unresectable = UNRESECTABLE.test(folded);
  const resected = RESECTED.test(folded) && !/\bunresected\b/.test(folded);
  const resectable =
    /(?<!un|non-?|not )\bresectable\b|\boperable\b(?<!inoperable)|\bcandidates? for (?:surgical resection|surgery|resection)\b|\bplanned (?:surgery|resection)|\bneoadjuvant\b|\bperioperative\b|\bpre-?operative\b/.test(
      folded,
    ) && !unresectable;
  const early = /\bearly[- ]stage\b|\bearly (?:nsclc|lung cancer|disease)\b/.test(folded);

  const stageIIIOnly = stages.length > 0 && stages.every((s) => s.startsWith('III'));
  if (stages.length > 0) {
    if (stageIIIOnly && (unresectable || curativeNot) && !resected) {
      settings.add('locally_advanced_unresectable');
      if (metastatic) settings.add('metastatic');
      if (recurrent) settings.add('recurrent');
      return { stages: [], settings: [...settings] };
    }
    // "Non-curatively treatable stage III or stage IV", "unresectable stage III or IV": the
    // qualifier is what admits stage III (rule 10: possible for a stage III patient), and
    // stage IV needs none.
    const stageIV = stages.filter((s) => s.startsWith('IV'));
    if ((unresectable || curativeNot) && !resected && !resectable && stageIV.length > 0) {
      // Only a whole stage III: "unresectable stage IIIB–IV" still names IIIB as such.
      if (stages.includes('III')) {
        settings.add('locally_advanced_unresectable');
        const kept = stages.filter((s) => !s.startsWith('III'));
        stages.splice(0, stages.length, ...kept);
      }
    }
    if (
      recurrent &&
      /\bor (?:locally )?recurren|\brecurren[a-z]* or\b|\/recurrent|recurrent\/|\beither\b[^.;]{0,30}\brecurren|\(\s*(?:\d|[a-e]|i{1,3})\s*\)\s*(?:locally |locoregionally )?recurren/.test(
        folded,
      )
    )
      settings.add('recurrent');
    if (
      metastatic &&
      !stages.some((s) => s.startsWith('IV')) &&
      /\bor metastatic\b|\bmetastatic or\b/.test(folded)
    ) {
      settings.add('metastatic');
    }
    return { stages, settings: [...settings] };
  }
  if (metastatic && unresectable && !locally && !advanced) {
    settings.add('locally_advanced_unresectable');
    settings.add('metastatic');
  } else if (metastatic && !locally && !advanced && !curativeNot && !unresectable)
    settings.add('metastatic');
  else if (advanced || curativeNot || (locally && metastatic)) {
    settings.add('advanced');
    // "Locally advanced, unresectable, or metastatic": the unresectable stage III setting too.
    if (locally && unresectable) settings.add('locally_advanced_unresectable');
  } else if (locally && (unresectable || /\bchemoradi/.test(folded)))
    settings.add('locally_advanced_unresectable');
  else if (unresectable && !resectable) settings.add('locally_advanced_unresectable');
  else if (locally) settings.add('advanced');
  if (recurrent && settings.size > 0) settings.add('recurrent');
  else if (
    recurrent &&
    /\brecurrent (?:nsclc|non|disease|lung)|\bor recurrent\b|\brecurrent\/|\bfirst recurrence/.test(
      folded,
    )
  )
    settings.add('recurrent');
  if (settings.size === 0) {
    if (resected) settings.add('resected');
    else if (resectable) settings.add('resectable');
    else if (early) settings.add('early');
  }
  if (settings.size === 0) return undefined;
  return { stages: [], settings: [...settings] };
}

/** Where an item turns to the diagnosis: "histologically confirmed", "diagnosed with". */
const DIAGNOSIS_CLAUSE =
  /\b(?:(?:histolog|cytolog|patholog)\w*(?: (?:and|or|and\/or) (?:histolog|cytolog|patholog)\w*)?(?: (?:confirmed|documented|proven|diagnosed))?|(?:confirmed|documented|proven) (?:diagnosis of )?|diagnos(?:ed|is) (?:of|with|as) )(?=[^.;,]{0,40}\b(?:stage|nsclc|non-small|lung|metastatic|advanced|resectable|unresectable|recurrent)\b)/;

/**
 * The stage of an item that leads with something else ("Previously untreated, histologically
 * confirmed resectable stage II-IIIB NSCLC"): the diagnosis clause still names the stage the
 * trial requires. Only that clause is read, to the end of its sentence, so a stage written
 * about earlier treatment ("chemoradiotherapy for stage III disease") is not taken. Returns
 * undefined when the item has no diagnosis clause.
 */
export function diagnosisClauseStage(folded: string): StageFinding | undefined {
  const m = DIAGNOSIS_CLAUSE.exec(folded);
  if (!m) return undefined;
  const rest = folded.slice(m.index);
  const clause = rest.split(/(?<!\b(?:e\.g|i\.e|vs|no))(?<!\d)[.;](?=\s|$)/)[0] ?? rest;
  // A later turn to treatment ("…, after progression on …") is not the diagnosis.
  const own = clause.replace(
    /,?\s*\b(?:after|following|who (?:have|has|had)|having|previously treated|progress\w*|treated with|received|for (?:the )?treatment of)\b.*$/,
    '',
  );
  const s = stageFinding(own);
  if (!s || (s.stages.length === 0 && s.settings.length === 0)) return undefined;
  return s;
}

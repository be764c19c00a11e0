/**
 * Brain metastases policy (PROFILE rule 9). States: treated_stable, untreated_asymptomatic,
 * active (symptomatic or progressing, treated or not), leptomeningeal.
 */
import type { BrainMetastases } from '#vocabulary/codes.ts';
import type { Effect, Section } from './facts.ts';

type State = Exclude<BrainMetastases, 'none'>;
const ALL: State[] = ['treated_stable', 'untreated_asymptomatic', 'active', 'leptomeningeal'];

/** "has symptoms of brain metastases" is the symptomatic case. */
const SYMPTOMS_OF =
  /\bsymptoms? (?:of|from|due to|related to)\b[^.;]{0,20}(?:brain|cns|intracranial)/;
const BRAIN =
  /\b(?:brain|cns|central nervous system|intracranial|cerebral)\b[^.;]{0,20}\b(?:metasta\w*|lesions?|mets|disease|involvement)|\bbrain mets\b|\bbrain metastas|\bcns metastas|\bintracranial metastas/;
const LEPTO =
  /\bleptomeningeal|\blepto-meningeal|\b(?:carcinomatous|cancerous|neoplastic) meningitis|\bmeningeal (?:carcinomatosis|metasta|disease)|\bmeningeal\b|\blm\b(?= (?:diagnos|site|disease|metasta|patients?|confirmed))/;

/** Admits patients either way: with or without brain metastases, lesions of any kind. */
const ALLOWS_EITHER =
  /\bwith (?:or|and|and\/or) without\b[^.;]{0,30}(?:brain|cns|central nervous system|intracranial|cerebral|leptomening)|\bwhether or not\b[^.;]{0,40}(?:brain|cns|intracranial)|\bregardless of\b[^.;]{0,30}(?:brain|cns|intracranial)|\bmeasurable (?:and|or|and\/or) non-?measurable\b[^.;]{0,30}(?:brain|cns|intracranial|cerebral)/;
/** Words that make brain metastases a need even beside "measurable or non-measurable". */
const EXPLICIT_NEED =
  /\bmust (?:have|present)\b|\brequired?\b|\bpresence of\b|\bat least (?:one|1)\b|\b(?:documented|confirmed|diagnosed)\b[^.;]{0,30}(?:brain|cns|intracranial)/;

export interface BrainFinding {
  effect: Effect;
  states: State[];
}

export function brainMetastasesIn(text: string, section: Section): BrainFinding | undefined {
  // "radiosensitizers used to treat brain metastases": a therapy, not a brain-metastases rule.
  const folded = text.replace(
    /\b(?:used to treat|to treat|for the treatment of|treatment of|radiotherapy (?:to|for)|radiation (?:to|for))\s+(?:the\s+)?(?:brain|cns|central nervous system)\b[^.;,]*/g,
    ' ',
  );
  // Explanatory notes ("NOTE: If a patient has worsening symptoms …") state no policy.
  if (/^\W*(?:note\b|if\b)/.test(folded)) return undefined;
  const brain = BRAIN.test(folded);
  const lepto = LEPTO.test(folded);
  if (!brain && !lepto) return undefined;
  // "At least one evaluable lesion outside of the CNS": not a brain metastases rule.
  if (
    !lepto &&
    /\boutside (?:of )?(?:the )?(?:cns|central nervous system|brain)/.test(folded) &&
    !/\bmetasta/.test(folded.replace(/\boutside[^.;]*/, ''))
  )
    return undefined;
  const permission =
    /\b(?:allowed|permitted|permissible|acceptable|accepted|welcome|eligible|qualify|(?:may|can|will) (?:also )?(?:be )?(?:enroll(?:ed)?|included|participate|join|take part|accepted|allowed|considered)|are not excluded|unless|except|provided|if (?:they|the|patients?|participants?|subjects?|metastases)|as long as)\b/.test(
      folded,
    );
  const symptomatic =
    /\bsymptomatic\b(?<!\basymptomatic)|\bactive\b|\bprogressi(?:ve|ng)\b|\bunstable\b|\buncontrolled\b|\buncontroll(?:ed|able)\b|\brequir\w* (?:steroid|corticosteroid|immediate|local)|\bneurologically unstable\b|\bnot (?:clinically |radiologically )?stable\b|\brecurrent (?:brain|cns)|\bnew(?:ly)? (?:diagnosed )?(?:brain|cns)|\bgrowing\b|\benlarging\b/.test(
      folded.replace(/\basymptomatic\b/g, ''),
    );
  const untreated =
    /\buntreated\b|\bnot (?:been )?(?:previously )?treated\b|\bwithout (?:prior )?(?:local )?treatment\b|\bunirradiated\b/.test(
      folded,
    );

  if (section === 'exclusion') {
    const states = new Set<State>();
    if (SYMPTOMS_OF.test(folded) && !/\bunless|\bexcept/.test(folded)) {
      return { effect: 'forbid', states: lepto ? ['active', 'leptomeningeal'] : ['active'] };
    }
    // Leptomeningeal disease "but no evidence of brain parenchymal metastasis": the leptomeningeal case.
    if (
      lepto &&
      /\bbut (?:no|without)\b[^.;]{0,30}\b(?:brain|parenchymal)|\bno (?:evidence of )?(?:brain )?parenchymal/.test(
        folded,
      )
    ) {
      return { effect: 'forbid', states: ['leptomeningeal'] };
    }
    // Where or how large the metastases are ("in the brainstem", "> 3 cm"): not a profile's field.
    if (
      !lepto &&
      /\bbrain ?stem\b|\bdiameter\b|\b(?:larger|greater|bigger) than\b|\b\d+(?:\.\d+)?\s*(?:mm|cm)\b/.test(
        folded,
      )
    )
      return undefined;
    // "brain parenchymal metastasis combined with meningeal metastasis": the leptomeningeal case.
    if (
      lepto &&
      /(?<!\bor )\b(?:combined with|accompanied by|together with|with concurrent|with coexisting)\b[^.;]{0,20}(?:lepto)?meningeal/.test(
        folded,
      )
    ) {
      return { effect: 'forbid', states: ['leptomeningeal'] };
    }
    // Leptomeningeal disease named only inside a parenthesis after a qualifier shares it
    // ("symptomatic CNS metastases (parenchymal or leptomeningeal)"); one that is allowed is
    // no exclusion.
    const qualifiedAside = (m: string, at: number): string =>
      LEPTO.test(m) &&
      /\b(?:symptomatic|active|progressi\w*|unstable|untreated|uncontroll\w*)\b[^.;()]{0,40}$/.test(
        folded.slice(Math.max(0, at - 60), at),
      )
        ? ' '
        : m;
    const leptoOwn =
      lepto &&
      LEPTO.test(folded.replace(/\([^()]*\)/g, qualifiedAside)) &&
      !/(?:lepto)?meningeal[^.;]{0,60}\b(?<!\bnot )(?<!\bnot be )(?:allowed|permitted|eligible)\b/.test(
        folded,
      );
    if (leptoOwn || (lepto && !brain)) states.add('leptomeningeal');
    if (brain) {
      if (symptomatic) states.add('active');
      // "Untreated symptomatic metastases" is one case (active); "untreated or symptomatic", two.
      const bothAtOnce =
        symptomatic &&
        untreated &&
        /\buntreated (?:and )?symptomatic\b|\bsymptomatic (?:and )?untreated\b/.test(folded);
      if (untreated && !bothAtOnce) {
        states.add('untreated_asymptomatic');
        states.add('active');
      }
      if (!symptomatic && !untreated) {
        if (permission) {
          // "Brain metastases unless treated and stable": everything but treated_stable.
          if (
            /\basymptomatic\b/.test(folded) &&
            !/\btreated\b|\bstable\b/.test(folded.replace(/\buntreated\b/g, ''))
          ) {
            states.add('active');
          } else if (
            /\btreated\b|\bstable\b|\bradiotherapy|\bsurgery|\bresect|\birradiat/.test(folded)
          ) {
            states.add('untreated_asymptomatic');
            states.add('active');
          } else {
            return undefined;
          }
        } else {
          for (const s of ALL) states.add(s);
        }
      }
      if (
        /\basymptomatic\b[^.;]*\b(?:allowed|permitted|eligible)|\bmay be (?:treated or )?untreated\b|\btreated or untreated\b/.test(
          folded,
        )
      ) {
        states.delete('untreated_asymptomatic');
      }
    }
    return states.size > 0 ? { effect: 'forbid', states: [...states] } : undefined;
  }

  // Inclusion.
  if (/^\W*(?:note:\s*)?if\b|\bnote:/.test(folded)) return undefined;
  // Wording that admits patients either way ("with or without brain metastases", "measurable
  // and non-measurable CNS lesions") allows brain metastases; only an explicit need requires them.
  if (ALLOWS_EITHER.test(folded) && !EXPLICIT_NEED.test(folded)) {
    return inclusionPermission(folded, lepto);
  }
  // "Patients without CNS metastases or asymptomatic patients with brain metastases": a permission.
  const orAllowed =
    /\bor\b[^.;]{0,40}\b(?:asymptomatic|stable|treated)\b[^.;]{0,40}(?:brain|cns|metasta)/.test(
      folded,
    );
  if (orAllowed) {
    const states = new Set<State>(['active']);
    if (/\btreated\b/.test(folded.replace(/\buntreated\b/g, '')))
      states.add('untreated_asymptomatic');
    if (lepto) states.add('leptomeningeal');
    return { effect: 'forbid', states: [...states] };
  }
  if (
    /\b(?:no|without|absence of|free of)\b[^.;]{0,30}(?:brain|cns|central nervous system|intracranial|leptomeningeal)/.test(
      folded,
    ) &&
    !permission
  ) {
    return { effect: 'forbid', states: [...ALL] };
  }
  if (permission) return inclusionPermission(folded, lepto);
  if (/^\W*if\b|\bnote:/.test(folded)) return undefined;
  if (
    lepto &&
    !brain &&
    /\b(?:diagnos\w*|confirmed|documented|positive csf|cytolog)/.test(folded)
  ) {
    return { effect: 'require', states: ['leptomeningeal'] };
  }
  if (
    /\b(?:presence of|with|have|has|harbou?ring|at least one|documented|confirmed|measurable|diagnos\w*)\b[^.;]{0,40}(?:brain|cns|intracranial) (?:\w+ )?(?:metasta|lesion)|,\s*brain metasta\w*\s*$/.test(
      folded,
    )
  ) {
    if (
      /\buntreated\b|\bnot (?:previously )?(?:been )?treated\b|\bnewly diagnosed (?:brain|cns|intracranial)/.test(
        folded,
      )
    )
      return { effect: 'require', states: ['untreated_asymptomatic', 'active'] };
    return { effect: 'require', states: [...ALL] };
  }
  return undefined;
}

/** An inclusion item that allows brain metastases: only the conditions it sets exclude. */
function inclusionPermission(folded: string, lepto: boolean): BrainFinding | undefined {
  {
    const states = new Set<State>();
    if (
      lepto &&
      !/leptomeningeal[^.;]{0,40}\b(?<!\bnot )(?<!\bnot be )(?:allowed|eligible|permitted)/.test(
        folded,
      ) &&
      // "… CNS lesions, including leptomeningeal carcinomatosis": included, not excluded.
      !/\binclud(?:ing|es?)\b[^.;]{0,20}(?:lepto|meningeal|carcinomatous)/.test(folded)
    )
      states.add('leptomeningeal');
    if (
      /\basymptomatic\b|\bneurologically stable\b|\bstable\b|\btreated\b|\b(?:cortico)?steroid|\bno (?:ongoing )?symptoms?\b|\bno active\b|\bno evidence of[^.;]{0,40}\bprogression/.test(
        folded,
      )
    )
      states.add('active');
    if (
      /\b(?:must|should) (?:have been|be) treated\b|\bif (?:they (?:have|are|were) (?:been )?|previously |adequately |definitively )?treated\b|\b(?:previously |adequately |definitively |locally )treated\b|\bafter (?:local )?(?:treatment|therapy|radiotherapy|surgery)|\b(?:radiotherapy|radiation|surgery|srs|wbrt)\b[^.;]{0,40}\b(?:completed|prior|before)|\btreated and stable\b|\bstable after\b/.test(
        folded,
      ) &&
      !/\buntreated\b[^.;]{0,40}\b(?:allowed|eligible|permitted)|\btreated or untreated\b|\bmay be untreated/.test(
        folded,
      )
    ) {
      states.add('untreated_asymptomatic');
    }
    return states.size > 0 ? { effect: 'forbid', states: [...states] } : undefined;
  }
}

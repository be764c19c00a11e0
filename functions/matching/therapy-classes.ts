/**
 * The hierarchy among therapy classes that PROFILE.md implies ("a drug implies its classes"):
 * a patient who had a third-generation EGFR TKI had an EGFR TKI; docetaxel is a taxane and a
 * chemotherapy. The drug lexicon already lists each drug's classes; this closes a class given
 * directly in a profile, or a drug's list, over those implications.
 */
import type { TherapyClass } from '#vocabulary/codes.ts';

const PARENTS: Partial<Record<TherapyClass, TherapyClass[]>> = {
  egfr_tki_3rd_gen: ['egfr_tki'],
  platinum_chemotherapy: ['chemotherapy'],
  pemetrexed: ['chemotherapy'],
  taxane: ['chemotherapy'],
  docetaxel: ['taxane', 'chemotherapy'],
};

/** The classes plus every class they imply, without duplicates, in a stable order. */
export function impliedClasses(classes: readonly TherapyClass[]): TherapyClass[] {
  const out: TherapyClass[] = [];
  const visit = (c: TherapyClass) => {
    if (out.includes(c)) return;
    out.push(c);
    for (const p of PARENTS[c] ?? []) visit(p);
  };
  for (const c of classes) visit(c);
  return out;
}

/** Classes that are local treatments, not systemic therapy (they never count as a line). */
export const LOCAL_CLASSES: ReadonlySet<TherapyClass> = new Set(['surgery', 'radiotherapy']);

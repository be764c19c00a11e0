/**
 * The replay server's in-memory copy of a directory of v2 study records: the compact JSON
 * bytes exactly as stored (what is served) plus the few fields needed to filter and order.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseText } from './search-expression.ts';

export interface CorpusEntry {
  nctId: string;
  /** The record as served: compact JSON, byte for byte. */
  bytes: Buffer;
  overallStatus: string;
  lastUpdatePostDate: string | undefined;
  versionHolder: string | undefined;
  aliases: string[];
  /** normaliseText of conditions, keywords, titles, condition MeSH terms and ancestors. */
  condText: string;
  /** normaliseText of the whole record (computed on first use: only query.term needs it). */
  readonly fullText: string;
}

interface RawStudyShape {
  protocolSection?: {
    identificationModule?: {
      nctId?: unknown;
      nctIdAliases?: unknown;
      briefTitle?: unknown;
      officialTitle?: unknown;
      acronym?: unknown;
    };
    statusModule?: { overallStatus?: unknown; lastUpdatePostDateStruct?: { date?: unknown } };
    conditionsModule?: { conditions?: unknown; keywords?: unknown };
  };
  derivedSection?: {
    miscInfoModule?: { versionHolder?: unknown };
    conditionBrowseModule?: { meshes?: unknown; ancestors?: unknown };
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const meshTerms = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap((m) => (typeof m?.term === 'string' ? [m.term as string] : [])) : [];

/** Build an entry from a record's JSON text; throws if it has no NCT id. */
export function entryFromJson(text: string): CorpusEntry {
  const compact = text.trim();
  const raw = JSON.parse(compact) as RawStudyShape;
  const id = raw.protocolSection?.identificationModule;
  const nctId = str(id?.nctId);
  if (!nctId || !/^NCT\d{8}$/.test(nctId)) throw new Error('record has no valid nctId');
  const conds = raw.protocolSection?.conditionsModule;
  const browse = raw.derivedSection?.conditionBrowseModule;
  const condFields = [
    ...strings(conds?.conditions),
    ...strings(conds?.keywords),
    str(id?.briefTitle),
    str(id?.officialTitle),
    str(id?.acronym),
    ...meshTerms(browse?.meshes),
    ...meshTerms(browse?.ancestors),
  ].filter((s): s is string => !!s);
  return {
    nctId,
    bytes: Buffer.from(compact, 'utf8'),
    overallStatus: str(raw.protocolSection?.statusModule?.overallStatus) ?? 'UNKNOWN',
    lastUpdatePostDate: str(raw.protocolSection?.statusModule?.lastUpdatePostDateStruct?.date),
    versionHolder: str(raw.derivedSection?.miscInfoModule?.versionHolder),
    aliases: strings(id?.nctIdAliases),
    // ' | ' keeps a quoted phrase from matching across two fields.
    condText: condFields.map(normaliseText).join('|'),
    get fullText() {
      const value = normaliseText(this.bytes.toString('utf8'));
      Object.defineProperty(this, 'fullText', { value });
      return value;
    },
  };
}

/** Every *.json file of `dir`, one study per file, sorted by NCT id. */
export async function loadCorpus(dir: string): Promise<CorpusEntry[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const entries: CorpusEntry[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    try {
      entries.push(entryFromJson(text));
    } catch (err) {
      throw new Error(`replay: cannot load ${f}: ${(err as Error).message}`);
    }
  }
  return entries.sort((a, b) => (a.nctId < b.nctId ? -1 : a.nctId > b.nctId ? 1 : 0));
}

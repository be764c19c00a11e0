/**
 * The published match index, under `INDEX#<indexVersion>` (see matching/index-core.ts for the
 * two halves):
 * - `PART#nnnn`: the core, one compressed JSON blob cut into ≤ chunk-size parts. A cold API
 *   container reads these only: one BatchGet.
 * - `DISP#gggg#cccc`: the displays, in groups of DISPLAY_GROUP consecutive trials, each group
 *   compressed on its own (and cut into chunks if ever that large), so that a response fetches
 *   the few groups holding its results.
 * A snapshot is immutable; the sync keeps the one before it too, so a container still on the
 * previous version can fetch its displays until its next refresh.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DisplayGoneError,
  type DisplaySource,
  displaysInGroups,
  INDEX_CORE_FORMAT,
  type IndexCore,
  splitEntries,
  type TrialDisplay,
} from '#matching/index-core.ts';
import { chunkNo, compress, decompress, type Encoding, joinBytes, splitBytes } from './codec.ts';
import { batchGetAll, batchWriteAll, type RetryPolicy } from './dynamo-batch.ts';
import type { IndexSnapshotRef, MatchIndexEntry } from './types.ts';

/** Trials per display group: a 50-result response touches at most 50 small items. */
export const DISPLAY_GROUP = 16;

export interface SnapshotStore {
  doc: DynamoDBDocumentClient;
  table: string;
  retry: RetryPolicy;
  chunkBytes: number;
  encoding: Encoding;
}

const indexPk = (version: string) => `INDEX#${version}`;
const partSk = (i: number) => `PART#${chunkNo(i)}`;
const displaySk = (group: number, chunk: number) => `DISP#${chunkNo(group)}#${chunkNo(chunk)}`;

/** Is this a snapshot of the current core format (older ones are ignored and replaced)? */
export const isCurrentFormat = (ref: IndexSnapshotRef | undefined): boolean =>
  ref?.format === INDEX_CORE_FORMAT && ref.displayGroup !== undefined;

export async function writeSnapshot(
  s: SnapshotStore,
  version: string,
  entries: readonly MatchIndexEntry[],
): Promise<IndexSnapshotRef> {
  const { core, displays } = splitEntries(entries);
  const blob = compress(JSON.stringify(core), s.encoding);
  const parts = splitBytes(blob, s.chunkBytes);
  const pk = indexPk(version);
  const items: Record<string, unknown>[] = parts.map((data, i) => ({
    pk,
    sk: partSk(i),
    data,
    enc: s.encoding,
  }));
  const displayChunks: number[] = [];
  let displayBytes = 0;
  for (let g = 0; g * DISPLAY_GROUP < displays.length; g++) {
    const group = displays.slice(g * DISPLAY_GROUP, (g + 1) * DISPLAY_GROUP);
    const bytes = compress(JSON.stringify(group), s.encoding);
    displayBytes += bytes.byteLength;
    const chunks = splitBytes(bytes, s.chunkBytes);
    displayChunks.push(chunks.length);
    chunks.forEach((data, c) => {
      items.push({ pk, sk: displaySk(g, c), data, enc: s.encoding });
    });
  }
  await batchWriteAll(
    s.doc,
    s.table,
    items.map((Item) => ({ PutRequest: { Item } })),
    s.retry,
  );
  return {
    version,
    format: INDEX_CORE_FORMAT,
    parts: parts.length,
    entries: core.trials.length,
    bytes: blob.byteLength,
    displayGroup: DISPLAY_GROUP,
    displayChunks,
    displayBytes,
  };
}

/** The core of a published snapshot; undefined when any part is missing. */
export async function readSnapshotCore(
  s: SnapshotStore,
  ref: IndexSnapshotRef,
): Promise<IndexCore | undefined> {
  const keys = Array.from({ length: ref.parts }, (_, i) => ({
    pk: indexPk(ref.version),
    sk: partSk(i),
  }));
  // Parts can be 350 KB each: a few per request stays under BatchGet's 16 MB response cap.
  const items = await batchGetAll(s.doc, s.table, keys, { consistent: false }, s.retry, 16);
  if (items.length !== ref.parts) return undefined;
  const core = JSON.parse(joinChunks(items)) as IndexCore;
  return core.format === INDEX_CORE_FORMAT ? core : undefined;
}

/** The snapshot's displays, fetched group by group as responses need them. */
export function snapshotDisplays(s: SnapshotStore, ref: IndexSnapshotRef): DisplaySource {
  const size = ref.displayGroup ?? DISPLAY_GROUP;
  const chunksOf = (g: number) => ref.displayChunks?.[g] ?? 1;
  return displaysInGroups(size, async (groups) => {
    const keys = groups.flatMap((g) =>
      Array.from({ length: chunksOf(g) }, (_, c) => ({
        pk: indexPk(ref.version),
        sk: displaySk(g, c),
      })),
    );
    const items = await batchGetAll(s.doc, s.table, keys, { consistent: false }, s.retry, 16);
    const byGroup = new Map<number, Record<string, unknown>[]>();
    for (const item of items) {
      const g = Number(String(item.sk).split('#')[1]) - 1;
      const list = byGroup.get(g);
      if (list) list.push(item);
      else byGroup.set(g, [item]);
    }
    const out = new Map<number, TrialDisplay[]>();
    for (const g of groups) {
      const chunks = byGroup.get(g);
      if (!chunks || chunks.length !== chunksOf(g))
        throw new DisplayGoneError(`index ${ref.version}: display group ${g + 1} is incomplete`);
      out.set(g, JSON.parse(joinChunks(chunks)) as TrialDisplay[]);
    }
    return out;
  });
}

function joinChunks(items: Record<string, unknown>[]): string {
  items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  const enc = (items[0]?.enc as Encoding | undefined) ?? 'gzip';
  return decompress(joinBytes(items.map((i) => i.data as Uint8Array)), enc);
}

export async function deleteSnapshot(s: SnapshotStore, ref: IndexSnapshotRef): Promise<void> {
  const pk = indexPk(ref.version);
  const keys = Array.from({ length: ref.parts }, (_, i) => ({ pk, sk: partSk(i) }));
  (ref.displayChunks ?? []).forEach((n, g) => {
    for (let c = 0; c < n; c++) keys.push({ pk, sk: displaySk(g, c) });
  });
  await batchWriteAll(
    s.doc,
    s.table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    s.retry,
  );
}

/**
 * The published match index core (matching/index-core.ts) under `INDEX#<indexVersion>`: one
 * compressed JSON blob cut into ≤ chunk-size `PART#nnnn` items, so a cold API container reads
 * it with one BatchGet. The words of each trial are not in it: they come from the study's own
 * META entry when a response needs them, checked against the entry hash the core records.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INDEX_CORE_FORMAT, type IndexCore, splitEntries } from '#matching/index-core.ts';
import {
  chunkNo,
  compress,
  decompress,
  type Encoding,
  joinBytes,
  sha256,
  splitBytes,
} from './codec.ts';
import { batchGetAll, batchWriteAll, type RetryPolicy } from './dynamo-batch.ts';
import type { IndexSnapshotRef, MatchIndexEntry } from './types.ts';

export interface SnapshotStore {
  doc: DynamoDBDocumentClient;
  table: string;
  retry: RetryPolicy;
  chunkBytes: number;
  encoding: Encoding;
}

const indexPk = (version: string) => `INDEX#${version}`;
const partSk = (i: number) => `PART#${chunkNo(i)}`;

/** Is this a snapshot of the current core format (older ones are ignored and replaced)? */
export const isCurrentFormat = (ref: IndexSnapshotRef | undefined): boolean =>
  ref?.format === INDEX_CORE_FORMAT;

export async function writeSnapshot(
  s: SnapshotStore,
  version: string,
  entries: readonly MatchIndexEntry[],
): Promise<IndexSnapshotRef> {
  // The hash of the entry as stored in META (matchHash): JSON.stringify of a parsed
  // JSON.stringify output gives back the same text.
  const { core } = splitEntries(entries, (e) => sha256(JSON.stringify(e)));
  const blob = compress(JSON.stringify(core), s.encoding);
  const parts = splitBytes(blob, s.chunkBytes);
  const pk = indexPk(version);
  await batchWriteAll(
    s.doc,
    s.table,
    parts.map((data, i) => ({
      PutRequest: { Item: { pk, sk: partSk(i), data, enc: s.encoding } },
    })),
    s.retry,
  );
  return {
    version,
    format: INDEX_CORE_FORMAT,
    parts: parts.length,
    entries: core.trials.length,
    bytes: blob.byteLength,
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

function joinChunks(items: Record<string, unknown>[]): string {
  items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  const enc = (items[0]?.enc as Encoding | undefined) ?? 'gzip';
  return decompress(joinBytes(items.map((i) => i.data as Uint8Array)), enc);
}

export async function deleteSnapshot(s: SnapshotStore, ref: IndexSnapshotRef): Promise<void> {
  const pk = indexPk(ref.version);
  const keys = Array.from({ length: ref.parts }, (_, i) => ({ pk, sk: partSk(i) }));
  await batchWriteAll(
    s.doc,
    s.table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    s.retry,
  );
}

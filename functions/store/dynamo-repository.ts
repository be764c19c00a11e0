/**
 * StudyRepository on one DynamoDB table (layout in table.ts).
 *
 * Writes without transactions (dynalite has none, and a study can span many items): a
 * study's chunks are written first under a generation key derived from the record's hash,
 * and the META item is written last, naming that generation and its chunk counts. A crash
 * before META leaves the previous version fully readable (its chunks are untouched); a
 * crash after META leaves only unreferenced old chunks, deleted on the next change. The
 * META put is conditional, so an older record (lastUpdatePostDate, then
 * lastUpdateSubmitDate) never replaces a newer one; an identical record (same content hash)
 * is not written at all.
 *
 * The matcher's index: every active META carries `match` (gzip of its MatchIndexEntry) and
 * a sparse GSI key, so the active set can always be listed. Reading thousands of whole
 * entries back is the slow path though (seconds for 3,000 in dynalite, and 3,000 item reads
 * on AWS), so the sync also publishes a snapshot (index-snapshot.ts): the index core in a few
 * items, and the displays in small groups fetched on demand, under INDEX#<indexVersion>,
 * named in SYNC/STATE. A cold reader then needs one GetItem and one BatchGet of a handful of
 * items. The snapshot is used only when it was built for the current indexVersion (every
 * change of match facts bumps it), else the reader falls back to the GSI, so a reader never
 * sees an out-of-date index.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Study } from '#ctgov/study-schema.ts';
import type { TrialFacts } from '#eligibility/facts.ts';
import {
  displaysFromStore,
  displaysInMemory,
  type StoredEntry,
  splitEntries,
} from '#matching/index-core.ts';
import {
  chunkNo,
  compress,
  DEFAULT_CHUNK_BYTES,
  decompress,
  type Encoding,
  joinBytes,
  sha256,
  splitBytes,
} from './codec.ts';
import {
  batchGetAll,
  batchWriteAll,
  DEFAULT_RETRY,
  forEachLimit,
  type RetryPolicy,
  withRetry,
} from './dynamo-batch.ts';
import {
  deleteSnapshot,
  isCurrentFormat,
  readSnapshotCore,
  type SnapshotStore,
  writeSnapshot,
} from './index-snapshot.ts';
import { allSites, toMatchIndexEntry } from './match-entry.ts';
import {
  ACTIVE_INDEX,
  ACTIVE_SHARDS,
  activeShard,
  META_SK,
  nctIdOfPk,
  STATE_SK,
  SYNC_PK,
  studyPk,
} from './table.ts';
import type {
  LoadedIndex,
  MatchIndexEntry,
  PublishedIndex,
  Site,
  StoredStudy,
  SyncRepository,
  SyncState,
  UpsertOptions,
  UpsertOutcome,
} from './types.ts';

export interface DynamoRepositoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  retry?: RetryPolicy;
  /** Payload bytes per chunk item (tests lower it to exercise many chunks). */
  chunkBytes?: number;
  encoding?: Encoding;
  now?: () => Date;
  /** Parallel conditional META puts per upsert call. */
  concurrency?: number;
}

/** What upsert needs to know of the stored version (a projection of META). */
interface MetaGuard {
  nctId: string;
  lastUpdatePostDate: string;
  lastUpdateSubmitDate: string;
  contentHash: string;
  matchHash: string;
  gen: string;
  rawChunks: number;
  siteChunks: number;
  stale: boolean;
  extractorVersion: string;
}

interface Prepared {
  index: number;
  nctId: string;
  lastUpdatePostDate: string;
  lastUpdateSubmitDate: string;
  contentHash: string;
  matchHash: string;
  gen: string;
  raw: Uint8Array[];
  rawBytes: number;
  sites: Uint8Array[];
  siteCount: number;
  match: Uint8Array;
  entry: MatchIndexEntry;
  extractorVersion: string;
}

const GUARD_PROJECTION =
  'pk, lastUpdatePostDate, lastUpdateSubmitDate, contentHash, matchHash, gen, rawChunks, siteChunks, stale, extractorVersion';

/** META holds everything but the raw record and sites; past this it would risk the 400 KB limit. */
const MAX_MATCH_BYTES = 360_000;

const isConditionFailed = (err: unknown) =>
  (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export class DynamoStudyRepository implements SyncRepository {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retry: RetryPolicy;
  private readonly chunkBytes: number;
  private readonly encoding: Encoding;
  private readonly now: () => Date;
  private readonly concurrency: number;
  private readonly snapshots: SnapshotStore;

  constructor(options: DynamoRepositoryOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.encoding = options.encoding ?? 'gzip';
    this.now = options.now ?? (() => new Date());
    this.concurrency = options.concurrency ?? 16;
    this.snapshots = {
      doc: this.doc,
      table: this.table,
      retry: this.retry,
      chunkBytes: this.chunkBytes,
      encoding: this.encoding,
    };
  }

  // ---------------------------------------------------------------- writes

  async upsertStudies(
    items: { study: Study; facts: TrialFacts; rawJson?: string | undefined }[],
    options: UpsertOptions = {},
  ): Promise<UpsertOutcome[]> {
    const outcomes: UpsertOutcome[] = new Array(items.length).fill('unchanged');
    if (items.length === 0) return outcomes;
    const prepared = items.map((item, index) =>
      this.prepare(item.study, item.facts, item.rawJson, index),
    );

    // The same study twice in one call: only the newest copy goes on (the others are
    // 'older', or 'unchanged' when identical), so two puts never race on one key.
    const byId = new Map<string, Prepared>();
    for (const p of prepared) {
      const seen = byId.get(p.nctId);
      if (!seen || compareVersion(p, seen) >= 0) byId.set(p.nctId, p);
    }
    for (const p of prepared) {
      const winner = byId.get(p.nctId);
      if (winner && winner !== p)
        outcomes[p.index] = winner.contentHash === p.contentHash ? 'unchanged' : 'older';
    }
    const candidates = [...byId.values()];
    const existing = await this.readGuards(candidates.map((p) => p.nctId));

    const toWrite: Prepared[] = [];
    for (const p of candidates) {
      const old = existing.get(p.nctId);
      if (old && compareVersion(old, p) > 0) outcomes[p.index] = 'older';
      else if (
        old &&
        old.contentHash === p.contentHash &&
        // The version attribute drives re-derivation: a mismatch is repaired, never skipped.
        old.extractorVersion === p.extractorVersion &&
        (!old.stale || options.preserveStale)
      ) {
        outcomes[p.index] = 'unchanged';
      } else toWrite.push(p);
    }
    if (toWrite.length === 0) return outcomes;

    // 1. chunks (new generations only), 2. META, 3. old generations' chunks away.
    const chunkPuts = toWrite
      .filter((p) => existing.get(p.nctId)?.gen !== p.gen)
      .flatMap((p) => this.chunkItems(p).map((Item) => ({ PutRequest: { Item } })));
    await batchWriteAll(this.doc, this.table, chunkPuts, this.retry);

    let indexChanged = false;
    const obsolete: Record<string, unknown>[] = [];
    await forEachLimit(toWrite, this.concurrency, async (p) => {
      const old = existing.get(p.nctId);
      const stale = options.preserveStale ? (old?.stale ?? false) : false;
      try {
        await withRetry(
          () =>
            this.doc.send(
              new PutCommand({
                TableName: this.table,
                Item: this.metaItem(p, stale),
                ConditionExpression:
                  'attribute_not_exists(pk) OR lastUpdatePostDate < :d OR (lastUpdatePostDate = :d AND lastUpdateSubmitDate <= :s)',
                ExpressionAttributeValues: {
                  ':d': p.lastUpdatePostDate,
                  ':s': p.lastUpdateSubmitDate,
                },
              }),
            ),
          this.retry,
        );
        outcomes[p.index] = 'written';
        if (!old || old.matchHash !== p.matchHash || old.stale !== stale) indexChanged = true;
        if (old && old.gen !== p.gen) obsolete.push(...chunkKeys(old));
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        // A newer copy landed between our read and our write: ours is the older one.
        outcomes[p.index] = 'older';
        const now = (await this.readGuards([p.nctId])).get(p.nctId);
        if (now?.gen !== p.gen && (!old || old.gen !== p.gen)) {
          obsolete.push(
            ...chunkKeys({ ...p, rawChunks: p.raw.length, siteChunks: p.sites.length }),
          );
        }
      }
    });
    if (obsolete.length > 0) {
      await batchWriteAll(
        this.doc,
        this.table,
        obsolete.map((Key) => ({ DeleteRequest: { Key } })),
        this.retry,
      );
    }
    if (indexChanged) await this.bumpIndexVersion();
    return outcomes;
  }

  private prepare(
    study: Study,
    facts: TrialFacts,
    rawText: string | undefined,
    index: number,
  ): Prepared {
    const status = study.protocolSection.statusModule;
    const nctId = study.protocolSection.identificationModule.nctId;
    // The text as served when the client kept it; else JSON.stringify, which keeps the
    // record's own key order (only number spellings such as `0.0` could differ).
    const rawJson = rawText ?? JSON.stringify(study);
    const entry = toMatchIndexEntry(study, facts);
    let matchJson = JSON.stringify(entry);
    let match = compress(matchJson, this.encoding);
    // Only a study with many thousands of open sites could get here. Its index entry keeps as
    // many sites as fit (the record and every site stay whole in RAW/SITES): one such study
    // must not stop the sync for all the others.
    while (match.byteLength > MAX_MATCH_BYTES && entry.sites.length > 0) {
      entry.sites = entry.sites.slice(0, Math.floor(entry.sites.length / 2));
      matchJson = JSON.stringify(entry);
      match = compress(matchJson, this.encoding);
    }
    if (match.byteLength > MAX_MATCH_BYTES) {
      throw new Error(
        `study ${nctId}: match facts are ${match.byteLength} bytes compressed, over the META limit`,
      );
    }
    const sites = allSites(study);
    const rawHash = sha256(rawJson);
    return {
      index,
      nctId,
      lastUpdatePostDate: status.lastUpdatePostDateStruct.date,
      lastUpdateSubmitDate: status.lastUpdateSubmitDate ?? '',
      contentHash: sha256(`${rawHash}\n${matchJson}`),
      matchHash: sha256(matchJson),
      // The generation names the chunk set; the same record always maps to the same keys,
      // so a retried write overwrites its own chunks instead of leaving orphans.
      gen: rawHash.slice(0, 16),
      raw: splitBytes(compress(rawJson, this.encoding), this.chunkBytes),
      rawBytes: Buffer.byteLength(rawJson, 'utf8'),
      sites: splitBytes(compress(JSON.stringify(sites), this.encoding), this.chunkBytes),
      siteCount: sites.length,
      match,
      entry,
      extractorVersion: facts.extractorVersion,
    };
  }

  private chunkItems(p: Prepared): Record<string, unknown>[] {
    const pk = studyPk(p.nctId);
    return [
      ...p.raw.map((data, i) => ({ pk, sk: `RAW#${p.gen}#${chunkNo(i)}`, data })),
      ...p.sites.map((data, i) => ({ pk, sk: `SITES#${p.gen}#${chunkNo(i)}`, data })),
    ];
  }

  private metaItem(p: Prepared, stale: boolean): Record<string, unknown> {
    const e = p.entry;
    return {
      pk: studyPk(p.nctId),
      sk: META_SK,
      nctId: p.nctId,
      title: e.title,
      overallStatus: e.overallStatus,
      phases: e.phases,
      conditions: e.conditions,
      lastUpdatePostDate: p.lastUpdatePostDate,
      lastUpdateSubmitDate: p.lastUpdateSubmitDate,
      contentHash: p.contentHash,
      matchHash: p.matchHash,
      extractorVersion: p.extractorVersion,
      gen: p.gen,
      enc: this.encoding,
      rawChunks: p.raw.length,
      rawBytes: p.rawBytes,
      siteChunks: p.sites.length,
      siteCount: p.siteCount,
      match: p.match,
      stale,
      syncedAt: this.now().toISOString(),
      ...(stale ? {} : { indexPk: activeShard(p.nctId) }),
    };
  }

  private async readGuards(nctIds: string[]): Promise<Map<string, MetaGuard>> {
    const found = await batchGetAll(
      this.doc,
      this.table,
      nctIds.map((id) => ({ pk: studyPk(id), sk: META_SK })),
      { projection: GUARD_PROJECTION },
      this.retry,
    );
    const out = new Map<string, MetaGuard>();
    for (const item of found) {
      const nctId = nctIdOfPk(String(item.pk));
      out.set(nctId, {
        nctId,
        lastUpdatePostDate: String(item.lastUpdatePostDate ?? ''),
        lastUpdateSubmitDate: String(item.lastUpdateSubmitDate ?? ''),
        contentHash: String(item.contentHash ?? ''),
        matchHash: String(item.matchHash ?? ''),
        gen: String(item.gen ?? ''),
        rawChunks: Number(item.rawChunks ?? 0),
        siteChunks: Number(item.siteChunks ?? 0),
        stale: item.stale === true,
        extractorVersion: String(item.extractorVersion ?? ''),
      });
    }
    return out;
  }

  private async bumpIndexVersion(): Promise<void> {
    await this.putSyncState({
      indexVersion: `${this.now().toISOString()}~${randomUUID().slice(0, 8)}`,
    });
  }

  // ---------------------------------------------------------------- reads

  async getStudy(nctId: string): Promise<StoredStudy | undefined> {
    // Old chunks are deleted right after META moves on; a reader caught in between retries.
    for (let attempt = 0; ; attempt++) {
      const meta = await this.getMeta(nctId);
      if (!meta) return undefined;
      const chunks = await this.readChunks(nctId, 'RAW', String(meta.gen), Number(meta.rawChunks));
      if (!chunks) {
        if (attempt < 2) continue;
        throw new Error(`study ${nctId}: RAW chunks of generation ${String(meta.gen)} are missing`);
      }
      const enc = (meta.enc as Encoding | undefined) ?? 'gzip';
      const entry = JSON.parse(decompress(meta.match as Uint8Array, enc)) as MatchIndexEntry;
      return {
        nctId,
        lastUpdatePostDate: String(meta.lastUpdatePostDate),
        study: JSON.parse(decompress(chunks, enc)) as Study,
        facts: entry.facts,
        stale: meta.stale === true,
        syncedAt: String(meta.syncedAt),
      };
    }
  }

  /** The record exactly as stored (the JSON text), for byte-for-byte checks and exports. */
  async getRawJson(nctId: string): Promise<string | undefined> {
    const meta = await this.getMeta(nctId);
    if (!meta) return undefined;
    const chunks = await this.readChunks(nctId, 'RAW', String(meta.gen), Number(meta.rawChunks));
    return chunks ? decompress(chunks, (meta.enc as Encoding | undefined) ?? 'gzip') : undefined;
  }

  async getSites(nctId: string): Promise<Site[] | undefined> {
    const meta = await this.getMeta(nctId);
    if (!meta) return undefined;
    const chunks = await this.readChunks(nctId, 'SITES', String(meta.gen), Number(meta.siteChunks));
    return chunks
      ? (JSON.parse(decompress(chunks, (meta.enc as Encoding | undefined) ?? 'gzip')) as Site[])
      : undefined;
  }

  private async getMeta(nctId: string): Promise<Record<string, unknown> | undefined> {
    const out = await withRetry(
      () =>
        this.doc.send(
          new GetCommand({
            TableName: this.table,
            Key: { pk: studyPk(nctId), sk: META_SK },
            ConsistentRead: true,
          }),
        ),
      this.retry,
    );
    return out.Item;
  }

  private async readChunks(
    nctId: string,
    kind: 'RAW' | 'SITES',
    gen: string,
    count: number,
  ): Promise<Uint8Array | undefined> {
    const keys = Array.from({ length: count }, (_, i) => ({
      pk: studyPk(nctId),
      sk: `${kind}#${gen}#${chunkNo(i)}`,
    }));
    // Chunks can be 350 KB each: a few per request stays under BatchGet's 16 MB response cap.
    const items = await batchGetAll(this.doc, this.table, keys, {}, this.retry, 16);
    if (items.length !== count) return undefined;
    items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    return joinBytes(items.map((i) => i.data as Uint8Array));
  }

  async loadMatchIndex(options: { acceptPublished?: boolean } = {}): Promise<LoadedIndex> {
    const state = await this.getSyncState();
    const ref = state.indexSnapshot;
    const usable =
      ref &&
      isCurrentFormat(ref) &&
      (ref.version === state.indexVersion || options.acceptPublished === true);
    if (ref && usable) {
      const core = await readSnapshotCore(this.snapshots, ref);
      if (core) {
        // Words of a study written since are refused by their hash (the reader reloads).
        const displays = displaysFromStore(core, (ids) => this.storedEntries(ids));
        return { core, displays, source: 'snapshot', version: ref.version };
      }
    }
    const { core, displays } = splitEntries(await this.listActiveEntries());
    return {
      core,
      displays: displaysInMemory(displays),
      source: 'active',
      version: state.indexVersion,
    };
  }

  /** The stored match entries of these studies, with the hash each was stored under. */
  private async storedEntries(nctIds: string[]): Promise<Map<string, StoredEntry>> {
    const items = await batchGetAll(
      this.doc,
      this.table,
      nctIds.map((id) => ({ pk: studyPk(id), sk: META_SK })),
      { projection: 'pk, matchHash, enc, #m', names: { '#m': 'match' }, consistent: false },
      this.retry,
    );
    const out = new Map<string, StoredEntry>();
    for (const item of items) {
      const enc = (item.enc as Encoding | undefined) ?? this.encoding;
      out.set(nctIdOfPk(String(item.pk)), {
        hash: String(item.matchHash ?? ''),
        entry: JSON.parse(decompress(item.match as Uint8Array, enc)) as MatchIndexEntry,
      });
    }
    return out;
  }

  async listActiveEntries(): Promise<MatchIndexEntry[]> {
    return this.queryActive();
  }

  /** Every active study's match entry, straight from the GSI (the always-correct path). */
  private async queryActive(): Promise<MatchIndexEntry[]> {
    const entries: MatchIndexEntry[] = [];
    for (const item of await this.queryActiveShards()) {
      // GSI projections carry no `enc`; entries are always written with the repository's encoding.
      entries.push(
        JSON.parse(decompress(item.match as Uint8Array, this.encoding)) as MatchIndexEntry,
      );
    }
    return entries.sort((a, b) => a.nctId.localeCompare(b.nctId));
  }

  private async activeIds(): Promise<string[]> {
    const items = await this.queryActiveShards('pk');
    return items.map((i) => nctIdOfPk(String(i.pk)));
  }

  /** All items of the sparse `active` GSI, its shards read in parallel. */
  private async queryActiveShards(projection?: string) {
    const shards = await Promise.all(
      Array.from({ length: ACTIVE_SHARDS }, (_, s) =>
        this.queryAll({
          TableName: this.table,
          IndexName: ACTIVE_INDEX,
          KeyConditionExpression: 'indexPk = :s',
          ExpressionAttributeValues: { ':s': `ACTIVE#${s}` },
          ...(projection ? { ProjectionExpression: projection } : {}),
        }),
      ),
    );
    return shards.flat();
  }

  async countActive(): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: ACTIVE_SHARDS }, async (_, s) => {
        let n = 0;
        const query: QueryCommandInput = {
          TableName: this.table,
          IndexName: ACTIVE_INDEX,
          KeyConditionExpression: 'indexPk = :s',
          ExpressionAttributeValues: { ':s': `ACTIVE#${s}` },
          Select: 'COUNT',
        };
        for await (const page of this.pages((start) =>
          this.doc.send(new QueryCommand({ ...query, ExclusiveStartKey: start })),
        ))
          n += page.Count ?? 0;
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of this.pages((start) =>
      this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })),
    ))
      items.push(...(page.Items ?? []));
    return items;
  }

  /** Every page of a Query or Scan, following LastEvaluatedKey; each call retried. */
  private async *pages<P extends { LastEvaluatedKey?: Record<string, unknown> | undefined }>(
    send: (start: Record<string, unknown> | undefined) => Promise<P>,
  ): AsyncGenerator<P> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await withRetry(() => send(start), this.retry);
      yield page;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  // ---------------------------------------------------------------- index snapshot

  async publishIndex(): Promise<PublishedIndex | undefined> {
    let state = await this.getSyncState();
    if (!state.indexVersion) {
      await this.bumpIndexVersion();
      state = await this.getSyncState();
    }
    const version = state.indexVersion as string;
    const current = state.indexSnapshot;
    if (current?.version === version && isCurrentFormat(current)) return undefined;
    // Read the version before the entries: a write that lands meanwhile bumps the version
    // after its META, so this snapshot is then simply not used.
    const ref = await writeSnapshot(this.snapshots, version, await this.queryActive());
    try {
      await withRetry(
        () =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: { pk: SYNC_PK, sk: STATE_SK },
              UpdateExpression: 'SET indexSnapshot = :snap',
              ConditionExpression: 'indexVersion = :v',
              ExpressionAttributeValues: { ':snap': ref, ':v': version },
            }),
          ),
        this.retry,
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      await deleteSnapshot(this.snapshots, ref);
      return undefined;
    }
    // An older-format snapshot of this same version shares its keys: the new parts replaced it.
    if (current && current.version !== version) await deleteSnapshot(this.snapshots, current);
    return { indexVersion: version, entries: ref.entries, parts: ref.parts, bytes: ref.bytes };
  }

  // ---------------------------------------------------------------- full sweep

  async recordSeen(sweepId: string, nctIds: string[]): Promise<void> {
    if (nctIds.length === 0) return;
    await withRetry(
      () =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: SYNC_PK, sk: `SEEN#${sweepId}#${randomUUID()}`, ids: nctIds },
          }),
        ),
      this.retry,
    );
  }

  async markUnseenStale(sweepId: string, minSeenRatio = 0.5): Promise<string[]> {
    const marks = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': SYNC_PK, ':s': 'SEEN#' },
      ConsistentRead: true,
    });
    const seen = new Set<string>();
    for (const m of marks) {
      if (String(m.sk).startsWith(`SEEN#${sweepId}#`))
        for (const id of m.ids as string[]) seen.add(id);
    }
    const active = await this.activeIds();
    // A sweep that saw far fewer studies than are stored is more likely a broken query or a
    // partial API outage than a mass exodus: refuse rather than hide most trials.
    if (active.length > 0 && seen.size < minSeenRatio * active.length) {
      throw new Error(
        `full sweep saw ${seen.size} studies but ${active.length} are active: refusing to mark the rest stale`,
      );
    }
    const unseen = active.filter((id) => !seen.has(id)).sort();
    await forEachLimit(unseen, this.concurrency, async (id) => {
      try {
        await withRetry(
          () =>
            this.doc.send(
              new UpdateCommand({
                TableName: this.table,
                Key: { pk: studyPk(id), sk: META_SK },
                UpdateExpression: 'SET stale = :t, staleAt = :at REMOVE indexPk',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':t': true, ':at': this.now().toISOString() },
              }),
            ),
          this.retry,
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    });
    if (unseen.length > 0) await this.bumpIndexVersion();
    // Every sweep's marks go, including those of sweeps abandoned earlier.
    await batchWriteAll(
      this.doc,
      this.table,
      marks.map((m) => ({ DeleteRequest: { Key: { pk: SYNC_PK, sk: m.sk } } })),
      this.retry,
    );
    return unseen;
  }

  // ---------------------------------------------------------------- re-derivation

  async listOutdatedFacts(version: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of this.pages((start) =>
      this.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression:
            'sk = :meta AND (attribute_not_exists(extractorVersion) OR extractorVersion <> :v)',
          ProjectionExpression: 'pk',
          ExpressionAttributeValues: { ':meta': META_SK, ':v': version },
          ExclusiveStartKey: start,
        }),
      ),
    ))
      for (const item of page.Items ?? []) ids.push(nctIdOfPk(String(item.pk)));
    return ids.sort();
  }

  // ---------------------------------------------------------------- sync state

  async getSyncState(): Promise<SyncState> {
    const out = await withRetry(
      () =>
        this.doc.send(
          new GetCommand({
            TableName: this.table,
            Key: { pk: SYNC_PK, sk: STATE_SK },
            ConsistentRead: true,
          }),
        ),
      this.retry,
    );
    if (!out.Item) return {};
    const { pk: _pk, sk: _sk, ...state } = out.Item;
    return state as SyncState;
  }

  /** Sets the given fields; a field given as `undefined` is removed (e.g. `cursor` when a run ends). */
  async putSyncState(patch: Partial<SyncState>): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(patch).forEach(([key, value], i) => {
      names[`#f${i}`] = key;
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    if (sets.length + removes.length === 0) return;
    const expression = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    await withRetry(
      () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: SYNC_PK, sk: STATE_SK },
            UpdateExpression: expression,
            ExpressionAttributeNames: names,
            ...(sets.length ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      this.retry,
    );
  }

  /** Deletes one study's items (tests and maintenance; the sync never deletes, it marks stale). */
  async deleteStudy(nctId: string): Promise<void> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': studyPk(nctId) },
      ProjectionExpression: 'pk, sk',
    });
    // META first: without it the chunks are unreachable, never half a study.
    items.sort((a, b) => (a.sk === META_SK ? 0 : 1) - (b.sk === META_SK ? 0 : 1));
    for (const item of items) {
      await this.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } }),
      );
    }
  }
}

function compareVersion(
  a: { lastUpdatePostDate: string; lastUpdateSubmitDate: string },
  b: { lastUpdatePostDate: string; lastUpdateSubmitDate: string },
): number {
  if (a.lastUpdatePostDate !== b.lastUpdatePostDate)
    return a.lastUpdatePostDate < b.lastUpdatePostDate ? -1 : 1;
  if (a.lastUpdateSubmitDate !== b.lastUpdateSubmitDate)
    return a.lastUpdateSubmitDate < b.lastUpdateSubmitDate ? -1 : 1;
  return 0;
}

function chunkKeys(g: { nctId: string; gen: string; rawChunks: number; siteChunks: number }) {
  const pk = studyPk(g.nctId);
  return [
    ...Array.from({ length: g.rawChunks }, (_, i) => ({ pk, sk: `RAW#${g.gen}#${chunkNo(i)}` })),
    ...Array.from({ length: g.siteChunks }, (_, i) => ({ pk, sk: `SITES#${g.gen}#${chunkNo(i)}` })),
  ];
}

export function createDynamoRepository(options: DynamoRepositoryOptions): DynamoStudyRepository {
  return new DynamoStudyRepository(options);
}

/**
 * Re-runs the extractor over stored raw records whose facts come from another extractor
 * version, without any download. Stale studies stay stale. Returns the ids rewritten.
 */
export async function rederiveFacts(
  repo: SyncRepository,
  extract: (study: Study) => TrialFacts,
  version: string,
  options: {
    batch?: number;
    log?: (line: Record<string, unknown>) => void;
    /** Checked before each batch (a Lambda deadline); what is left is done by the next call. */
    shouldStop?: () => boolean;
  } = {},
): Promise<{
  checked: number;
  written: string[];
  failed: { nctId: string; message: string }[];
  complete: boolean;
}> {
  const ids = await repo.listOutdatedFacts(version);
  const written: string[] = [];
  const failed: { nctId: string; message: string }[] = [];
  const batch = options.batch ?? 50;
  let complete = true;
  for (let i = 0; i < ids.length; i += batch) {
    if (options.shouldStop?.()) {
      complete = false;
      break;
    }
    const items: { study: Study; facts: TrialFacts; rawJson: string }[] = [];
    for (const id of ids.slice(i, i + batch)) {
      // The stored text, not a re-serialisation: the record (and its chunks) stay as they are.
      const rawJson = await repo.getRawJson(id);
      if (rawJson === undefined) continue;
      const study = JSON.parse(rawJson) as Study;
      try {
        items.push({ study, facts: extract(study), rawJson });
      } catch (err) {
        failed.push({ nctId: id, message: (err as Error).message });
      }
    }
    const outcomes = await repo.upsertStudies(items, { preserveStale: true });
    outcomes.forEach((o, j) => {
      if (o === 'written')
        written.push(items[j]?.study.protocolSection.identificationModule.nctId ?? '');
    });
    options.log?.({
      level: 'info',
      event: 'rederive.batch',
      done: Math.min(i + batch, ids.length),
      of: ids.length,
    });
  }
  if (written.length > 0) await repo.publishIndex();
  return { checked: ids.length, written, failed, complete };
}

/**
 * The one table's key schema, shared by the repository, local tools and tests. The CDK stack
 * defines the deployed table with the same keys and index (see the names exported here).
 *
 * | pk               | sk                    | holds                                              |
 * |------------------|-----------------------|----------------------------------------------------|
 * | STUDY#NCT…       | META                  | summary, guards (dates, hashes), chunk counts,     |
 * |                  |                       | gzip of the MatchIndexEntry, `indexPk` if active   |
 * | STUDY#NCT…       | RAW#<gen>#0001 …      | the record as served, gzip, cut in ≤350 KB chunks  |
 * | STUDY#NCT…       | SITES#<gen>#0001 …    | every site, compact, gzip, chunked                 |
 * | SYNC             | STATE                 | cursor, data timestamp, counts, errors, versions   |
 * | SYNC             | SEEN#<sweep>#<uuid>   | ids a full sweep saw (one item per page)           |
 * | INDEX#<version>  | PART#0001 …           | gzip snapshot of every active MatchIndexEntry      |
 *
 * GSI `active` (sparse): hash `indexPk` = `ACTIVE#0..3`, range `pk`, projecting `match`.
 * Only non-stale META items carry `indexPk`, so the index lists exactly the active trials.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const ACTIVE_INDEX = 'active';
export const ACTIVE_SHARDS = 4;
export const META_SK = 'META';
export const SYNC_PK = 'SYNC';
export const STATE_SK = 'STATE';

export const studyPk = (nctId: string) => `STUDY#${nctId}`;
export const nctIdOfPk = (pk: string) => pk.slice('STUDY#'.length);

/** Spreads the active set over a few GSI partitions so the index can be read in parallel. */
export function activeShard(nctId: string): string {
  let h = 0;
  for (let i = 0; i < nctId.length; i++) h = (h * 31 + nctId.charCodeAt(i)) >>> 0;
  return `ACTIVE#${h % ACTIVE_SHARDS}`;
}

/** Creates the table (on-demand, with the `active` GSI) unless it exists; for local use and tests. */
export async function createTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  // A DocumentClient shares its base client's middleware stack, so it can send these too.
  const base = client as DynamoDBClient;
  // Look first: on AWS the stack owns the table, and a caller may lack CreateTable rights.
  try {
    const out = await base.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  try {
    await base.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'indexPk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: ACTIVE_INDEX,
            KeySchema: [
              { AttributeName: 'indexPk', KeyType: 'HASH' },
              { AttributeName: 'pk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['match'] },
          },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 120; i++) {
    const out = await base.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (out.Table?.GlobalSecondaryIndexes ?? []).every(
      (g) => g.IndexStatus === 'ACTIVE',
    );
    if (out.Table?.TableStatus === 'ACTIVE' && indexesReady) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

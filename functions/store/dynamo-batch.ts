/**
 * DynamoDB calls that survive throttling: BatchWrite/BatchGet re-send their unprocessed
 * part with exponential backoff and full jitter, and any call retries throttling errors.
 * The SDK retries too, but only a few times; a sync writing thousands of items into an
 * on-demand table that is scaling up needs more patience than that.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 50, capMs: 5_000 };

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);

export function isThrottling(err: unknown): boolean {
  const name = (err as { name?: unknown })?.name;
  return typeof name === 'string' && THROTTLING.has(name);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.random() * ceiling;
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isThrottling(err) || attempt + 1 >= policy.attempts) throw err;
      await sleep(backoffMs(attempt, policy));
    }
  }
}

type WriteRequest = NonNullable<
  NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string]
>[number];

/** Writes (puts and deletes) in groups of 25, re-sending UnprocessedItems until none are left. */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
  policy: RetryPolicy = DEFAULT_RETRY,
  concurrency = 4,
): Promise<void> {
  await forEachLimit(chunk(requests, 25), concurrency, async (group) => {
    await untilProcessed('BatchWrite', 'items', group, policy, async (pending) => {
      const out = await withRetry(
        () => doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })),
        policy,
      );
      return out.UnprocessedItems?.[tableName] ?? [];
    });
  });
}

type Key = Record<string, unknown>;

/** Reads keys in groups of 100, re-asking for UnprocessedKeys; the order of results is not kept. */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: Key[],
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
  policy: RetryPolicy = DEFAULT_RETRY,
  groupSize = 100,
  concurrency = 4,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await forEachLimit(chunk(keys, groupSize), concurrency, async (group) => {
    await untilProcessed('BatchGet', 'keys', group, policy, async (pending) => {
      const out: BatchGetCommandOutput = await withRetry(
        () =>
          doc.send(
            new BatchGetCommand({
              RequestItems: {
                [tableName]: {
                  Keys: pending,
                  ConsistentRead: options.consistent ?? true,
                  ...(options.projection ? { ProjectionExpression: options.projection } : {}),
                  ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
                },
              },
            }),
          ),
        policy,
      );
      for (const item of out.Responses?.[tableName] ?? []) found.push(item);
      return (out.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? [];
    });
  });
  return found;
}

function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/**
 * Sends `group`, then whatever the call hands back as unprocessed, with backoff between
 * attempts, until nothing is left; gives up after the policy's attempts.
 */
async function untilProcessed<T>(
  call: string,
  what: string,
  group: T[],
  policy: RetryPolicy,
  send: (pending: T[]) => Promise<T[]>,
): Promise<void> {
  let pending = group;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt >= policy.attempts) {
        throw new Error(
          `${call}: ${pending.length} ${what} still unprocessed after ${attempt} attempts`,
        );
      }
      await sleep(backoffMs(attempt - 1, policy));
    }
    pending = await send(pending);
  }
}

export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

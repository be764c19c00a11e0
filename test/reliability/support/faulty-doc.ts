/**
 * A DynamoDB DocumentClient that misbehaves like DynamoDB under pressure, by wrapping the
 * real client's `send` (dynalite underneath): throttling errors thrown before a command
 * runs, BatchWrite answering with part of its items unprocessed (not written), and a
 * "process death" after the n-th write (the command does not run; everything after fails).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocFaults {
  /** Throw a throttling error on every `throttleEvery`-th command (0: never). */
  throttleEvery?: number;
  /** Throw a throttling error with this probability per command (seeded, reproducible). */
  throttleRate?: number;
  seed?: number;
  /** Return half of every `unprocessedEvery`-th BatchWrite as UnprocessedItems (0: never). */
  unprocessedEvery?: number;
  /** The process dies at this write (1-based; puts, updates, deletes and batch writes). */
  dieAtWrite?: number;
}

export interface FaultyDoc {
  doc: DynamoDBDocumentClient;
  stats: {
    commands: number;
    writes: number;
    throttled: number;
    unprocessedItems: number;
    died: boolean;
  };
}

const THROTTLE_NAMES = ['ProvisionedThroughputExceededException', 'ThrottlingException'];
const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
]);

type Command = { constructor: { name: string; new (input: unknown): unknown }; input?: unknown };

export function faultyDoc(real: DynamoDBDocumentClient, faults: DocFaults): FaultyDoc {
  const stats = { commands: 0, writes: 0, throttled: 0, unprocessedItems: 0, died: false };
  const realSend = real.send.bind(real) as (c: unknown) => Promise<unknown>;
  const doc = Object.create(real) as DynamoDBDocumentClient;
  let batchWrites = 0;
  let x = faults.seed ?? 1;
  const random = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 2 ** 24;
  };
  (doc as unknown as { send: (c: unknown) => Promise<unknown> }).send = async (raw: unknown) => {
    const command = raw as Command;
    const name = command.constructor.name;
    stats.commands++;
    if (stats.died) throw new Error('simulated process death (store)');
    const throttle =
      (faults.throttleEvery && stats.commands % faults.throttleEvery === 0) ||
      (faults.throttleRate !== undefined && random() < faults.throttleRate);
    if (throttle) {
      stats.throttled++;
      const err = new Error('Rate of requests exceeds the allowed throughput.');
      err.name = THROTTLE_NAMES[stats.throttled % 2] as string;
      throw err;
    }
    if (WRITES.has(name)) {
      stats.writes++;
      if (faults.dieAtWrite !== undefined && stats.writes >= faults.dieAtWrite) {
        stats.died = true;
        throw new Error('simulated process death (store)');
      }
    }
    if (name === 'BatchWriteCommand' && faults.unprocessedEvery) {
      batchWrites++;
      const input = command.input as { RequestItems: Record<string, unknown[]> };
      const [table, requests] = Object.entries(input.RequestItems)[0] as [string, unknown[]];
      if (batchWrites % faults.unprocessedEvery === 0 && requests.length > 1) {
        const half = Math.ceil(requests.length / 2);
        stats.unprocessedItems += requests.length - half;
        await realSend(
          new command.constructor({ RequestItems: { [table]: requests.slice(0, half) } }),
        );
        return { UnprocessedItems: { [table]: requests.slice(half) } };
      }
    }
    return realSend(raw);
  };
  return { doc, stats };
}

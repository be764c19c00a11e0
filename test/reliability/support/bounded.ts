/** Small helpers shared by the reliability tests. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../support/shared-data.ts';

/** Rejects when `p` has not settled within `ms`: a hang becomes a failing assertion. */
export async function withinMs<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const ARTIFACTS_DIR = resolve(PROJECT_ROOT, 'test-artifacts');

/** Merges `patch` into test-artifacts/<name> (several test files add their own sections). */
export function writeArtifact(name: string, patch: Record<string, unknown>): string {
  const path = resolve(ARTIFACTS_DIR, name);
  mkdirSync(dirname(path), { recursive: true });
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // first writer
  }
  writeFileSync(path, `${JSON.stringify({ ...current, ...patch }, null, 2)}\n`);
  return path;
}

/** Own property names of Object.prototype (and friends), to prove nothing was added. */
export function prototypeSnapshot(): string {
  const names = (o: object) => Object.getOwnPropertyNames(o).sort().join(',');
  return [
    names(Object.prototype),
    names(Array.prototype),
    names(String.prototype),
    names(Function.prototype),
  ].join('|');
}

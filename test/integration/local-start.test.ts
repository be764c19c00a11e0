/**
 * `npm start` as a process: it prints its address, syncs (here from a replay server standing
 * in for ClinicalTrials.gov, so the live pacing of one request a second applies), says on
 * /health that a sync is running, stops cleanly on SIGTERM, keeps its data for the next
 * start, and when ClinicalTrials.gov cannot be reached says so and keeps serving. Uses this
 * room's own hand-written studies, so it runs on a fresh clone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../../local/replay/server.ts';
import { FIXTURES_DIR, PROJECT_ROOT } from '../support/shared-data.ts';

interface Started {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

const TSX = resolve(PROJECT_ROOT, 'node_modules/.bin/tsx');

async function start(env: Record<string, string>, args: string[] = []): Promise<Started> {
  const child = spawn(TSX, ['local/start.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', LOG_REQUESTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (c: Buffer) => {
    out += c.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = await waitFor(
    () => out.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0],
    60_000,
    () => `no address printed:\n${out}`,
  );
  return { child, baseUrl, output: () => out, exited };
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
  why: () => string,
) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(why());
}

async function health(baseUrl: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${baseUrl}/health`)).json()) as Record<string, unknown>;
}

async function stop(s: Started): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exited;
}

describe('npm start (local/start.ts) as a process', () => {
  let replay: ReplayServer;
  let dataDir = '';
  const running: Started[] = [];

  beforeAll(async () => {
    replay = await startReplayServer({ dir: resolve(FIXTURES_DIR, 'local/studies') });
    dataDir = mkdtempSync(join(tmpdir(), 'nsclc-start-'));
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await replay?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves while it syncs, says so on /health, reports progress in plain lines, stops cleanly', async () => {
    const s = await start({ DATA_DIR: dataDir, CTGOV_BASE_URL: replay.baseUrl });
    running.push(s);
    // One request a second against the "live" API: the sync takes several seconds.
    const during = await waitFor(
      async () => {
        const h = await health(s.baseUrl);
        return h.syncRunning === true ? h : undefined;
      },
      30_000,
      () => `never saw syncRunning:\n${s.output()}`,
    );
    expect(during.syncRunning).toBe(true);
    const page = await fetch(`${s.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const after = await waitFor(
      async () => {
        const h = await health(s.baseUrl);
        return h.syncRunning === false && h.trialCount === 3 ? h : undefined;
      },
      60_000,
      () => `the sync did not finish:\n${s.output()}`,
    );
    expect(after.status).toBe('ok');
    expect(s.output()).toMatch(/Sync from http:\/\/127\.0\.0\.1:\d+\/api\/v2 .*\nsync: started/);
    expect(s.output()).toMatch(/sync: done: full sync: \d+ pages, \d+ studies .*; 3 trials stored/);
    expect(s.output()).not.toContain('\x1b[');

    expect(await stop(s)).toBe(0);
    expect(s.output()).toContain('SIGTERM: stopping');
    expect(s.output()).toContain(`Stopped. Stored data is kept in ${dataDir}`);
  }, 120_000);

  it('keeps the data for the next start (--no-sync serves it as stored)', async () => {
    const s = await start({ DATA_DIR: dataDir }, ['--no-sync']);
    running.push(s);
    expect(s.output()).toMatch(/\(3 trials stored\)/);
    const res = await fetch(`${s.baseUrl}/v1/match`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        diagnosis: { cancer: 'nsclc', stage: 'IV' },
        biomarkers: [{ gene: 'KRAS', alteration: 'G12C' }],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { nctId: string }[] };
    expect(body.results.map((r) => r.nctId)).toContain('NCT09100001');
    expect(await stop(s)).toBe(0);
  }, 60_000);

  it('says clearly when ClinicalTrials.gov cannot be reached, and keeps serving what is stored', async () => {
    const s = await start({ DATA_DIR: dataDir, CTGOV_BASE_URL: 'http://127.0.0.1:9/api/v2' });
    running.push(s);
    await waitFor(
      () => s.output().includes('npm start -- --replay'),
      30_000,
      () => `no offline advice:\n${s.output()}`,
    );
    expect(s.output()).toContain(
      'ClinicalTrials.gov cannot be reached at http://127.0.0.1:9/api/v2 (ECONNREFUSED)',
    );
    const h = await health(s.baseUrl);
    expect(h.trialCount).toBe(3);
    expect(h.syncRunning).toBe(false);
    expect(await stop(s)).toBe(0);
  }, 60_000);

  it('refuses to open a data folder another running npm start holds', async () => {
    const held = mkdtempSync(join(tmpdir(), 'nsclc-held-'));
    // This test process stands in for the other npm start: it is alive.
    writeFileSync(join(held, 'npm-start.pid'), String(process.pid));
    const child = spawn(TSX, ['local/start.ts', '--no-sync'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: held },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    rmSync(held, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(err).toContain(`another npm start (process ${process.pid}) is using ${held}`);
  }, 30_000);

  it('refuses a bad PORT with a clear message', async () => {
    const child = spawn(TSX, ['local/start.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: 'eighty', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('PORT must be a port number');
  }, 30_000);
});

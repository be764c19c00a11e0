/**
 * End to end, as a user meets it: `npm start -- --replay <shared studies>` in a child process
 * (temp DATA_DIR, free port), the real sync into dynalite, then the page in headless Debian
 * Chromium: fill the form for EXAMPLES.md case 10, see the trial with its badge, open the
 * oncologist view and see an excluded trial with its reason, render the print sheet.
 * Screenshots go to test-artifacts/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM_SKIP_REASON, openPage } from '../support/chromium.ts';
import {
  PROJECT_ROOT,
  SHARED_AVAILABLE,
  SHARED_STUDIES_DIR,
  SKIP_REASON,
} from '../support/shared-data.ts';

const skipWhy = CHROMIUM_SKIP_REASON || (SHARED_AVAILABLE ? '' : SKIP_REASON);

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns the real `npm start -- --replay DIR` and waits for the address it prints. */
async function startService(dataDir: string): Promise<Running> {
  const child = spawn('npm', ['start', '--', '--replay', SHARED_STUDIES_DIR], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_REQUESTS: '0', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no address printed in 60 s:\n${out}`)),
      60_000,
    );
    const look = () => {
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout?.on('data', look);
    void exited.then((code) =>
      reject(new Error(`npm start exited (${code}) before printing an address:\n${out}`)),
    );
  });
  return { child, baseUrl, output: () => out, exited };
}

async function waitForSync(
  baseUrl: string,
  output: () => string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 150_000;
  let sawRunning = false;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
    if (res) {
      const health = (await res.json()) as Record<string, unknown>;
      if (health.syncRunning) sawRunning = true;
      const index = health.index as { version?: string; currentVersion?: string } | undefined;
      const current = index?.version !== undefined && index.version === index.currentVersion;
      if (
        !health.syncRunning &&
        health.lastSuccessAt &&
        (health.trialCount as number) > 0 &&
        current
      ) {
        return { ...health, sawRunning };
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the sync did not finish in 150 s:\n${output()}`);
}

async function fillCase10(page: Page, extraDocetaxel: boolean): Promise<void> {
  await page.selectOption('#histology', 'adenocarcinoma');
  await page.selectOption('#stage', 'IVA');
  await page.fill('#pdl1', '0');
  await page.check('input[name=treated][value=yes]');
  const drugs: [string, string][] = [
    ['Keytruda', '1'],
    ['carboplatin', '1'],
    ['pemetrexed', '1'],
  ];
  if (extraDocetaxel) drugs.push(['docetaxel', '2']);
  // The first treatment row appears when "Yes" is chosen; add the others with the button.
  for (let i = 0; i < drugs.length; i++) {
    if (i > 0) await page.click('#add-therapy');
    const row = page.locator('#therapy-rows > .row').nth(i);
    const [drug, line] = drugs[i] as [string, string];
    await row.locator('input[name=drug]').fill(drug);
    await row.locator('input[name=line]').fill(line);
    if (line === '1') await row.locator('select[name=progressed]').selectOption('true');
  }
  await page.selectOption('#brain', 'none');
  await page.selectOption('#ecog', '1');
  await page.fill('#age', '62');
}

describe.skipIf(skipWhy !== '')(
  `the page over npm start --replay, in headless Chromium${skipWhy ? ` (skipped: ${skipWhy})` : ''}`,
  () => {
    let dataDir = '';
    let service: Running;
    let browser: Browser;
    let page: Page;
    let errors: string[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'nsclc-e2e-'));
      service = await startService(dataDir);
      ({ browser, page, errors } = await openPage({ viewport: { width: 1100, height: 900 } }));
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      if (service?.child.pid) {
        // The whole group (npm, tsx, node) gets the signal a terminal's Ctrl-C would send.
        try {
          process.kill(-service.child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await Promise.race([service.exited, new Promise((r) => setTimeout(r, 15_000))]);
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('syncs the replayed records while serving, and /health says when it is done', async () => {
      const health = await waitForSync(service.baseUrl, service.output);
      expect(health.status).toBe('ok');
      expect(health.trialCount as number).toBeGreaterThan(50);
      expect(service.output()).toMatch(/sync: (started|done)/);
    }, 180_000);

    it('finds EXAMPLES case 10A: NCT07134413 is eligible, shown with its badge and quotes', async () => {
      await page.goto(`${service.baseUrl}/`);
      await expect(page.title()).resolves.toContain('trial');
      await fillCase10(page, false);
      await page.click('#submit');
      const card = page.locator('article.card[data-nct="NCT07134413"]');
      await card.waitFor({ timeout: 30_000 });
      await expect(card.getAttribute('data-verdict')).resolves.toBe('eligible');
      await expect(card.locator('.badge').textContent()).resolves.toContain('Eligible');
      await expect(card.locator('h4', { hasText: 'Why it fits' }).count()).resolves.toBe(1);
      await expect(card.locator('blockquote').count()).resolves.toBeGreaterThan(0);
      await expect(
        card.locator('a[href="https://clinicaltrials.gov/study/NCT07134413"]').count(),
      ).resolves.toBe(1);
      await expect(page.locator('#status').textContent()).resolves.toMatch(/trials? to discuss/);
      await expect(page.locator('article.card.excluded').count()).resolves.toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-results.png'), fullPage: true });
      await page.locator('#results-heading').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-results-top.png') });
      await card.screenshot({ path: join(ARTIFACTS, 'e2e-card-eligible.png') });
    }, 60_000);

    it('oncologist view, case 10B: NCT07134413 is excluded, with the lines criterion quoted', async () => {
      await page.goto(`${service.baseUrl}/`);
      await fillCase10(page, true);
      await page.check('#onco');
      await page.click('#submit');
      const card = page.locator('article.card[data-nct="NCT07134413"]');
      await card.waitFor({ timeout: 30_000 });
      await expect(card.getAttribute('data-verdict')).resolves.toBe('excluded');
      await expect(card.locator('.badge').textContent()).resolves.toContain('Not eligible');
      const rulesOut = card.locator('div', {
        has: page.locator('h4', { hasText: 'What rules it out' }),
      });
      await expect(rulesOut.textContent()).resolves.toContain(
        'Prior lines of systemic anti-tumor therapy',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-oncologist.png'), fullPage: true });
      await card.screenshot({ path: join(ARTIFACTS, 'e2e-card-excluded.png') });
    }, 60_000);

    it('renders the printable sheet: questions to ask, no form, no excluded trials', async () => {
      await page.goto(`${service.baseUrl}/`);
      await fillCase10(page, false);
      await page.click('#submit');
      await page.locator('article.card').first().waitFor({ timeout: 30_000 });
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('#profile-form').isVisible()).resolves.toBe(false);
      await expect(
        page.locator('h1', { hasText: 'Trials to discuss with my doctor' }).isVisible(),
      ).resolves.toBe(true);
      await expect(page.locator('h2', { hasText: 'Questions to ask' }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page.locator('article.card[data-nct="NCT07134413"]').isVisible()).resolves.toBe(
        true,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-print.png'), fullPage: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-print-top.png') });
      const pdf = await page.pdf({ format: 'Letter' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
      await page.emulateMedia({ media: 'screen' });
    }, 60_000);

    it('works on a phone-sized screen, and the page raised no error', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${service.baseUrl}/`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    }, 60_000);
  },
);

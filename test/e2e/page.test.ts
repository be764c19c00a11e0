/**
 * The page on its own, in headless Chromium, against a fake `POST /v1/match` (no store, no
 * matcher): what it sends for what the user chose ("I don't know" leaves a field out), that a
 * keyboard alone can use it, how it shows verdicts, errors and the print sheet. Runs on a
 * fresh clone whenever Chromium is installed.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalServer } from '../../local/server/adapter.ts';
import { ARTIFACTS, CHROMIUM_SKIP_REASON, openPage } from '../support/chromium.ts';
import { createFakeMatchApi } from './support/fake-match-api.ts';

describe.skipIf(CHROMIUM_SKIP_REASON !== '')(
  `the page against a fake match API${CHROMIUM_SKIP_REASON ? ` (skipped: ${CHROMIUM_SKIP_REASON})` : ''}`,
  () => {
    const received: unknown[] = [];
    const server = createLocalServer({ handler: createFakeMatchApi(received) });
    const outside: string[] = [];
    let errors: string[] = [];
    let base = '';
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ({ browser, page, errors } = await openPage({
        viewport: { width: 1000, height: 900 },
        // The 400 of the bad-input test is logged by Chromium itself; anything else is a fault.
        ignoreConsoleError: (text) => text.includes('status of 400'),
      }));
      page.on('request', (r) => {
        if (!r.url().startsWith(base)) outside.push(r.url());
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise<void>((r) => server.close(() => r()));
    });
    beforeEach(async () => {
      received.length = 0;
      await page.goto(`${base}/`);
    });

    it('sends only what the user stated: "I don\'t know" leaves the field out', async () => {
      await page.click('#submit');
      await page.locator('article.card').first().waitFor();
      expect(received).toEqual([
        { diagnosis: { cancer: 'nsclc' }, options: { includeExcluded: false } },
      ]);
    });

    it('sends biomarkers, treatments (or none), health and location as the profile contract spells them', async () => {
      await page.selectOption('#histology', 'non_squamous');
      await page.selectOption('#stage', 'IVB');
      await page.check('input[name=recurrent][value=false]');
      await page.click('#add-biomarker');
      await page.selectOption('#biomarker-rows .row >> nth=0 >> select[name=gene]', 'EGFR');
      await page.fill('#biomarker-rows .row >> nth=0 >> input[name=alteration]', 'Ex19del');
      await page.click('#add-biomarker');
      await page.selectOption('#biomarker-rows .row >> nth=1 >> select[name=gene]', 'ALK');
      await page.selectOption('#biomarker-rows .row >> nth=1 >> select[name=status]', 'negative');
      await page.fill('#pdl1', '30');
      await page.check('input[name=treated][value=yes]');
      await page.fill('#therapy-rows .row >> nth=0 >> input[name=drug]', 'Tagrisso');
      await page.selectOption('#therapy-rows .row >> nth=0 >> select[name=setting]', 'metastatic');
      await page.selectOption('#therapy-rows .row >> nth=0 >> select[name=progressed]', 'true');
      await page.fill('#therapy-rows .row >> nth=0 >> input[name=line]', '1');
      await page.click('#add-therapy');
      await page.selectOption('#therapy-rows .row >> nth=1 >> select[name=class]', 'radiotherapy');
      await page.selectOption('#brain', 'treated_stable');
      await page.selectOption('#ecog', '1');
      await page.fill('#age', '58');
      await page.selectOption('#sex', 'female');
      await page.fill('#zip', '02115');
      await page.selectOption('#distance', '322');
      await page.check('#onco');
      await page.click('#submit');
      await page.locator('article.card.excluded').waitFor();
      expect(received.at(-1)).toEqual({
        diagnosis: { cancer: 'nsclc', histology: 'non_squamous', stage: 'IVB', recurrent: false },
        biomarkers: [
          { gene: 'EGFR', alteration: 'Ex19del' },
          { gene: 'ALK', status: 'negative' },
          { gene: 'PD-L1', tps: 30 },
        ],
        priorTherapies: [
          { drug: 'Tagrisso', setting: 'metastatic', progressed: true, line: 1 },
          { class: 'radiotherapy' },
        ],
        brainMetastases: 'treated_stable',
        ecog: 1,
        age: 58,
        sex: 'female',
        location: { postalCode: '02115', country: 'US', maxDistanceKm: 322 },
        options: { includeExcluded: true },
      });
      await page.screenshot({ path: join(ARTIFACTS, 'page-oncologist.png'), fullPage: true });
    });

    it('"No treatment yet" sends an empty list (treatment-naive)', async () => {
      await page.check('input[name=treated][value=none]');
      await page.click('#submit');
      await page.locator('article.card').first().waitFor();
      expect((received.at(-1) as { priorTherapies?: unknown }).priorTherapies).toEqual([]);
    });

    it('shows each verdict as text, quotes the trial, and never renders trial text as HTML', async () => {
      await page.check('#onco');
      await page.click('#submit');
      await page.locator('article.card.excluded').waitFor();
      const badges = await page.locator('.badge').allTextContents();
      expect(badges.map((b) => b.replace(/^\W+/, ''))).toEqual([
        'Eligible',
        'Possibly eligible',
        'Not eligible',
      ]);
      const eligible = page.locator('article[data-nct="NCT00000001"]');
      await expect(eligible.textContent()).resolves.toContain('Synthetic Cancer Center');
      await expect(eligible.textContent()).resolves.toContain('3 km (2 mi)');
      await expect(eligible.locator('blockquote').first().textContent()).resolves.toContain(
        'exon 19 deletion',
      );
      const possible = page.locator('article[data-nct="NCT00000002"]');
      await expect(possible.locator('h3').textContent()).resolves.toContain('<b>not bold</b>');
      await expect(possible.locator('b').count()).resolves.toBe(0);
      const excluded = page.locator('article[data-nct="NCT00000003"]');
      await expect(excluded.textContent()).resolves.toContain('What rules it out');
      await expect(page.locator('#status').textContent()).resolves.toContain('1 eligible');
      await expect(
        page.locator('.hint', { hasText: 'How we read' }).textContent(),
      ).resolves.toContain('read as exon19del');
    });

    it('shows what was wrong with the input, by field', async () => {
      await page.fill('#age', '999');
      await page.click('#submit');
      await page.locator('#errors:not([hidden])').waitFor();
      await expect(page.locator('#errors').textContent()).resolves.toContain('age: Too big');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('errors');
    });

    it('can be used with the keyboard alone, and moves focus to the results', async () => {
      await page.focus('#histology');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('stage');
      await page.focus('#submit');
      await page.keyboard.press('Enter');
      await page.locator('article.card').first().waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('results-heading');
    });

    it('prints a sheet with questions to ask and without the form or excluded trials', async () => {
      await page.check('#onco');
      await page.click('#submit');
      await page.locator('article.card.excluded').waitFor();
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('#profile-form').isVisible()).resolves.toBe(false);
      await expect(page.locator('article.card.excluded').isVisible()).resolves.toBe(false);
      await expect(page.locator('h2', { hasText: 'Questions to ask' }).isVisible()).resolves.toBe(
        true,
      );
      await expect(
        page.locator('.print-only', { hasText: 'What I entered' }).textContent(),
      ).resolves.toContain('Diagnosis: non-small cell lung cancer');
      await expect(
        page.locator('article[data-nct="NCT00000002"] .print-only').textContent(),
      ).resolves.toContain('PD-L1 TPS');
      await page.screenshot({ path: join(ARTIFACTS, 'page-print.png'), fullPage: true });
      await page.emulateMedia({ media: 'screen' });
    });

    it('made no request anywhere else and raised no error', () => {
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);

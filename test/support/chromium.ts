/**
 * Headless Debian Chromium for the page tests, launched through playwright-core (no browser
 * download): where it is, why a test skips without it, where screenshots go, and one page that
 * records every error the page raises or logs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './shared-data.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM);
/** Empty when Chromium is there; otherwise what a skipped test's title should say. */
export const CHROMIUM_SKIP_REASON = CHROMIUM_AVAILABLE
  ? ''
  : `needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
export const ARTIFACTS = resolve(PROJECT_ROOT, 'test-artifacts');

// No sandbox (containers, CI) and nothing that reaches out to Google on its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenPage {
  browser: Browser;
  page: Page;
  /** Uncaught exceptions and console errors of the page, in order. */
  errors: string[];
}

/** Launches Chromium with one page of the given size; also makes the artifacts folder. */
export async function openPage(options: {
  viewport: { width: number; height: number };
  /** Console errors an expected failure makes the browser log itself. */
  ignoreConsoleError?: (text: string) => boolean;
}): Promise<OpenPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: options.viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !options.ignoreConsoleError?.(m.text())) errors.push(m.text());
  });
  return { browser, page, errors };
}

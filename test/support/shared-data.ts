/**
 * Where the real ClinicalTrials.gov records live: `../shared` beside the checkout (CI and
 * developers have it; a user's fresh clone does not). Tests that need them use
 * `describe.skipIf(!SHARED_AVAILABLE)` and say why in their title.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const SHARED_DIR = process.env.SHARED_DIR ?? resolve(root, '../shared');
export const SHARED_STUDIES_DIR = resolve(SHARED_DIR, 'ctgov/studies');
export const SHARED_AVAILABLE = existsSync(SHARED_STUDIES_DIR);
export const SKIP_REASON = `needs the real records in ${SHARED_STUDIES_DIR} (absent on a fresh clone)`;
export const PROJECT_ROOT = root;
export const FIXTURES_DIR = resolve(root, 'test/fixtures');

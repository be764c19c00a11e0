/**
 * The house construct's bundling, for real: one synth with esbuild on a small fixture handler,
 * then the bundle is inspected and run. (The stack tests skip bundling; this is where the ESM
 * format, the require banner, the bundled SDK, source maps and copied data files are proven.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HouseFunction } from '../../lib/constructs/house-function.ts';

const DATA_TARGET = 'data/fixture.txt';

let outdir: string;
let bundleDir: string;
let code: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'house-fn-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'HouseFunctionProbe');
  new HouseFunction(stack, 'Probe', {
    entry: 'test/infra/fixtures/house-handler.ts',
    description: 'fixture',
    memorySize: 128,
    timeout: Duration.seconds(3),
    logRetention: logs.RetentionDays.ONE_DAY,
    copyFiles: [{ from: 'test/infra/fixtures/house-data.txt', to: DATA_TARGET }],
  });
  app.synth();
  const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  bundleDir = join(outdir, assets[0] as string);
  code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('HouseFunction bundle', () => {
  it('is one minified ESM file with a linked source map and the copied data file', () => {
    expect(readdirSync(bundleDir).sort()).toEqual(['data', 'index.mjs', 'index.mjs.map']);
    expect(existsSync(join(bundleDir, DATA_TARGET))).toBe(true);
    // Booleans, not string matchers: a failure must not print a megabyte of bundle.
    expect(/export\s*\{/.test(code)).toBe(true);
    expect(code.includes('//# sourceMappingURL=index.mjs.map')).toBe(true);
    // Minified: long lines (an unminified bundle averages well under 100 characters a line).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    expect(/from\s*["']@aws-sdk\//.test(code)).toBe(false);
    expect(/import\(["']@aws-sdk\//.test(code)).toBe(false);
    expect(code.includes('class extends') && code.includes('DynamoDB_20120810')).toBe(true);
  });

  it('starts with the createRequire banner, so CommonJS require works in ESM', () => {
    expect(code.startsWith('import { createRequire')).toBe(true);
  });

  it('runs in plain Node: loads, requires a builtin, uses the SDK and reads its data file', () => {
    // A child process, not `import()` here: vitest's module runner would supply its own
    // `require` and hide a missing banner.
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'index.mjs')).href)});
      process.stdout.write(JSON.stringify(await m.handler()));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, FIXTURE_DATA_PATH: join(bundleDir, DATA_TARGET) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(out)).toEqual({
      sdk: 'function',
      os: 'string',
      data: 'house-construct fixture data',
    });
  });
});

/** Deployment configuration: defaults, context strings, and clear errors for bad values. */
import { describe, expect, it } from 'vitest';
import { configFromContext, DEFAULT_CONFIG, parseConfig } from '../../lib/config.ts';

describe('parseConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('accepts the string forms `cdk -c key=value` produces', () => {
    const config = configFromContext(
      (key) =>
        ({
          corsOrigins: 'https://a.example, https://b.example:8443',
          throttleRateLimit: '5',
          throttleBurstLimit: '10',
          alarmEmail: 'ops@example.org',
          logRetentionDays: '14',
          ctgovBaseUrl: 'http://127.0.0.1:4010/api/v2/',
        })[key],
    );
    expect(config).toMatchObject({
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
      throttleRateLimit: 5,
      throttleBurstLimit: 10,
      alarmEmail: 'ops@example.org',
      logRetentionDays: 14,
      ctgovBaseUrl: 'http://127.0.0.1:4010/api/v2',
    });
  });

  it('accepts JSON arrays and numbers from cdk.json', () => {
    expect(
      parseConfig({ corsOrigins: ['*'], throttleRateLimit: 50, throttleBurstLimit: 100 }),
    ).toMatchObject({
      corsOrigins: ['*'],
      throttleRateLimit: 50,
    });
  });

  it('treats an empty value as unset', () => {
    const config = parseConfig({ alarmEmail: '', corsOrigins: '' });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
  });

  it.each([
    [{ alarmEmail: 'not-an-address' }, /alarmEmail/],
    [{ throttleRateLimit: '-3' }, /throttleRateLimit/],
    [{ throttleRateLimit: 'fast' }, /throttleRateLimit/],
    [
      { throttleRateLimit: 100, throttleBurstLimit: 10 },
      /throttleBurstLimit: must be >= throttleRateLimit/,
    ],
    [{ corsOrigins: 'https://a.example/path' }, /corsOrigins/],
    [{ incrementalSyncCron: '0 15 * * *' }, /incrementalSyncCron: expected an EventBridge cron/],
    [{ logRetentionDays: 10 }, /logRetentionDays: must be one of/],
    [{ ctgovBaseUrl: 'ftp://x.example' }, /ctgovBaseUrl/],
  ])('rejects %j with a message naming the key', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
  });

  it('names every bad key at once', () => {
    expect(() => parseConfig({ alarmEmail: 'x', logRetentionDays: 2 })).toThrow(
      /alarmEmail[\s\S]*logRetentionDays|logRetentionDays[\s\S]*alarmEmail/,
    );
  });
});

import * as z from 'zod';

/**
 * Everything a deployer may change, read from CDK context (`cdk.json` "context" or
 * `cdk deploy -c key=value`). Values given with `-c` arrive as strings, so numbers and lists
 * are accepted in both forms. Documented in docs/deploy.md.
 */
export interface TrialMatcherConfig {
  /** EventBridge cron (6 fields, UTC) of the incremental sync (daily, a few hourly tries). */
  readonly incrementalSyncCron: string;
  /** EventBridge cron (6 fields, UTC) of the weekly full sweep. */
  readonly fullSyncCron: string;
  /** Origins allowed by CORS; empty = no CORS headers (the web page is served same-origin). */
  readonly corsOrigins: readonly string[];
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Where alarm notifications go; absent = the SNS topic has no subscription yet. */
  readonly alarmEmail?: string | undefined;
  readonly ctgovBaseUrl: string;
  readonly logRetentionDays: number;
}

export const DEFAULT_CONFIG: TrialMatcherConfig = {
  // ClinicalTrials.gov's data timestamp falls around 09:00 ET (13:00/14:00 UTC). Hourly from
  // 15:00 to 21:00 UTC: the first run is after the refresh in summer and winter time; the later
  // ones cost one /version call when nothing changed, and resume a run that checkpointed before
  // the Lambda timeout or catch a late refresh or a transient outage the same day.
  incrementalSyncCron: '0 15-21 * * ? *',
  // Sunday, half an hour after that day's first incremental run; a sweep that checkpoints is
  // resumed by the next hourly trigger (an open cursor always wins over a new run).
  fullSyncCron: '30 15 ? * SUN *',
  corsOrigins: [],
  throttleRateLimit: 20,
  throttleBurstLimit: 40,
  alarmEmail: undefined,
  ctgovBaseUrl: 'https://clinicaltrials.gov/api/v2',
  logRetentionDays: 30,
};

/** CloudWatch Logs accepts only these retention periods. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const cron = z
  .string()
  .trim()
  .refine((s) => s.split(/\s+/).length === 6, {
    message: 'expected an EventBridge cron with 6 fields, e.g. "0 15 * * ? *"',
  });

const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : v,
  z.array(
    z.string().refine((s) => s === '*' || /^https?:\/\/[^/\s]+$/.test(s), {
      message: 'each CORS origin must be "*" or scheme://host[:port] with no path',
    }),
  ),
);

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  incrementalSyncCron: cron.default(DEFAULT_CONFIG.incrementalSyncCron),
  fullSyncCron: cron.default(DEFAULT_CONFIG.fullSyncCron),
  corsOrigins: list.default([]),
  throttleRateLimit: positiveInt.default(DEFAULT_CONFIG.throttleRateLimit),
  throttleBurstLimit: positiveInt.default(DEFAULT_CONFIG.throttleBurstLimit),
  alarmEmail: z.email().optional(),
  ctgovBaseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DEFAULT_CONFIG.ctgovBaseUrl),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((d) => RETENTION_DAYS.includes(d), {
      message: `must be one of ${RETENTION_DAYS.join(', ')}`,
    })
    .default(DEFAULT_CONFIG.logRetentionDays),
});

export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof TrialMatcherConfig)[];

/**
 * Validates raw values (from context or props); throws one error naming every bad key.
 * An empty string counts as "not set", so `-c alarmEmail=` clears the e-mail.
 */
export function parseConfig(raw: Record<string, unknown>): TrialMatcherConfig {
  const input = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid trial-matcher configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.throttleBurstLimit < config.throttleRateLimit) {
    throw new Error(
      'Invalid trial-matcher configuration:\n  throttleBurstLimit: must be >= throttleRateLimit',
    );
  }
  return config;
}

/** Reads each config key from the construct tree's context. */
export function configFromContext(tryGetContext: (key: string) => unknown): TrialMatcherConfig {
  return parseConfig(Object.fromEntries(CONFIG_KEYS.map((k) => [k, tryGetContext(k)])));
}

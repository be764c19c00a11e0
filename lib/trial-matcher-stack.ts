import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { configFromContext, parseConfig, type TrialMatcherConfig } from './config.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { MatchApi } from './constructs/match-api.ts';
import { SyncJob } from './constructs/sync-job.ts';
import { TrialTable } from './constructs/trial-table.ts';

export const COST_TAG = { key: 'application', value: 'nsclc-trial-matcher' } as const;

export interface TrialMatcherStackProps extends StackProps {
  /** Overrides for the configuration; anything not given is read from CDK context. */
  readonly config?: Partial<TrialMatcherConfig>;
}

/**
 * The whole service: one table, the scheduled sync, the HTTP API (which also serves the web
 * page) and their alarms. Env-agnostic on purpose: no account/region, no lookups, so
 * `cdk synth` works offline without credentials.
 */
export class TrialMatcherStack extends Stack {
  readonly config: TrialMatcherConfig;
  readonly table: TrialTable;
  readonly sync: SyncJob;
  readonly api: MatchApi;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: TrialMatcherStackProps = {}) {
    super(scope, id, props);
    const fromContext = configFromContext((key) => this.node.tryGetContext(key));
    this.config = props.config ? parseConfig({ ...fromContext, ...props.config }) : fromContext;
    const config = this.config;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    // One tag on everything, so the service's cost shows as one line in Cost Explorer.
    Tags.of(this).add(COST_TAG.key, COST_TAG.value);

    this.table = new TrialTable(this, 'Trials');

    this.sync = new SyncJob(this, 'Sync', {
      table: this.table,
      ctgovBaseUrl: config.ctgovBaseUrl,
      incrementalSyncCron: config.incrementalSyncCron,
      fullSyncCron: config.fullSyncCron,
      logRetention,
    });

    this.api = new MatchApi(this, 'Api', {
      table: this.table,
      corsOrigins: config.corsOrigins,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention,
    });

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { email: config.alarmEmail });
    this.alarmTopic.notify(
      this.sync.alarms.errors,
      this.sync.alarms.stale,
      this.sync.alarms.deadLetters,
      this.api.alarms.serverErrors,
      this.api.alarms.latency,
    );

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API; the web page is served at its root',
      value: this.api.url,
    });
    new CfnOutput(this, 'SyncFunctionName', {
      description: 'Invoke once after the first deploy to fill the table (see docs/deploy.md)',
      value: this.sync.fn.functionName,
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.sync.deadLetterQueue.queueUrl });
  }
}

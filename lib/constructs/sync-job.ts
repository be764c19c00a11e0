import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { HouseFunction, type TableBinding } from './house-function.ts';

/**
 * The freshness signal: a metric filter on the sync's own log group counts the log events of
 * runs that ended well, `sync.done` (completed) and `sync.skipped` (the data timestamp had not
 * moved: the data is as fresh as it can be). No handler code is involved; the contract is
 * those two event names, which `test/infra` checks in `functions/sync/run-sync.ts`. The terms
 * are quoted, so they match whether the line is logged as an object or as a JSON string inside
 * Lambda's JSON `message` field. The namespace carries the stack name so two deployments in
 * one account never mix their signals.
 */
export const SYNC_SUCCESS_METRIC = {
  namespacePrefix: 'TrialMatcher',
  metricName: 'SyncSucceeded',
  successEvents: ['sync.done', 'sync.skipped'],
} as const;

export interface SyncJobProps {
  readonly table: TableBinding;
  readonly ctgovBaseUrl: string;
  readonly incrementalSyncCron: string;
  readonly fullSyncCron: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The scheduled ClinicalTrials.gov → DynamoDB sync.
 *
 * Sizing (bench/sync.bench.ts, 2 busy cores): all 1,568 recorded studies in pages of 1,000 took
 * 23 s of CPU (~15 ms a study: parsing and extraction) with a peak RSS of 386 MB including
 * dynalite. Live paging adds ~1 s per 1,000 studies. At 1024 MB (~0.6 vCPU) that is ~40 s
 * for 1.5k studies and a few minutes for 10k, with ~2.5x memory headroom. The timeout is
 * Lambda's maximum, 15 minutes: the sync checkpoints after every page and stops ~20 s before
 * the deadline, so a run that hits it resumes on the next trigger instead of starting over.
 */
export class SyncJob extends Construct {
  readonly fn: HouseFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly incrementalRule: events.Rule;
  readonly fullRule: events.Rule;
  readonly successMetric: cloudwatch.Metric;
  readonly alarms: {
    readonly errors: cloudwatch.Alarm;
    readonly stale: cloudwatch.Alarm;
    readonly deadLetters: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: SyncJobProps) {
    super(scope, id);

    // Receives the event of every asynchronous invocation that failed all its attempts, and
    // every scheduled event EventBridge could not deliver, so no failed run goes unseen.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination (Lambda on-failure destination and EventBridge target DLQ); a DLQ of a DLQ would only move the same messages again.',
    });

    this.fn = new HouseFunction(this, 'SyncStudies', {
      entry: 'functions/sync-studies/handler.ts',
      description: 'Syncs NSCLC studies from ClinicalTrials.gov into the table',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      // Two syncs must never overlap: a second invocation waits (throttled, retried by Lambda).
      reservedConcurrentExecutions: 1,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      // A run queued behind a long full sweep still starts; one older than this is obsolete.
      maxEventAge: Duration.hours(6),
      environment: { CTGOV_BASE_URL: props.ctgovBaseUrl },
    });
    this.fn.bindTable(props.table, 'RW');

    const target = (mode: 'incremental' | 'full') =>
      new targets.LambdaFunction(this.fn, {
        event: events.RuleTargetInput.fromObject({ mode }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      });

    this.incrementalRule = new events.Rule(this, 'DailyIncremental', {
      description: 'Incremental sync after ClinicalTrials.gov refreshes its data (daily)',
      schedule: events.Schedule.expression(`cron(${props.incrementalSyncCron})`),
      targets: [target('incremental')],
    });
    this.addInitialSync(props.logRetention);

    this.fullRule = new events.Rule(this, 'WeeklyFull', {
      description: 'Weekly full sweep: re-reads every study and marks vanished ones stale',
      schedule: events.Schedule.expression(`cron(${props.fullSyncCron})`),
      targets: [target('full')],
    });

    const namespace = `${SYNC_SUCCESS_METRIC.namespacePrefix}/${Stack.of(this).stackName}`;
    new logs.MetricFilter(this, 'SyncSucceededFilter', {
      logGroup: this.fn.logGroup,
      filterPattern: logs.FilterPattern.anyTerm(...SYNC_SUCCESS_METRIC.successEvents),
      metricNamespace: namespace,
      metricName: SYNC_SUCCESS_METRIC.metricName,
      metricValue: '1',
    });
    this.successMetric = new cloudwatch.Metric({
      namespace,
      metricName: SYNC_SUCCESS_METRIC.metricName,
      statistic: 'Sum',
      period: Duration.hours(1),
    });

    this.alarms = {
      errors: new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        alarmDescription: 'The study sync failed (function error or timeout).',
        metric: this.fn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // Hourly periods over 48 hours: one successful run anywhere in the window keeps it OK;
      // no signal at all (sync never ran, kept failing, or stopped logging) is breaching.
      stale: new cloudwatch.Alarm(this, 'StaleDataAlarm', {
        alarmDescription:
          'No successful study sync for 2 days: the trial data is going stale. Check the sync logs and dead-letter queue.',
        metric: this.successMetric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 48,
        datapointsToAlarm: 48,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      deadLetters: new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
        alarmDescription:
          'A sync invocation failed all retries (or could not be delivered) and is in the dead-letter queue.',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };
  }

  /**
   * The first deploy fills the table at once instead of at the next scheduled run: a custom
   * resource invokes the sync asynchronously with `{ mode: 'full' }` when it is created, and
   * never again (updates and deletes do nothing). Its function gets its own role (invoke the
   * sync, write its log group) and a log group with retention, like everything else here.
   */
  private addInitialSync(logRetention: logs.RetentionDays): void {
    const logGroup = new logs.LogGroup(this, 'InitialSyncLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'InitialSyncRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Invokes the study sync once, when the stack is created',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    new cr.AwsCustomResource(this, 'InitialSync', {
      onCreate: {
        service: 'Lambda',
        action: 'Invoke',
        parameters: {
          FunctionName: this.fn.functionName,
          InvocationType: 'Event',
          Payload: JSON.stringify({ mode: 'full' }),
        },
        physicalResourceId: cr.PhysicalResourceId.of('initial-sync'),
        outputPaths: ['StatusCode'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.fn.functionArn],
        }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
    });
  }
}

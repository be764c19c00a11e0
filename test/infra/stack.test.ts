/**
 * Template assertions for the whole stack, from one synth. Bundling is skipped (house-function
 * .test.ts covers it) and so is CDK's built-in CloudFormation validation, a WASM engine that
 * takes 10-25 s per synth on a busy 2-core machine; the real `cdk synth` in CI runs both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTable } from '#store/table.ts';
import { PROJECT_ROOT, TABLE_ACTIONS } from '../../lib/constructs/house-function.ts';
import { ACCESS_LOG_FIELDS, POSTAL_DATA } from '../../lib/constructs/match-api.ts';
import { SYNC_SUCCESS_METRIC } from '../../lib/constructs/sync-job.ts';
import { COST_TAG, TrialMatcherStack } from '../../lib/trial-matcher-stack.ts';

type Json = Record<string, unknown>;
type Resource = {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

const CONFIG = {
  corsOrigins: ['https://clinic.example.org', 'https://partner.example.com'],
  throttleRateLimit: 7,
  throttleBurstLimit: 13,
  alarmEmail: 'oncall@example.org',
  ctgovBaseUrl: 'https://replay.example.test/api/v2',
  logRetentionDays: 90,
  incrementalSyncCron: '30 15 * * ? *',
  fullSyncCron: '0 18 ? * SAT *',
};

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
];

let stack: TrialMatcherStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  stack = new TrialMatcherStack(app, 'Test', { config: CONFIG });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type) as [string, Resource][];

function propsOf(id: string): Json {
  const r = resources[id];
  if (!r) throw new Error(`no resource ${id} in the template`);
  return r.Properties;
}

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnRole);

/** Every IAM statement attached (inline or by AWS::IAM::Policy) to the role with this id. */
function statementsOfRole(
  roleId: string,
): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const policies = ofType('AWS::IAM::Policy').filter(([, p]) =>
    (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId),
  );
  const role = resources[roleId];
  const inline = (
    (role?.Properties.Policies as { PolicyDocument: { Statement: [] } }[]) ?? []
  ).flatMap((p) => p.PolicyDocument.Statement);
  return [
    ...inline,
    ...policies.flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: [] }).Statement),
  ];
}

const envOf = (fn: { node: { defaultChild?: unknown } }) =>
  (propsOf(logicalId(fn)).Environment as { Variables: Json }).Variables;

const actionsOf = (statements: { Action: string | string[] }[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** True when an IAM action pattern (possibly with `*`) covers the action. */
const covers = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  ).test(action);

describe('Lambda functions (house construct)', () => {
  const houseFunctions = () => [stack.sync.fn, stack.api.fn].map((fn) => propsOf(logicalId(fn)));

  it('both run nodejs22.x on arm64 with active tracing, JSON logs and source maps', () => {
    for (const fn of houseFunctions()) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('each writes to its own log group, every log group keeps the configured retention', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    // two house functions, the initial-sync function, API access logs
    expect(groups.length).toBe(4);
    for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(CONFIG.logRetentionDays);
    const used = ofType('AWS::Lambda::Function').map(
      ([, fn]) =>
        ((fn.Properties.LoggingConfig as Json | undefined)?.LogGroup as Json | undefined)?.Ref,
    );
    // Every function, the custom-resource one included, names its log group (no implicit,
    // never-expiring /aws/lambda/… group).
    expect(used.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(used).size).toBe(used.length);
    for (const id of used) expect(resources[id as string]?.Type).toBe('AWS::Logs::LogGroup');
  });

  it('roles carry no managed policies (logs are granted on the function log group only)', () => {
    for (const fn of [stack.sync.fn, stack.api.fn]) {
      const roleId = logicalId(fn.role as never);
      expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
      const logs = statementsOfRole(roleId).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('logs:')),
      );
      expect(logs).toHaveLength(1);
      expect(logs[0]?.Resource).toEqual({ 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] });
    }
  });
});

describe('table', () => {
  it('is on-demand with PITR, deletion protection, encryption and RETAIN', () => {
    const tables = ofType('AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(1);
    const [, table] = tables[0] as [string, Resource];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        {
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      ],
    });
  });

  it('has exactly the keys and index the store creates locally (createTable)', async () => {
    let sent: CreateTableCommandInput | undefined;
    const fakeClient = {
      send: async (command: unknown) => {
        // createTable looks before it creates: report the table missing so it creates it.
        if (command instanceof DescribeTableCommand && !sent) {
          throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
        }
        if (command instanceof CreateTableCommand) sent = command.input;
        return {
          Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexStatus: 'ACTIVE' }] },
        };
      },
    };
    await createTable(fakeClient as never, 'mirror-check');
    expect(sent).toBeDefined();
    const [, table] = ofType('AWS::DynamoDB::GlobalTable')[0] as [string, Resource];
    const byName = <T extends { AttributeName?: string }>(xs: T[] | undefined) =>
      [...(xs ?? [])].sort((a, b) =>
        String(a.AttributeName).localeCompare(String(b.AttributeName)),
      );
    expect(byName(table.Properties.AttributeDefinitions as never)).toEqual(
      byName(sent?.AttributeDefinitions),
    );
    expect(table.Properties.KeySchema).toEqual(sent?.KeySchema);
    const deployed = (table.Properties.GlobalSecondaryIndexes as Json[]).map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    }));
    const local = (sent?.GlobalSecondaryIndexes ?? []).map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    }));
    expect(deployed).toEqual(local);
  });
});

describe('sync', () => {
  const syncId = () => logicalId(stack.sync.fn);
  const houseIds = () => [stack.sync.fn, stack.api.fn].map((fn) => resources[logicalId(fn)]);

  it('runs daily (incremental) and weekly (full) on the configured crons', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const byExpr = Object.fromEntries(rules.map((r) => [r.ScheduleExpression, r]));
    expect(Object.keys(byExpr).sort()).toEqual(
      [`cron(${CONFIG.incrementalSyncCron})`, `cron(${CONFIG.fullSyncCron})`].sort(),
    );
    const targetOf = (expr: string) => (byExpr[expr]?.Targets as Json[] | undefined)?.[0] as Json;
    for (const [expr, mode] of [
      [`cron(${CONFIG.incrementalSyncCron})`, 'incremental'],
      [`cron(${CONFIG.fullSyncCron})`, 'full'],
    ] as const) {
      const target = targetOf(expr);
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [syncId(), 'Arn'] });
      expect(JSON.parse(target.Input as string)).toEqual({ mode });
      expect(target.DeadLetterConfig).toEqual({
        Arn: { 'Fn::GetAtt': [logicalId(stack.sync.deadLetterQueue), 'Arn'] },
      });
    }
  });

  it('default schedules run after the ~09:00 ET data refresh, daily, and a full sweep weekly', async () => {
    const { DEFAULT_CONFIG } = await import('../../lib/config.ts');
    const [minute, hours, dom, month, dow] = DEFAULT_CONFIG.incrementalSyncCron.split(' ');
    const firstHour = Number(String(hours).split(/[-,/]/)[0]);
    // 09:00 EST = 14:00 UTC (EDT: 13:00): the first run of the day is after the refresh.
    expect(firstHour * 60 + Number(minute)).toBeGreaterThanOrEqual(14 * 60);
    expect([dom, month, dow]).toEqual(['*', '*', '?']);
    const full = DEFAULT_CONFIG.fullSyncCron.split(' ');
    expect([full[2], full[3]]).toEqual(['?', '*']);
    expect(full[4]).toMatch(/^(SUN|MON|TUE|WED|THU|FRI|SAT|[1-7])$/);
    expect(Number(full[1]) * 60 + Number(full[0])).toBeGreaterThanOrEqual(14 * 60);
  });

  it('starts one full sync, asynchronously, when the stack is created (and only then)', () => {
    const [[, custom]] = ofType('Custom::AWS') as [[string, Resource]];
    // The SDK call is a JSON document joined around the function's Ref: rebuild and parse it.
    const parts = (custom.Properties.Create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const call = JSON.parse(
      parts.map((p) => (typeof p === 'string' ? p : `<${(p as Json).Ref}>`)).join(''),
    ) as { service: string; action: string; parameters: Record<string, string> };
    expect(call).toMatchObject({
      service: 'Lambda',
      action: 'Invoke',
      parameters: { FunctionName: `<${syncId()}>`, InvocationType: 'Event' },
    });
    expect(JSON.parse(call.parameters.Payload as string)).toEqual({ mode: 'full' });
    expect(custom.Properties.Update).toBeUndefined();
    expect(custom.Properties.Delete).toBeUndefined();
    expect(custom.Properties.InstallLatestAwsSdk).toBe(false);
    const others = ofType('AWS::Lambda::Function').filter(([, f]) => !houseIds().includes(f));
    expect(others).toHaveLength(1);
    const [, providerFn] = others[0] as [string, Resource];
    const roleId = ((providerFn.Properties.Role as Json)['Fn::GetAtt'] as string[])[0] as string;
    const statements = statementsOfRole(roleId);
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(actionsOf(statements).sort()).toEqual(
      ['lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents'].sort(),
    );
    const invoke = statements.find((st) => actionsOf([st]).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [syncId(), 'Arn'] });
  });

  it('has reserved concurrency 1, sized timeout/memory and the table/base-url env', () => {
    const fn = resources[syncId()]?.Properties as Json;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout).toBe(900);
    expect(fn.MemorySize).toBe(1024);
    expect((fn.Environment as Json).Variables).toMatchObject({
      TABLE_NAME: { Ref: expect.any(String) },
      CTGOV_BASE_URL: CONFIG.ctgovBaseUrl,
    });
  });

  it('sends failed async invocations to an encrypted, TLS-only dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: syncId() },
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(stack.sync.deadLetterQueue), 'Arn'] },
        },
      },
    });
    const queueId = logicalId(stack.sync.deadLetterQueue);
    expect(resources[queueId]?.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('HTTP API', () => {
  it('has exactly the five public routes, all on the API function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [
        'GET /',
        'GET /health',
        'GET /v1/openapi.json',
        'GET /v1/trials/{nctId}',
        'POST /v1/match',
      ].sort(),
    );
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    const [integrationId, integration] = integrations[0] as [string, Resource];
    expect(integration.Properties.IntegrationUri).toEqual({
      'Fn::GetAtt': [logicalId(stack.api.fn), 'Arn'],
    });
    for (const r of routes) expect(JSON.stringify(r.Target)).toContain(integrationId);
  });

  it('throttles the default stage at the configured rate and burst', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: CONFIG.throttleRateLimit,
        ThrottlingBurstLimit: CONFIG.throttleBurstLimit,
      },
    });
  });

  it('allows exactly the configured CORS origins', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: CONFIG.corsOrigins },
    });
    const env = envOf(stack.api.fn);
    expect(env.CORS_ORIGINS).toBe(CONFIG.corsOrigins.join(','));
  });

  it('writes JSON access logs with the request id and nothing of the request body', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] as [string, Resource];
    const settings = stage.Properties.AccessLogSettings as {
      DestinationArn: unknown;
      Format: string;
    };
    expect(settings.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalId(stack.api.accessLogs), 'Arn'],
    });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.values(format)).toContain('$context.requestId');
    for (const variable of Object.values(format)) {
      expect(variable).not.toMatch(
        /body|\$input|querystring|header|requestOverride|pathParameter/i,
      );
    }
  });

  it('finds the postal-code data file it copies beside the API bundle, and points the handler at it', () => {
    expect(existsSync(join(PROJECT_ROOT, POSTAL_DATA.from))).toBe(true);
    const env = envOf(stack.api.fn);
    expect(env.POSTAL_DATA_PATH).toBe(`/var/task/${POSTAL_DATA.to}`);
    expect(env.TABLE_NAME).toEqual({ Ref: expect.any(String) });
  });
});

describe('IAM least privilege', () => {
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(stack.table.table), 'Arn'] });

  it('the API role can read the table but cannot write to it', () => {
    const statements = statementsOfRole(logicalId(stack.api.fn.role as never));
    const actions = actionsOf(statements);
    for (const write of WRITE_ACTIONS) {
      expect(
        actions.filter((a) => covers(a, write)),
        write,
      ).toEqual([]);
    }
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      [...TABLE_ACTIONS.RO].sort(),
    );
  });

  it('the sync role can write the table', () => {
    const actions = actionsOf(statementsOfRole(logicalId(stack.sync.fn.role as never)));
    expect(actions).toEqual(expect.arrayContaining(WRITE_ACTIONS));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      [...TABLE_ACTIONS.RW].sort(),
    );
  });

  it('table grants name the table and its index, never a wildcard', () => {
    for (const fn of [stack.api.fn, stack.sync.fn]) {
      const statements = statementsOfRole(logicalId(fn.role as never)).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('dynamodb:')),
      );
      expect(statements).toHaveLength(1);
      const res = statements[0]?.Resource as unknown[];
      expect(res[0]).toEqual(tableArn());
      expect(JSON.stringify(res.slice(1))).toContain('/index/active');
      expect(JSON.stringify(res)).not.toContain('/index/*');
    }
  });

  it('Resource "*" appears only in the X-Ray statements (the acknowledged IAM5 finding)', () => {
    for (const [id] of ofType('AWS::IAM::Role')) {
      for (const st of statementsOfRole(id)) {
        if (JSON.stringify(st.Resource).includes('"*"') || st.Resource === '*') {
          expect(
            actionsOf([st]).every((a) => a.startsWith('xray:')),
            id,
          ).toBe(true);
        }
      }
    }
  });

  it('no role gets a service-wide wildcard action', () => {
    for (const [id] of ofType('AWS::IAM::Role')) {
      for (const action of actionsOf(statementsOfRole(id)))
        expect(action).not.toMatch(/(^\*$|:\*$)/);
    }
  });
});

describe('alarms', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const topicRef = () => ({ Ref: logicalId(stack.alarmTopic.topic) });

  it('every alarm notifies the SNS topic, which mails the configured address', () => {
    expect(alarms()).toHaveLength(5);
    for (const a of alarms()) {
      expect(a.AlarmActions).toEqual([topicRef()]);
      expect(a.OKActions).toEqual([topicRef()]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: CONFIG.alarmEmail,
      TopicArn: topicRef(),
    });
  });

  it('fires when a sync fails', () => {
    const errors = alarms().find((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    expect(errors).toMatchObject({
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.sync.fn) } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      Statistic: 'Sum',
    });
  });

  it('fires when no successful sync was seen for 2 days (missing data breaches)', () => {
    const stale = alarms().find((a) => a.MetricName === SYNC_SUCCESS_METRIC.metricName);
    expect(stale).toMatchObject({
      Namespace: `${SYNC_SUCCESS_METRIC.namespacePrefix}/${stack.stackName}`,
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Statistic: 'Sum',
    });
    expect((stale?.Period as number) * (stale?.EvaluationPeriods as number)).toBe(2 * 24 * 3600);
    expect(stale?.DatapointsToAlarm).toBe(stale?.EvaluationPeriods);
  });

  it("counts a success for each run the sync's own log reports as done or skipped", () => {
    const filters = ofType('AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters).toHaveLength(1);
    const filter = filters[0] as Json;
    expect(filter.LogGroupName).toEqual({ Ref: logicalId(stack.sync.fn.logGroup) });
    expect(filter.MetricTransformations).toEqual([
      {
        MetricNamespace: `${SYNC_SUCCESS_METRIC.namespacePrefix}/${stack.stackName}`,
        MetricName: SYNC_SUCCESS_METRIC.metricName,
        MetricValue: '1',
      },
    ]);
    // Quoted terms, OR-ed: they match inside Lambda's JSON `message`, as object or as string.
    expect(filter.FilterPattern).toBe(
      SYNC_SUCCESS_METRIC.successEvents.map((e) => `?"${e}"`).join(' '),
    );
  });

  it('relies on log events the sync really writes (contract with functions/sync)', () => {
    const source = readFileSync(join(PROJECT_ROOT, 'functions/sync/run-sync.ts'), 'utf8');
    for (const event of SYNC_SUCCESS_METRIC.successEvents) {
      expect(source.includes(`event: '${event}'`), event).toBe(true);
    }
  });

  it('fires on dead-lettered sync events', () => {
    const dlq = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlq?.Dimensions).toEqual([
      {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [logicalId(stack.sync.deadLetterQueue), 'QueueName'] },
      },
    ]);
  });

  it('watches API 5xx and latency', () => {
    const apiDim = [{ Name: 'ApiId', Value: { Ref: logicalId(stack.api.api) } }];
    const fiveXx = alarms().find((a) => a.MetricName === '5xx');
    expect(fiveXx).toMatchObject({ Namespace: 'AWS/ApiGateway', Dimensions: apiDim, Threshold: 1 });
    const latency = alarms().find((a) => a.MetricName === 'Latency');
    expect(latency).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: apiDim,
      ExtendedStatistic: 'p95',
    });
  });
});

describe('cost allocation', () => {
  it('tags the table, functions, API, queue and topic with the application tag', () => {
    const tag = { Key: COST_TAG.key, Value: COST_TAG.value };
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::SQS::Queue',
      'AWS::SNS::Topic',
      'AWS::Logs::LogGroup',
    ]) {
      for (const [id, r] of ofType(type))
        expect(r.Properties.Tags, `${type} ${id}`).toContainEqual(tag);
    }
    const [, table] = ofType('AWS::DynamoDB::GlobalTable')[0] as [string, Resource];
    expect((table.Properties.Replicas as Json[])[0]?.Tags).toContainEqual(tag);
    const [, api] = ofType('AWS::ApiGatewayV2::Api')[0] as [string, Resource];
    expect(api.Properties.Tags).toMatchObject({ [COST_TAG.key]: COST_TAG.value });
  });
});

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Project root (two levels above this file), so entries resolve whatever the cwd is. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const LAMBDA_CREDENTIALS_MODULE = path.join(PROJECT_ROOT, 'functions/http/lambda-credentials.ts');

/** A table plus the names of its indexes, so grants can name each index ARN (no `index/*`). */
export interface TableBinding {
  readonly table: dynamodb.ITableV2;
  readonly indexNames: readonly string[];
}

export type TableAccess = 'RO' | 'RW';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Actions each access mode grants: exported so tests assert against the same lists. */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  RO: READ_ACTIONS,
  RW: [...READ_ACTIONS, ...WRITE_ACTIONS],
};

/** A file copied beside the bundle after esbuild ran (data the handler reads at runtime). */
export interface BundledFile {
  /** Path relative to the project root. */
  readonly from: string;
  /** Path inside the bundle directory (`/var/task/<to>` at runtime). */
  readonly to: string;
}

export interface HouseFunctionProps {
  /** Handler source, relative to the project root (e.g. `functions/api/handler.ts`). */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  readonly reservedConcurrentExecutions?: number;
  readonly copyFiles?: readonly BundledFile[];
  /** Options for asynchronous invocations (destinations, retries). */
  readonly onFailure?: lambda.IDestination;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
}

/**
 * The one way this project builds a Lambda: Node.js 22 on ARM64, a minified ESM bundle made
 * by the local esbuild (never Docker) with the AWS SDK bundled so its version is pinned by our
 * lockfile, source maps on, an explicit log group with retention, JSON logs and X-Ray.
 * The role starts empty: logs and table access are granted explicitly, no managed policies.
 */
export class HouseFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Bounded by retention anyway; an orphaned group after `cdk destroy` only costs money.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    const copyCommands = (inputDir: string, outputDir: string): string[] =>
      (props.copyFiles ?? []).map((f) => {
        const target = path.posix.join(outputDir, f.to);
        return `mkdir -p "${path.posix.dirname(target)}" && cp "${path.posix.join(inputDir, f.from)}" "${target}"`;
      });

    super(scope, id, {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        // Linked (file + sourceMappingURL comment): --enable-source-maps needs the comment to find it.
        sourceMapMode: nodejs.SourceMapMode.DEFAULT,
        sourcesContent: false,
        keepNames: true,
        mainFields: ['module', 'main'],
        // Bundle the SDK too: pinned by our lockfile and faster to import (stack-notes §4).
        externalModules: [],
        // On Lambda the credentials are always in the environment: swap the SDK's default
        // provider chain (SSO, STS, INI, IMDS …) for fromEnv. ~130 KB less to parse at cold start.
        esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_MODULE },
        forceDockerBundling: false,
        // Some CJS dependencies call require(); an ESM bundle needs one.
        banner:
          "import { createRequire as __houseCreateRequire } from 'node:module';const require = __houseCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: copyCommands,
        },
      },
    });

    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: it is the runtime the project targets (esbuild target node22, supported by Lambda into 2027); moving to a newer runtime is a deliberate, tested upgrade, not an automatic one.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement that active tracing adds (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource "*": X-Ray supports no resource-level permissions for these actions. Table, log and queue grants name their ARNs.',
    });
  }

  /** Sets TABLE_NAME and grants exactly the actions of `access` on the table and its indexes. */
  bindTable(binding: TableBinding, access: TableAccess): void {
    const { table, indexNames } = binding;
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: access === 'RO' ? 'ReadTable' : 'ReadWriteTable',
        actions: [...TABLE_ACTIONS[access]],
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableBinding } from './house-function.ts';

/**
 * The key schema of the one table. It must match `createTable` in
 * `functions/store/dynamo-repository.ts` (the local dynalite table), so that what the tests
 * exercise locally is what runs in AWS; `test/infra` compares the two.
 */
export const TABLE_KEYS = {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
} as const;

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  readonly nonKeyAttributes: readonly string[];
}

/**
 * The sparse `active` index: only non-stale META items carry `indexPk` (`ACTIVE#0..3`), so a
 * cold API container lists exactly the active trials, reading the four shards in parallel and
 * getting only the compact `match` attribute.
 */
export const TABLE_INDEXES: readonly IndexDefinition[] = [
  {
    indexName: 'active',
    partitionKey: { name: 'indexPk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    nonKeyAttributes: ['match'],
  },
];

/**
 * On-demand (traffic is one sync a day plus bursty matches: nothing to provision), point-in-time
 * recovery, deletion protection and RETAIN: the table outlives the stack.
 *
 * Encryption uses the AWS-managed key (`aws/dynamodb`) rather than a customer-managed KMS key:
 * the table holds only public ClinicalTrials.gov records and their extracted facts (patient
 * profiles are never stored), so a key policy of our own buys no extra control, while the
 * AWS-managed key still shows each use in CloudTrail and costs nothing per month (a CMK is
 * $1/month plus grants on every function).
 */
export class TrialTable extends Construct implements TableBinding {
  readonly table: dynamodb.TableV2;
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: TABLE_KEYS.partitionKey,
      sortKey: TABLE_KEYS.sortKey,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
        indexName: index.indexName,
        partitionKey: index.partitionKey,
        sortKey: index.sortKey,
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      })),
    });
    this.indexNames = TABLE_INDEXES.map((index) => index.indexName);
  }
}

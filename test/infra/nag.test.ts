/**
 * cdk-nag (AwsSolutions) over the app exactly as bin/app.ts builds it. cdk-nag 3 is a CDK
 * validation plugin: its findings land in the validation report (and fail the synth), not in
 * construct annotations, so they are collected with the pack's own `validateScope`.
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app.ts';

// Bundling is not under test here; the built-in CloudFormation schema validation (slow WASM)
// runs in the real `cdk synth` of CI.
const TEST_APP_PROPS = {
  context: { 'aws:cdk:bundling-stacks': [] },
  builtinCloudFormationValidation: false,
};

/** The findings we accept, each acknowledged where it arises with a written reason. */
const EXPECTED_ACKNOWLEDGED = [
  'AwsSolutions-APIG4',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-L1',
  'AwsSolutions-SQS3',
];

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

let app: App;

beforeAll(() => {
  app = createApp(TEST_APP_PROPS).app;
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) =>
        `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the expected rules, each with a written reason', () => {
    const acks = acknowledgments(app);
    expect([...new Set(acks.map((a) => a.id))].sort()).toEqual(EXPECTED_ACKNOWLEDGED);
    for (const a of acks) {
      expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('fails the synth when a finding is not acknowledged (the plugin is registered)', () => {
    const { app: badApp } = createApp(TEST_APP_PROPS);
    const extra = new Stack(badApp, 'NagProbe');
    // Unencrypted at rest is allowed by SQS defaults but not by the pack (SQS2/SQS4).
    new sqs.Queue(extra, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => badApp.synth()).toThrow(/AwsSolutions-SQS|Validation failed/);
  });
});

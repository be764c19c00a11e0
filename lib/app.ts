import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TrialMatcherStack } from './trial-matcher-stack.ts';

export const DEFAULT_STACK_NAME = 'NsclcTrialMatcher';

/**
 * The app as `cdk synth` builds it (bin/app.ts) and as the tests build it. cdk-nag's
 * AwsSolutions pack is registered as a validation plugin: an unacknowledged finding fails the
 * synth. (cdk-nag 3 runs through `Validations`, not Aspects, and reports in the validation
 * report, not as construct annotations.)
 */
export function createApp(props: AppProps = {}): { app: App; stack: TrialMatcherStack } {
  const app = new App(props);
  const stackName = app.node.tryGetContext('stackName') as string | undefined;
  const stack = new TrialMatcherStack(app, stackName || DEFAULT_STACK_NAME, {
    description: 'NSCLC clinical-trial matcher: ClinicalTrials.gov sync, DynamoDB, HTTP API',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

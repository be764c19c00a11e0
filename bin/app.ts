#!/usr/bin/env node
/**
 * The CDK app. Env-agnostic (no account/region, no lookups) so `cdk synth` runs offline with
 * no credentials; `cdk deploy` takes the account and region from the caller's AWS profile.
 */
import { createApp } from '../lib/app.ts';

createApp().app.synth();

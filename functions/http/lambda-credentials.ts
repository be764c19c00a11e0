/**
 * Optional build-time substitute for `@aws-sdk/credential-provider-node` in the Lambda bundle
 * (esbuild `alias`). On Lambda the function's credentials are always in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the default chain's
 * SSO, STS, INI, process and IMDS providers are dead weight: about 130 KB of the minified
 * bundle, and parse time on every cold start. Never used outside a Lambda bundle.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown) => fromEnv();

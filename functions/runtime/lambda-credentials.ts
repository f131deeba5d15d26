// The AWS SDK's credential provider in the Lambda bundles (infra/constructs/lambda-bundle.ts aliases
// @aws-sdk/credential-provider-node to this file). Lambda puts the function role's credentials in the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), which is where the default
// chain finds them first; its other sources (SSO, ini files, processes, web identity, container and
// instance metadata, with the STS and SSO clients they need) are ~100 KiB a cold start would compile
// and never use. Tests and local runs do not bundle, and keep the default chain.
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** The default chain's export, reduced to its first source: the environment. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

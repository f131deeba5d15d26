import { type AwsClients, awsRuntime, defaultClients, FUNCTION_EFFECTS } from "./aws-runtime.ts";
import { type Environment, readEnvironment, required } from "./environment.ts";
import type { UnsubscribeDeps } from "./unsubscribe-request.ts";
import { cachedSecret } from "./unsubscribe-secret.ts";

/** The unsubscribe endpoint's runtime on AWS: the common one, and the cached link-signing key. */
export function awsUnsubscribeDeps(
  clients: AwsClients = defaultClients(),
  env: Environment = readEnvironment(),
): UnsubscribeDeps {
  return {
    runtime: awsRuntime(clients, env, FUNCTION_EFFECTS.unsubscribe),
    secret: cachedSecret(clients.secrets, required(env, "UNSUBSCRIBE_SECRET_ARN")),
  };
}

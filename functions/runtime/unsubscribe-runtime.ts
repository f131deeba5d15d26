import { cachedSecret } from "../adapters/secrets-manager-secret.ts";
import type { UnsubscribeDeps } from "../use-cases/unsubscribe.ts";
import { type AwsClients, awsRuntime, defaultClients, FUNCTION_EFFECTS } from "../wiring.ts";
import { type Environment, readEnvironment, required } from "./environment.ts";

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

import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PermanentError, RetryableError, translateAwsError } from "./errors.ts";

/** How long a container keeps the signing key before reading it again (picks up a manual rotation). */
export const SECRET_CACHE_MS = 15 * 60_000;

/**
 * The link-signing key from Secrets Manager, read once and kept for SECRET_CACHE_MS; a failed read is
 * not kept, so the next request tries again. A key that cannot be read is this deployment's gap, never
 * final for a message that needs it: every failure is a RetryableError.
 */
export function cachedSecret(
  client: SecretsManagerClient,
  secretArn: string,
  now: () => number = Date.now,
): () => Promise<string> {
  let cached: { value: Promise<string>; readAt: number } | undefined;
  return () => {
    if (!cached || now() - cached.readAt > SECRET_CACHE_MS) {
      const value = client
        .send(new GetSecretValueCommand({ SecretId: secretArn }))
        .then((out) => {
          if (!out.SecretString) throw new Error("the unsubscribe secret has no string value");
          return out.SecretString;
        })
        .catch((error: unknown) => {
          if (cached?.value === value) cached = undefined;
          const failure = translateAwsError(error, "Secrets Manager GetSecretValue (unsubscribe key)");
          throw failure instanceof PermanentError
            ? new RetryableError(failure.message, failure.reason)
            : failure;
        });
      cached = { value, readAt: now() };
    }
    return cached.value;
  };
}

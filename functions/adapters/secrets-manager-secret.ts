import { AwsJsonClient, type AwsJsonClientConfig, type RawOutput } from "./aws-json-request.ts";
import { PermanentError, RetryableError, translateAwsError } from "./errors.ts";
import { lazyClient } from "./lazy-client.ts";
import {
  SDK_CONNECTION_TIMEOUT_MS,
  SDK_MAX_ATTEMPTS,
  SDK_REQUEST_TIMEOUT_MS,
} from "./sdk-client-settings.ts";

/** How long a container keeps the signing key before reading it again (picks up a manual rotation). */
export const SECRET_CACHE_MS = 15 * 60_000;

const SECRETS_MANAGER = {
  signingName: "secretsmanager",
  targetPrefix: "secretsmanager",
  contentType: "application/x-amz-json-1.1",
  endpointVariable: "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  maxAttempts: SDK_MAX_ATTEMPTS,
  attemptTimeoutMs: SDK_CONNECTION_TIMEOUT_MS + SDK_REQUEST_TIMEOUT_MS,
};

export type GetSecretValueOutput = RawOutput & { SecretString?: string; ARN?: string; VersionId?: string };

/**
 * Secrets Manager's GetSecretValue over the functions' own JSON-protocol client (aws-json-request.ts),
 * not the SDK's: the SDK's client was most of the unsubscribe function's cold start (~100 ms of CPU).
 * The other SDK clients' limits (sdk-client-settings.ts): 2 attempts, 1 s + 3 s each.
 */
export class SecretsManagerSecrets {
  private readonly client: AwsJsonClient;

  constructor(config: AwsJsonClientConfig = {}) {
    this.client = new AwsJsonClient(SECRETS_MANAGER, config);
  }

  /** Attempts per call, and one attempt's bound (the test that checks every client's limits). */
  get maxAttempts(): number {
    return this.client.maxAttempts;
  }

  get attemptTimeoutMs(): number {
    return this.client.attemptTimeoutMs;
  }

  /** Rejects with the service's error (its name, `$fault`, `$metadata`) as the SDK's client did. */
  getSecretValue(input: { SecretId: string; VersionStage?: string }): Promise<GetSecretValueOutput> {
    return this.client.call("GetSecretValue", JSON.stringify(input));
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.client.destroy();
  }
}

/**
 * The link-signing key from Secrets Manager, read once and kept for SECRET_CACHE_MS; a failed read is
 * not kept, so the next request tries again. A key that cannot be read is this deployment's gap, never
 * final for a message that needs it: every failure is a RetryableError.
 */
export function cachedSecret(
  client: Pick<SecretsManagerSecrets, "getSecretValue">,
  secretArn: string,
  now: () => number = Date.now,
): () => Promise<string> {
  let cached: { value: Promise<string>; readAt: number } | undefined;
  return () => {
    if (!cached || now() - cached.readAt > SECRET_CACHE_MS) {
      const value = client
        .getSecretValue({ SecretId: secretArn })
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

/** The client a function makes on its first read (a test gives its own). */
export const secretsClient = () => lazyClient(() => new SecretsManagerSecrets());

/** The cached signing key, read with the given client or one made on first use. */
export const unsubscribeSecret = (client: SecretsManagerSecrets | undefined, secretArn: string) =>
  cachedSecret(client ?? secretsClient(), secretArn);

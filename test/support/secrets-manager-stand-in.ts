import type { WireRequest, WireResponse } from "../../functions/adapters/aws-json-request.ts";
import { SecretsManagerSecrets } from "../../functions/adapters/secrets-manager-secret.ts";

/**
 * The functions' own Secrets Manager client, its requests answered in the process (no socket): the
 * secret, or first the failures a test queued. Its retries do not wait.
 */
export function secretsManagerStandIn(secretString: string) {
  const requests: WireRequest[] = [];
  const failures: WireResponse[] = [];
  const client = new SecretsManagerSecrets({
    region: "us-east-1",
    endpoint: "https://secretsmanager.us-east-1.amazonaws.com",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    sleep: async () => {},
    transport: async (request) => {
      requests.push(request);
      const { SecretId } = JSON.parse(request.body) as { SecretId: string };
      return (
        failures.shift() ?? {
          status: 200,
          headers: {},
          body: JSON.stringify({ ARN: SecretId, SecretString: secretString, VersionId: "v1" }),
        }
      );
    },
  });
  return {
    client,
    /** Every request sent, retries included. */
    requests,
    /** The next `times` requests answer this error (`__type` names it, as Secrets Manager does). */
    fail(status: number, name: string, times = 1) {
      for (let i = 0; i < times; i++)
        failures.push({ status, headers: {}, body: JSON.stringify({ __type: name, message: name }) });
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
    },
  };
}

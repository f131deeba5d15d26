import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { cachedSecret, SecretsManagerSecrets } from "../../functions/adapters/secrets-manager-secret.ts";
import { type Answer, scriptedEndpoint as scriptedAwsEndpoint } from "../support/scripted-endpoint.ts";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:unsubscribe-AbCdEf";
const credentials = { accessKeyId: "local", secretAccessKey: "local" };

/** A local Secrets Manager stand-in answering each request with the next of `answers` (then the secret). */
const scriptedEndpoint = (answers: Answer[]) =>
  scriptedAwsEndpoint(answers, (response) =>
    response
      .writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1" })
      .end(JSON.stringify({ ARN, Name: "unsubscribe", SecretString: "signing-key", VersionId: "v1" })),
  );

/** Secrets Manager's error answer: its name in `__type`, the text in `Message`. */
const awsError =
  (status: number, name: string, message = name) =>
  (response: ServerResponse) =>
    response
      .writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-err" })
      .end(JSON.stringify({ __type: name, Message: message }));

async function withEndpoint(
  answers: ((response: ServerResponse) => void)[],
  test: (
    client: SecretsManagerSecrets,
    endpoint: Awaited<ReturnType<typeof scriptedEndpoint>>,
    sleeps: number[],
  ) => Promise<void>,
) {
  const endpoint = await scriptedEndpoint(answers);
  const sleeps: number[] = [];
  const client = new SecretsManagerSecrets({
    endpoint: endpoint.url,
    region: "eu-west-1",
    credentials,
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  try {
    await test(client, endpoint, sleeps);
  } finally {
    client.destroy();
    endpoint.close();
  }
}

describe("GetSecretValue without the SDK", () => {
  it("sends Secrets Manager's JSON 1.1 request, signed for secretsmanager, and reads the answer", async () => {
    await withEndpoint([], async (client, endpoint) => {
      const out = await client.getSecretValue({ SecretId: ARN });
      expect(out).toMatchObject({ ARN, SecretString: "signing-key", VersionId: "v1" });
      expect(out.$metadata).toEqual({ httpStatusCode: 200, requestId: "req-1", attempts: 1 });
      const [request] = endpoint.requests;
      expect(JSON.parse(request!.body)).toEqual({ SecretId: ARN });
      expect(request!.headers).toMatchObject({
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "secretsmanager.GetSecretValue",
      });
      expect(request!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, /,
      );
    });
  });

  it("rejects with the service's error name, message, fault and metadata", async () => {
    const missing = awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the secret.");
    await withEndpoint([missing], async (client, endpoint) => {
      const error = await client.getSecretValue({ SecretId: ARN }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "ResourceNotFoundException",
        message: "Secrets Manager can't find the secret.",
        $fault: "client",
        $metadata: { httpStatusCode: 400, requestId: "req-err", attempts: 1 },
      });
      expect(endpoint.requests).toHaveLength(1); // a client error is not retried
    });
  });

  it("retries a server error and throttling once (the other SDK clients' 2 attempts), with the standard backoff", async () => {
    await withEndpoint([awsError(500, "InternalServiceError")], async (client, endpoint, sleeps) => {
      expect((await client.getSecretValue({ SecretId: ARN })).$metadata.attempts).toBe(2);
      expect(endpoint.requests).toHaveLength(2);
      expect(sleeps).toEqual([200]); // up to 2^1 x 100 ms
    });
    await withEndpoint(
      [awsError(400, "ThrottlingException"), awsError(400, "ThrottlingException")],
      async (client, endpoint, sleeps) => {
        const error = await client.getSecretValue({ SecretId: ARN }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "ThrottlingException", $metadata: { attempts: 2 } });
        expect(endpoint.requests).toHaveLength(2);
        expect(sleeps).toEqual([1_000]); // up to 2^1 x 500 ms
      },
    );
  });

  it("bounds each attempt: an endpoint that never answers fails with TimeoutError after both attempts", async () => {
    const silent = () => {}; // never answers
    await withEndpoint([silent, silent], async (_client, endpoint) => {
      const client = new SecretsManagerSecrets({
        endpoint: endpoint.url,
        region: "eu-west-1",
        credentials,
        attemptTimeoutMs: 100,
        sleep: async () => {},
      });
      try {
        const error = await client.getSecretValue({ SecretId: ARN }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "TimeoutError" });
        expect(endpoint.requests).toHaveLength(2);
      } finally {
        client.destroy();
      }
    });
  });
});

describe("cachedSecret over the endpoint", () => {
  it("reads the key once; a failed read is a RetryableError named by the service, not kept", async () => {
    await withEndpoint(
      [awsError(400, "AccessDeniedException", "not authorized")],
      async (client, endpoint) => {
        const read = cachedSecret(client, ARN);
        const failure = await read().catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(RetryableError);
        expect(failure).toMatchObject({ reason: "AccessDeniedException" });
        expect(await read()).toBe("signing-key");
        expect(await read()).toBe("signing-key");
        expect(endpoint.requests).toHaveLength(2);
      },
    );
  });

  it("refuses a secret without a string value (as before: the plain error, not kept)", async () => {
    const binary = (response: ServerResponse) =>
      response
        .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify({ ARN, SecretBinary: "AAEC" }));
    await withEndpoint([binary], async (client) => {
      const read = cachedSecret(client, ARN);
      await expect(read()).rejects.toThrow("the unsubscribe secret has no string value");
      expect(await read()).toBe("signing-key");
    });
  });
});

import { createHash, createHmac } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  BatchGetCommand as SdkBatchGetCommand,
  GetCommand as SdkGetCommand,
  PutCommand as SdkPutCommand,
  QueryCommand as SdkQueryCommand,
} from "@aws-sdk/lib-dynamodb";
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedJsonHeaders } from "../../functions/adapters/aws-json-request.ts";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDbDocuments,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  signedHeaders,
  UpdateCommand,
} from "../../functions/adapters/dynamodb-documents.ts";
import { translateAwsError } from "../../functions/adapters/errors.ts";
import { type Answer, scriptedEndpoint as scriptedAwsEndpoint } from "../support/scripted-endpoint.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "./local-dynamodb.ts";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

describe("the DynamoDB client against dynalite, beside the SDK's DocumentClient", () => {
  let db: LocalDynamoDb;
  let client: DynamoDbDocuments;
  beforeAll(async () => {
    db = await startLocalDynamoDb();
    await createTable(db.client, "Tbl", "pk", "sk");
    client = new DynamoDbDocuments({ endpoint: db.endpoint, region: "us-east-1", credentials });
  });
  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });

  const item = {
    pk: "c-1",
    sk: "a",
    version: 3,
    big: 2 ** 40,
    state: new Uint8Array([0, 1, 2, 250, 255]),
    tags: new Set(["x", "y"]),
    nested: { list: [1, "two", { three: true }], nothing: null },
  };

  it("writes what the SDK reads and reads what the SDK writes, values and bytes alike", async () => {
    await client.send(new PutCommand({ TableName: "Tbl", Item: { ...item, gone: undefined } }));
    const bySdk = await db.sdkDocuments.send(
      new SdkGetCommand({ TableName: "Tbl", Key: { pk: "c-1", sk: "a" } }),
    );
    expect(bySdk.Item).toEqual(item);
    await db.sdkDocuments.send(new SdkPutCommand({ TableName: "Tbl", Item: { ...item, sk: "b" } }));
    const ours = await client.send(
      new GetCommand({ TableName: "Tbl", Key: { pk: "c-1", sk: "b" }, ConsistentRead: true }),
    );
    expect(ours.Item).toEqual({ ...item, sk: "b" });
    expect(ours.Item?.state).toBeInstanceOf(Uint8Array);
    expect(ours.$metadata.httpStatusCode).toBe(200);
    // A Buffer (gzipSync's) is bytes too, not its toJSON() object.
    await client.send(
      new PutCommand({ TableName: "Tbl", Item: { pk: "c-1", sk: "c", state: Buffer.from([1, 2, 3]) } }),
    );
    const buffer = await db.sdkDocuments.send(
      new SdkGetCommand({ TableName: "Tbl", Key: { pk: "c-1", sk: "c" } }),
    );
    expect(buffer.Item?.state).toEqual(new Uint8Array([1, 2, 3]));
    await client.send(
      new BatchWriteCommand({ RequestItems: { Tbl: [{ DeleteRequest: { Key: { pk: "c-1", sk: "c" } } }] } }),
    );
  });

  it("queries, scans, updates and batches with the DocumentClient's shapes", async () => {
    const query = {
      TableName: "Tbl",
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "c-1" },
    };
    const [ours, sdk] = [
      await client.send(new QueryCommand(query)),
      await db.sdkDocuments.send(new SdkQueryCommand(query)),
    ];
    expect(ours.Items).toEqual(sdk.Items);
    const page = await client.send(new QueryCommand({ ...query, Limit: 1 }));
    expect(page.LastEvaluatedKey).toEqual({ pk: "c-1", sk: "a" });
    const next = await client.send(new QueryCommand({ ...query, ExclusiveStartKey: page.LastEvaluatedKey }));
    expect(next.Items?.map((each) => each.sk)).toEqual(["b"]);
    expect((await client.send(new ScanCommand({ TableName: "Tbl" }))).Items).toHaveLength(2);

    const updated = await client.send(
      new UpdateCommand({
        TableName: "Tbl",
        Key: { pk: "c-1", sk: "a" },
        UpdateExpression: "ADD tags :t SET version = :v",
        ExpressionAttributeValues: { ":t": new Set(["z"]), ":v": 4 },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(updated.Attributes?.tags).toEqual(new Set(["x", "y", "z"]));

    await client.send(
      new BatchWriteCommand({
        RequestItems: {
          Tbl: [
            { PutRequest: { Item: { pk: "c-2", sk: "a", n: 1 } } },
            { DeleteRequest: { Key: { pk: "c-1", sk: "b" } } },
          ],
        },
      }),
    );
    const keys = [
      { pk: "c-2", sk: "a" },
      { pk: "c-1", sk: "b" },
    ];
    const batch = await client.send(
      new BatchGetCommand({ RequestItems: { Tbl: { Keys: keys, ConsistentRead: true } } }),
    );
    const sdkBatch = await db.sdkDocuments.send(
      new SdkBatchGetCommand({ RequestItems: { Tbl: { Keys: keys } } }),
    );
    expect(batch.Responses?.Tbl).toEqual([{ pk: "c-2", sk: "a", n: 1 }]);
    expect(batch.Responses).toEqual(sdkBatch.Responses);
  });

  it("throws DynamoDB's errors by name, with $metadata, as the adapters check them", async () => {
    const failed = await client
      .send(
        new PutCommand({
          TableName: "Tbl",
          Item: { pk: "c-2", sk: "a" },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      )
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({
      name: "ConditionalCheckFailedException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    const missing = await client
      .send(new GetCommand({ TableName: "Nowhere", Key: { pk: "x", sk: "y" } }))
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: "ResourceNotFoundException" });
    expect(translateAwsError(missing, "GetItem").name).toBe("PermanentError");
  });
});

/** A local DynamoDB stand-in that answers each request with the next of `answers` (then 200 `{}`). */
const scriptedEndpoint = (answers: Answer[]) =>
  scriptedAwsEndpoint(answers, (response) =>
    response.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end("{}"),
  );

const awsError = (status: number, name: string) => (response: ServerResponse) =>
  response
    .writeHead(status, { "content-type": "application/x-amz-json-1.0" })
    .end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: name }));

describe("retries like the SDK's standard mode", () => {
  const clientOn = (url: string, sleeps: number[], extra = {}) =>
    new DynamoDbDocuments({
      endpoint: url,
      region: "us-east-1",
      credentials,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });

  it("retries throttling with a 500 ms base and server errors with 100 ms, full jitter, then answers", async () => {
    const endpoint = await scriptedEndpoint([
      awsError(400, "ProvisionedThroughputExceededException"),
      awsError(500, "InternalServerError"),
    ]);
    const sleeps: number[] = [];
    const client = clientOn(endpoint.url, sleeps);
    try {
      const output = await client.send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } }));
      expect(output.$metadata.attempts).toBe(3);
      expect(sleeps).toEqual([1_000, 400]);
      expect(endpoint.requests.map((request) => request.target)).toEqual(
        Array(3).fill("DynamoDB_20120810.GetItem"),
      );
    } finally {
      client.destroy();
      endpoint.close();
    }
  });

  it("gives up after its attempts with the last error, and never retries a client error", async () => {
    const endpoint = await scriptedEndpoint([
      ...Array(3).fill(awsError(503, "ServiceUnavailable")),
      awsError(400, "ValidationException"),
    ]);
    const sleeps: number[] = [];
    const client = clientOn(endpoint.url, sleeps);
    try {
      const unavailable = await client
        .send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } }))
        .catch((e) => e);
      expect(unavailable).toMatchObject({
        name: "ServiceUnavailable",
        $fault: "server",
        $metadata: { attempts: 3 },
      });
      expect(translateAwsError(unavailable, "GetItem").name).toBe("RetryableError");
      const invalid = await client
        .send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } }))
        .catch((e) => e);
      expect(invalid).toMatchObject({ name: "ValidationException", $metadata: { attempts: 1 } });
      expect(endpoint.requests).toHaveLength(4);
    } finally {
      client.destroy();
      endpoint.close();
    }
  });

  it("bounds each attempt: an endpoint that never answers fails with TimeoutError after every attempt", async () => {
    const silent = await scriptedEndpoint(Array(3).fill(() => {}));
    const sleeps: number[] = [];
    const client = clientOn(silent.url, sleeps, { attemptTimeoutMs: 200 });
    try {
      const started = Date.now();
      const error = await client.send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } })).catch((e) => e);
      expect(error).toMatchObject({ name: "TimeoutError" });
      expect(silent.requests).toHaveLength(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 200 - 50);
      expect(translateAwsError(error, "GetItem").name).toBe("RetryableError");
    } finally {
      client.destroy();
      silent.close();
    }
  });

  it("stops retrying when a run of failures spent its retry quota, and earns it back by succeeding", async () => {
    let failing = true;
    let attempts = 0;
    const client = new DynamoDbDocuments({
      endpoint: "http://dynamodb.test",
      region: "us-east-1",
      credentials,
      sleep: async () => {},
      transport: async () => {
        attempts++;
        return failing
          ? { status: 500, headers: {}, body: JSON.stringify({ __type: "InternalServerError" }) }
          : { status: 200, headers: {}, body: "{}" };
      },
    });
    const get = () =>
      client.send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } })).then(
        (output) => output.$metadata.attempts,
        (error) => error.$metadata.attempts as number,
      );
    // 500 tokens at 5 a retry: 50 calls of 3 attempts, then no retry at all.
    const spent = [];
    for (let call = 0; call < 52; call++) spent.push(await get());
    expect(spent).toEqual([...Array(50).fill(3), 1, 1]);
    failing = false;
    for (let call = 0; call < 5; call++) expect(await get()).toBe(1);
    failing = true;
    // Five successes gave back one token each: one retry's worth.
    expect(await get()).toBe(2);
    expect(await get()).toBe(1);
    expect(attempts).toBe(50 * 3 + 2 + 5 + 2 + 1);
  });

  it("retries a refused connection, then throws it with its code", async () => {
    const closed = await scriptedEndpoint([]);
    closed.close();
    const sleeps: number[] = [];
    const client = clientOn(closed.url, sleeps);
    const error = await client.send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } })).catch((e) => e);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
    expect(sleeps).toHaveLength(2);
    expect(translateAwsError(error, "GetItem").name).toBe("RetryableError");
    client.destroy();
  });

  it("passes the cancellation reasons of a TransactionCanceledException through", async () => {
    const reasons = [
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ];
    const endpoint = await scriptedEndpoint([
      (response) =>
        response.writeHead(400).end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            Message: "Transaction cancelled",
            CancellationReasons: reasons,
          }),
        ),
    ]);
    const client = clientOn(endpoint.url, []);
    try {
      const error = await client.send(new GetCommand({ TableName: "Tbl", Key: { pk: "a" } })).catch((e) => e);
      expect(error).toMatchObject({
        name: "TransactionCanceledException",
        message: "Transaction cancelled",
        CancellationReasons: reasons,
      });
    } finally {
      client.destroy();
      endpoint.close();
    }
  });
});

describe("signing", () => {
  class Sha256 {
    private readonly hash;
    constructor(secret?: unknown) {
      this.hash = secret ? createHmac("sha256", secret as string | Uint8Array) : createHash("sha256");
    }
    update(data: unknown) {
      this.hash.update(data as string | Uint8Array);
    }
    async digest() {
      return new Uint8Array(this.hash.digest());
    }
  }

  // DynamoDB's signing, and the same code (aws-json-request.ts) for Secrets Manager's JSON 1.1 protocol.
  const services = [
    {
      service: "dynamodb",
      contentType: "application/x-amz-json-1.0",
      sign: (url: URL, keys: Keys, body: string, now: Date) =>
        signedHeaders(url, "eu-west-1", keys, "DynamoDB_20120810.GetItem", body, now),
    },
    {
      service: "secretsmanager",
      contentType: "application/x-amz-json-1.1",
      sign: (url: URL, keys: Keys, body: string, now: Date) =>
        signedJsonHeaders(
          { url, region: "eu-west-1", service: "secretsmanager", contentType: "application/x-amz-json-1.1" },
          keys,
          "secretsmanager.GetSecretValue",
          body,
          now,
        ),
    },
  ];
  type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };

  it.each(services)(
    "signs $service as @smithy/signature-v4 does, session token included",
    async ({ service, contentType, sign }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 200 }),
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
          fc.date({ min: new Date("2020-01-01"), max: new Date("2040-01-01"), noInvalidDate: true }),
          async (body, secret, sessionToken, now) => {
            const url = new URL(`https://${service}.eu-west-1.amazonaws.com/`);
            const keys = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken };
            const ours = sign(url, keys, body, now);
            expect(ours["content-type"]).toBe(contentType);
            const { authorization, ...unsigned } = ours;
            const reference = await new SignatureV4({
              service,
              region: "eu-west-1",
              credentials: keys,
              sha256: Sha256,
            }).sign(
              {
                method: "POST",
                protocol: "https:",
                hostname: url.hostname,
                path: "/",
                query: {},
                headers: unsigned,
                body,
              },
              { signingDate: now },
            );
            expect(authorization).toBe(reference.headers.authorization);
          },
        ),
        { numRuns: 50 },
      );
    },
  );
});

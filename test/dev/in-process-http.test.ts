import type { Server } from "node:http";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessRequestHandler, type RequestListener } from "../../local/dev/in-process-http.ts";

let db: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => db?.close(resolve) ?? resolve(undefined));
  db = undefined;
});

describe("the runtime's SDK clients reach the stand-ins in process", () => {
  it("the real DynamoDB client gets dynalite's answers without a socket, and is refused once destroyed", async () => {
    db = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => db!.listen(0, "127.0.0.1", resolve));
    let connections = 0;
    db.on("connection", () => connections++);
    const client = new DynamoDBClient({
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      endpoint: "http://dynamodb.local",
      requestHandler: inProcessRequestHandler(db.listeners("request")[0] as RequestListener),
    });
    await client.send(
      new CreateTableCommand({
        TableName: "items",
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "k", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }],
      }),
    );
    // dynalite makes a table ACTIVE on a timer, even with createTableMs 0.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.send(new PutItemCommand({ TableName: "items", Item: { k: { S: "a" }, n: { N: "5" } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: "items", Key: { k: { S: "a" } } }));
    expect(Item).toEqual({ k: { S: "a" }, n: { N: "5" } });
    // dynalite's own errors come back as the SDK's exceptions.
    await expect(
      client.send(new GetItemCommand({ TableName: "missing", Key: { k: { S: "a" } } })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(connections).toBe(0);

    // Stopping: a late call fails as a refused connection, it does not reach the closing store.
    client.destroy();
    await expect(
      client.send(new GetItemCommand({ TableName: "items", Key: { k: { S: "a" } } })),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  }, 60_000);

  it("drains: a call the stand-in took before the client was destroyed gets its answer before the store may close", async () => {
    let answer: (() => void) | undefined;
    const slow: RequestListener = (_req, res) => {
      answer = () => res.end("{}");
    };
    const handler = inProcessRequestHandler(slow);
    const call = handler.handle({
      method: "POST",
      protocol: "http:",
      hostname: "local",
      path: "/",
      query: {},
      headers: {},
      body: "{}",
    } as never);
    handler.destroy?.();
    let drained = false;
    const draining = handler.drained().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    answer!();
    await call;
    await draining;
    expect(drained).toBe(true);
  });
});

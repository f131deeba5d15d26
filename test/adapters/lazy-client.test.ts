import { afterAll, beforeAll, expect, it } from "vitest";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { lazyClient } from "../../functions/adapters/lazy-client.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "./local-dynamodb.ts";

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, "state", "customerId");
});
afterAll(() => db.stop());

it("creates the client on the adapter's first request, once, and serves every request with it", async () => {
  let created = 0;
  const client = lazyClient(() => {
    created++;
    return db.documents;
  });
  const store = new DynamoDbCustomerStateStore(client, "state");
  expect(created).toBe(0);
  expect((await store.load("nobody")).version).toBe(0);
  expect((await store.load("nobody else")).version).toBe(0);
  expect(created).toBe(1);
});

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbInterestIndex } from "../../functions/adapters/dynamodb-interest-index.ts";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "./local-dynamodb.ts";

const TABLE = "InterestIndex";
const DAY = 86_400_000;
const NOW = Date.parse("2026-03-02T12:00:00Z");
let db: LocalDynamoDb;

beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, TABLE, "productId", "customerId");
});
afterAll(async () => db?.stop());

async function collectPages(
  index: DynamoDbInterestIndex,
  productId: string,
  now: number,
): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of index.interestedCustomerPages(productId, now)) pages.push(page);
  return pages;
}

describe("DynamoDbInterestIndex on dynalite", () => {
  it("returns the interested customers of a product across pages, skipping expired entries", async () => {
    const index = new DynamoDbInterestIndex(db.documents, TABLE, { ttlMs: 14 * DAY, pageSize: 3 });
    const fresh = Array.from({ length: 8 }, (_, i) => `c${i}`);
    for (const customerId of fresh) await index.record(customerId, ["p-mug"], NOW);
    // Recorded 20 days ago with a 14-day TTL: expired, and still stored (dynalite has no TTL expiry).
    await index.record("c-old", ["p-mug"], NOW - 20 * DAY);

    const pages = await collectPages(index, "p-mug", NOW);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.length <= 3)).toBe(true);
    expect(pages.flat().sort()).toEqual([...fresh].sort());
    expect(await index.interestedCustomers("p-mug", NOW)).not.toContain("c-old");
    expect(await index.interestedCustomers("p-mug", NOW - 19 * DAY)).toContain("c-old");
    expect(await index.interestedCustomers("p-none", NOW)).toEqual([]);
  });

  it("refreshes an entry when the customer touches the product again", async () => {
    const index = new DynamoDbInterestIndex(db.documents, TABLE, { ttlMs: 14 * DAY });
    await index.record("c-back", ["p-kettle"], NOW - 20 * DAY);
    expect(await index.interestedCustomers("p-kettle", NOW)).toEqual([]);
    await index.record("c-back", ["p-kettle"], NOW);
    expect(await index.interestedCustomers("p-kettle", NOW)).toEqual(["c-back"]);
  });

  it("records more products than one batch holds, duplicates included", async () => {
    const index = new DynamoDbInterestIndex(db.documents, TABLE);
    const products = Array.from({ length: 60 }, (_, i) => `bulk-${i}`);
    await index.record("c-bulk", [...products, ...products.slice(0, 10)], NOW);
    for (const productId of [products[0]!, products[25]!, products[59]!])
      expect(await index.interestedCustomers(productId, NOW)).toEqual(["c-bulk"]);
  });

  it("reads a product with over 1 MB of entries through DynamoDB's own pages", async () => {
    const index = new DynamoDbInterestIndex(db.documents, TABLE);
    // Long customer ids make each item ~1 KB, so 1,100 of them exceed one 1 MB Query page.
    const customers = Array.from(
      { length: 1_100 },
      (_, i) => `${String(i).padStart(5, "0")}-${"x".repeat(1_000)}`,
    );
    const expiresAt = Math.floor(NOW / 1000) + 3_600;
    for (let i = 0; i < customers.length; i += 25) {
      const puts = customers.slice(i, i + 25).map((customerId) => ({
        PutRequest: { Item: { productId: "p-hot", customerId, expiresAt } },
      }));
      await db.documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: puts } }));
    }
    const pages = await collectPages(index, "p-hot", NOW);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat()).toEqual(customers);
  });
});

describe("DynamoDbInterestIndex batch retries", () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
  const mock = mockClient(documents);

  it("writes again the items DynamoDB left unprocessed, with a backoff", async () => {
    mock.reset();
    const sleeps: number[] = [];
    const index = new DynamoDbInterestIndex(documents, TABLE, { sleep: async (ms) => void sleeps.push(ms) });
    const leftOver = [{ PutRequest: { Item: { productId: "p2", customerId: "c1", expiresAt: 1 } } }];
    mock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolvesOnce({ UnprocessedItems: {} });
    await index.record("c1", ["p1", "p2", "p3"], NOW);
    const calls = mock.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input.RequestItems?.[TABLE]).toHaveLength(3);
    expect(calls[1]!.args[0].input.RequestItems?.[TABLE]).toEqual(leftOver);
    expect(sleeps).toEqual([50]);
  });

  it("gives the batch back as retryable when items stay unprocessed", async () => {
    mock.reset();
    const index = new DynamoDbInterestIndex(documents, TABLE, { maxAttempts: 3, sleep: async () => {} });
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    await expect(index.record("c1", ["p1"], NOW)).rejects.toBeInstanceOf(RetryableError);
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it("splits a record call into batches of 25", async () => {
    mock.reset();
    mock.on(BatchWriteCommand).resolves({});
    const index = new DynamoDbInterestIndex(documents, TABLE);
    await index.record(
      "c1",
      Array.from({ length: 60 }, (_, i) => `p${i}`),
      NOW,
    );
    const sizes = mock
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes).toEqual([25, 25, 10]);
  });
});

import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchWriteCommand, DynamoDbDocuments } from "../../functions/adapters/dynamodb-documents.ts";
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
  type BatchWrite = { RequestItems: Record<string, unknown[]> };
  /** A client whose BatchWriteItem calls (as sent, attribute values marshalled) get `answer`'s output. */
  function scriptedBatchWrites(answer: (input: BatchWrite, call: number) => object) {
    const calls: BatchWrite[] = [];
    const documents = new DynamoDbDocuments({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      transport: async ({ headers, body }) => {
        expect(headers["x-amz-target"]).toBe("DynamoDB_20120810.BatchWriteItem");
        const input = JSON.parse(body) as BatchWrite;
        calls.push(input);
        return { status: 200, headers: {}, body: JSON.stringify(answer(input, calls.length)) };
      },
    });
    return { documents, calls };
  }

  it("writes again the items DynamoDB left unprocessed, with a backoff", async () => {
    const sleeps: number[] = [];
    const leftOver = [
      { PutRequest: { Item: marshall({ productId: "p2", customerId: "c1", expiresAt: 1 }) } },
    ];
    const { documents, calls } = scriptedBatchWrites((_input, call) =>
      call === 1 ? { UnprocessedItems: { [TABLE]: leftOver } } : { UnprocessedItems: {} },
    );
    const index = new DynamoDbInterestIndex(documents, TABLE, { sleep: async (ms) => void sleeps.push(ms) });
    await index.record("c1", ["p1", "p2", "p3"], NOW);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.RequestItems[TABLE]).toHaveLength(3);
    expect(calls[1]!.RequestItems[TABLE]).toEqual(leftOver);
    expect(sleeps).toEqual([50]);
  });

  it("gives the batch back as retryable when items stay unprocessed", async () => {
    const { documents, calls } = scriptedBatchWrites((input) => ({ UnprocessedItems: input.RequestItems }));
    const index = new DynamoDbInterestIndex(documents, TABLE, { maxAttempts: 3, sleep: async () => {} });
    await expect(index.record("c1", ["p1"], NOW)).rejects.toBeInstanceOf(RetryableError);
    expect(calls).toHaveLength(3);
  });

  it("splits a record call into batches of 25", async () => {
    const { documents, calls } = scriptedBatchWrites(() => ({}));
    const index = new DynamoDbInterestIndex(documents, TABLE);
    await index.record(
      "c1",
      Array.from({ length: 60 }, (_, i) => `p${i}`),
      NOW,
    );
    expect(calls.map((call) => call.RequestItems[TABLE]?.length)).toEqual([25, 25, 10]);
  });
});

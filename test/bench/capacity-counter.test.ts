import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countCapacity, itemSize } from "../../bench/capacity-counter.ts";
import { BatchGetCommand, GetCommand, PutCommand } from "../../functions/adapters/dynamodb-documents.ts";
import {
  createTable,
  DUE_INDEX_TABLE_INDEX,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from "../adapters/local-dynamodb.ts";

describe("bench capacity counter", () => {
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startLocalDynamoDb();
    await createTable(db.client, "state", "customerId");
  });
  afterAll(() => db.stop());

  it("counts a put of known size as DynamoDB bills it: the larger of before and after, per started KB", async () => {
    const counter = await countCapacity(db.documents);
    const { totals } = counter;
    const documents = db.documents;

    // "customerId" 10 + "c-1" 3, "state" 5 + 2,032 bytes, "n" 1 + 123.45 (5 digits: 3 + 1) = 2,055 B.
    const big = { customerId: "c-1", state: "x".repeat(2032), n: 123.45 };
    expect(itemSize({ customerId: { S: "c-1" }, state: { S: "x".repeat(2032) }, n: { N: "123.45" } })).toBe(
      2055,
    );
    const put = await documents.send(
      new PutCommand({ TableName: "state", Item: big, ReturnConsumedCapacity: "TOTAL" }),
    );
    expect(totals.writeUnits).toBe(3);
    expect(put.ConsumedCapacity?.CapacityUnits).toBe(3); // dynalite's own count agrees

    // Replacing it with a 1-KB item still bills the 2,055 bytes it overwrote.
    await documents.send(
      new PutCommand({ TableName: "state", Item: { customerId: "c-1", state: { a: true } } }),
    );
    expect(totals.writeUnits).toBe(6);
    // An item with no customer state (a receipt, a marker) is billed but not among the state sizes.
    await documents.send(new PutCommand({ TableName: "state", Item: { customerId: "receipt", ids: "x" } }));
    expect(totals.writeUnits).toBe(7);
    expect(totals.writtenItemBytes).toEqual([2055, 10 + 3 + 5 + (3 + 1 + 1 + 1)]);

    await documents.send(
      new GetCommand({ TableName: "state", Key: { customerId: "c-1" }, ConsistentRead: true }),
    );
    await documents.send(new GetCommand({ TableName: "state", Key: { customerId: "c-1" } }));
    expect(totals.readUnits).toBe(1.5);
    expect(totals.writes).toBe(3);
    counter.stop();
  });

  it("counts a keys-only index's entry when it is added, moved (a delete and a put) or removed, and not when it stays as it was", async () => {
    await createTable(db.client, "indexed", "customerId", undefined, DUE_INDEX_TABLE_INDEX);
    const counter = await countCapacity(db.documents);
    const { totals } = counter;
    const documents = db.documents;
    const put = async (item: Record<string, unknown>) => {
      const before = totals.indexWriteUnits;
      await documents.send(new PutCommand({ TableName: "indexed", Item: { customerId: "c-1", ...item } }));
      return totals.indexWriteUnits - before;
    };
    expect(await put({ state: "a", dueBucket: "2026-03-01T10#1", dueAt: 1 })).toBe(1);
    expect(await put({ state: "b", dueBucket: "2026-03-01T10#1", dueAt: 1 })).toBe(0);
    expect(await put({ state: "c", dueBucket: "2026-03-01T10#1", dueAt: 2 })).toBe(2);
    expect(await put({ state: "d" })).toBe(1);
    expect(await put({ state: "e" })).toBe(0);
    counter.stop();
  });

  it("counts the sweep's BatchGetItem per item, each rounded up to 4 KB on its own, and a read by the size of the values returned", async () => {
    const documents = db.documents;
    await documents.send(
      new PutCommand({ TableName: "state", Item: { customerId: "b-1", payload: "x".repeat(5000) } }),
    );
    await documents.send(new PutCommand({ TableName: "state", Item: { customerId: "b-2", payload: "y" } }));
    const counter = await countCapacity(db.documents);
    const Keys = [{ customerId: "b-1" }, { customerId: "b-2" }];
    await documents.send(new BatchGetCommand({ RequestItems: { state: { Keys } } }));
    expect(counter.totals.readUnits).toBe(1.5); // eventually consistent: (2 + 1) / 2
    await documents.send(new BatchGetCommand({ RequestItems: { state: { Keys, ConsistentRead: true } } }));
    expect(counter.totals.readUnits).toBe(4.5);
    // A DocumentClient's Get of the 5-KB item: 2 units, counted from the values and not only the names.
    await documents.send(
      new GetCommand({ TableName: "state", Key: { customerId: "b-1" }, ConsistentRead: true }),
    );
    expect(counter.totals.readUnits).toBe(6.5);
    expect(counter.totals.reads).toBe(3);
    counter.stop();
  });
});

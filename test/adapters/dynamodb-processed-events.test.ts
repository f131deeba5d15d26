import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbProcessedEvents } from "../../functions/adapters/dynamodb-processed-events.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "./local-dynamodb.ts";

const TABLE = "ProcessedEvents";
const HOUR = 3_600_000;
const NOW = Date.parse("2026-03-02T12:00:00Z");
let db: LocalDynamoDb;

beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, TABLE, "id");
});
afterAll(async () => db?.stop());

describe("DynamoDbProcessedEvents", () => {
  it("says first time once per id, per namespace", async () => {
    const feedback = new DynamoDbProcessedEvents(db.documents, TABLE, { namespace: "feedback" });
    const sweep = new DynamoDbProcessedEvents(db.documents, TABLE, { namespace: "sweep" });
    expect(await feedback.firstTime("evt-1", NOW)).toBe(true);
    expect(await feedback.firstTime("evt-1", NOW + 1_000)).toBe(false);
    expect(await feedback.firstTime("evt-2", NOW)).toBe(true);
    expect(await sweep.firstTime("evt-1", NOW)).toBe(true);
  });

  it("counts an expired id as not seen (no TTL deletion needed)", async () => {
    const guard = new DynamoDbProcessedEvents(db.documents, TABLE, { namespace: "ttl", ttlMs: 24 * HOUR });
    expect(await guard.firstTime("evt-1", NOW)).toBe(true);
    expect(await guard.firstTime("evt-1", NOW + 23 * HOUR)).toBe(false);
    expect(await guard.firstTime("evt-1", NOW + 25 * HOUR)).toBe(true);
    expect(await guard.firstTime("evt-1", NOW + 26 * HOUR)).toBe(false);
  });

  it("admits an id again once forgotten (processing failed)", async () => {
    const guard = new DynamoDbProcessedEvents(db.documents, TABLE, { namespace: "forget" });
    expect(await guard.firstTime("evt-1", NOW)).toBe(true);
    await guard.forget("evt-1");
    expect(await guard.firstTime("evt-1", NOW)).toBe(true);
  });

  it("lets one of two concurrent deliveries through", async () => {
    const guard = new DynamoDbProcessedEvents(db.documents, TABLE, { namespace: "race" });
    const results = await Promise.all(Array.from({ length: 5 }, () => guard.firstTime("evt-1", NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

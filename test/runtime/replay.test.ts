import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import {
  cartUpdated,
  consentUpdated,
  customerSignedUp,
  orderDelivered,
  orderPlaced,
  productViewed,
} from "../support/events.ts";
import { recordingLog, recordingPorts } from "../support/recording-ports.ts";
import {
  CAMPAIGNS_DIR,
  shippedCampaign,
  shippedEngineSettings,
  type TestEvent,
  toJsonLines,
} from "../support/scenario.ts";

const TABLE = "customer-state";
const compiled = compileCampaigns(
  readdirSync(CAMPAIGNS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "engine.json")
    .map((f) => shippedCampaign(f.replace(/\.json$/, ""))),
  shippedEngineSettings(),
  { renderBodies: true },
);

let db: LocalDynamoDb;
let store: DynamoDbCustomerStateStore;
beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, TABLE, "customerId");
  store = new DynamoDbCustomerStateStore(db.documents, TABLE);
});
afterAll(async () => {
  await db.stop();
});

const T0 = Date.parse("2026-03-02T08:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function customerStream(customerId: string): TestEvent[] {
  const list: TestEvent[] = [
    customerSignedUp(customerId, at(0), { newsletter: true, phone: "+14155550100", smsOptIn: true }),
    ...Array.from({ length: 100 }, (_, i) =>
      productViewed(customerId, at(10 + i * 7), {
        product: { productId: `p${i % 9}`, brand: "acme", price: 20 },
      }),
    ),
    cartUpdated(customerId, at(800), { cartId: "k1", items: [{ productId: "p1", price: 20 }], total: 20 }),
    orderPlaced(customerId, at(900), { orderId: "o1", items: [{ productId: "p1", price: 20 }], total: 20 }),
    orderDelivered(customerId, at(3000), { orderId: "o1" }),
    consentUpdated(customerId, at(4000), { status: "opted_out", topic: "newsletter" }),
    consentUpdated(customerId, at(4100), { channel: "sms", status: "opted_out" }),
  ];
  return list.map((event, i) => ({ ...event, id: `${customerId}-e${i}` }));
}

/** A fixed shuffle (the bus archive replays in no particular order). */
function shuffled<T>(list: T[], seed: number): T[] {
  const copy = [...list];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe("a replay of the bus archive through ingest (dynalite)", () => {
  it("the same stream again, shuffled, sends nothing more and leaves consent and counters as they were", async () => {
    const customerId = "replay1";
    const fake = recordingPorts();
    let clock = T0;
    const deps: RuntimeDeps = { compiled, store, ports: fake.ports, now: () => clock, log: recordingLog() };
    const stream = toJsonLines(customerStream(customerId)).map((line) => JSON.parse(line) as unknown);
    for (const [i, envelope] of stream.entries()) {
      clock = Date.parse((envelope as { time: string }).time) + 1000 + i;
      await ingestEvent(deps, envelope);
    }
    const before = (await store.load(customerId)).state;
    const delivered = [...fake.delivered];
    const started = [...fake.started];
    expect(delivered.length).toBeGreaterThan(0);

    clock = T0 + 20 * 24 * 3_600_000;
    for (const envelope of shuffled(stream, 7)) {
      clock += 1000;
      await ingestEvent(deps, envelope);
    }
    const after = (await store.load(customerId)).state;
    expect(fake.delivered).toEqual(delivered);
    expect(fake.started).toEqual(started);
    expect(after.consent).toEqual(before.consent);
    expect(after.consent.topics.newsletter).toBe("opted_out");
    expect(after.consent.sms).toBe("opted_out");
    expect(after.orders).toEqual(before.orders);
    expect(after.activity).toEqual(before.activity);
    expect(after.journeys).toEqual(before.journeys);
  });

  it("an opt-in older than an opt-out, delivered after it, leaves the customer opted out", async () => {
    const customerId = "replay2";
    const deps: RuntimeDeps = {
      compiled,
      store,
      ports: recordingPorts().ports,
      now: () => T0 + 10 * 3_600_000,
      log: recordingLog(),
    };
    const [optIn, optOut] = toJsonLines([
      { ...consentUpdated(customerId, at(60), { status: "opted_in", topic: "newsletter" }), id: "in" },
      { ...consentUpdated(customerId, at(120), { status: "opted_out", topic: "newsletter" }), id: "out" },
    ]).map((line) => JSON.parse(line) as unknown);
    await ingestEvent(deps, optOut);
    await ingestEvent(deps, optIn);
    expect((await store.load(customerId)).state.consent.topics.newsletter).toBe("opted_out");
  });
});

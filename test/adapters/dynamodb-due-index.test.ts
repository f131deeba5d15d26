import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand } from "../../functions/adapters/dynamodb-documents.ts";
import { DUE_SHARDS, dueBucket, shardOf } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbEffectReceipts, receiptKey } from "../../functions/adapters/dynamodb-effect-receipts.ts";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { nextDueAt } from "../../functions/core/engine/due.ts";
import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { dueAtToFile, sweepDueAt, sweepEventId } from "../../functions/use-cases/sweep.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";
import {
  createTable,
  DUE_INDEX_TABLE_INDEX,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from "./local-dynamodb.ts";

const TABLE = "CustomerState";
const HOUR = 3_600_000;
const NOW = Date.parse("2026-03-01T08:20:00Z");
let db: LocalDynamoDb;
const { campaigns, settings } = loadCampaignDirectory(CAMPAIGNS_DIR);
const compiled = compileCampaigns(campaigns, settings);

beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, TABLE, "customerId", undefined, DUE_INDEX_TABLE_INDEX);
});
afterAll(async () => db?.stop());

const item = async (customerId: string) =>
  (await db.documents.send(new GetCommand({ TableName: TABLE, Key: { customerId } }))).Item!;

describe("the due-time index attributes", () => {
  it("are written in the state's own put, and removed by the next one when nothing is due (sparse)", async () => {
    let due: number | undefined = NOW + 5 * HOUR;
    const store = new DynamoDbCustomerStateStore(db.documents, TABLE, { dueAt: () => due });
    const state = emptyCustomerState("ada");
    await store.save(state, 0);
    expect(await item("ada")).toMatchObject({
      version: 1,
      dueAt: NOW + 5 * HOUR,
      dueBucket: `2026-03-01T13#${shardOf("ada")}`,
    });
    due = undefined;
    await store.save(state, 1);
    const written = await item("ada");
    expect(written.version).toBe(2);
    expect(written).not.toHaveProperty("dueAt");
    expect(written).not.toHaveProperty("dueBucket");
  });

  it("stay as filed when a write does not move the due time earlier, and move when it does or the filed hour has passed", async () => {
    let now = NOW;
    let due = NOW + 5 * HOUR;
    const store = new DynamoDbCustomerStateStore(db.documents, TABLE, {
      dueAt: (_, filedDueAt) => dueAtToFile(filedDueAt, due, Math.floor(now / HOUR) * HOUR),
    });
    const write = async (at: number, dueAt: number) => {
      now = at;
      due = dueAt;
      await store.update("kim", (state) => {
        state.activity.lastActiveAt = at;
      });
      const { dueAt: filed, dueBucket: bucket } = await item("kim");
      return { filed, bucket };
    };
    const first = await write(NOW, NOW + 5 * HOUR);
    expect(first.filed).toBe(NOW + 5 * HOUR);
    // Later due times (more activity): the index attributes are written as they were.
    expect(await write(NOW + 60_000, NOW + 9 * HOUR)).toEqual(first);
    expect(await write(NOW + 2 * HOUR, NOW + 400 * 24 * HOUR)).toEqual(first);
    // Earlier: filed anew.
    expect((await write(NOW + 3 * HOUR, NOW + 4 * HOUR)).filed).toBe(NOW + 4 * HOUR);
    // The filed hour has passed (the customer was swept, nothing was due): filed anew.
    expect((await write(NOW + 6 * HOUR, NOW + 30 * HOUR)).filed).toBe(NOW + 30 * HOUR);
  });

  it("spread one hour over every shard", () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`customer-${i}`)));
    expect(shards.size).toBe(DUE_SHARDS);
    expect(dueBucket(Date.parse("2026-03-01T13:59:59Z"), 3)).toBe("2026-03-01T13#3");
  });
});

describe("sweepDueAt", () => {
  const withOutbox = (claimedAt: number, notBefore?: number): CustomerState => {
    const state = emptyCustomerState("grace");
    state.outbox.push({
      kind: "message",
      id: "m1",
      journeyId: "j1",
      campaign: "win-back",
      step: "s",
      template: "t",
      channel: "email",
      to: "x",
      body: "b",
      marketing: true,
      claimedAt,
      ...(notBefore ? { notBefore } : {}),
    } as CustomerState["outbox"][number]);
    return state;
  };

  it("counts from the start of the hour, so a write during an hour keeps that hour's sweeps", () => {
    const state = emptyCustomerState("lin");
    expect(sweepDueAt(compiled, state, NOW)).toBe(nextDueAt(compiled, state, NOW - 20 * 60_000));
  });

  it("files a customer for effects released in the outbox, not for claimed ones (their receipt is filed: the store's claimLapseMs)", () => {
    expect(sweepDueAt(compiled, withOutbox(NOW), NOW)).toBe(
      sweepDueAt(compiled, emptyCustomerState("lin"), NOW),
    );
    // Left by a function that could not perform it (claim 0): due this hour.
    expect(sweepDueAt(compiled, withOutbox(0), NOW)).toBe(NOW - 20 * 60_000);
    // Deferred by quiet hours: due when they end.
    expect(sweepDueAt(compiled, withOutbox(0, NOW + 3 * HOUR), NOW)).toBe(NOW + 3 * HOUR);
  });

  /** A newsletter subscriber: due at the newsletter's next Thursday 10:00 (local). */
  const subscriber = (claimedAt?: number) => {
    const state = claimedAt === undefined ? emptyCustomerState("grace") : withOutbox(claimedAt);
    state.consent.topics.newsletter = "opted_in";
    return state;
  };
  const thursday = nextDueAt(compiled, subscriber(), Date.parse("2026-03-02T00:00:00Z"));
  const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;

  it("files a customer never in a past hour, wherever it was filed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: 0, max: 59 }),
        fc.option(fc.integer({ min: -2, max: 300 }), { nil: undefined }),
        (hoursToThursday, minute, filedInHours) => {
          const now = thursday + hoursToThursday * HOUR + minute * 60_000;
          const filed = filedInHours === undefined ? undefined : hourOf(now) + filedInHours * HOUR;
          expect(sweepDueAt(compiled, subscriber(now), now, filed)!).toBeGreaterThanOrEqual(hourOf(now));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves no stored claim without a filing at its lapse at the latest: the customer's, or the claim's receipt's, not settled", async () => {
    const LAPSE = 15 * 60_000;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            minutes: fc.integer({ min: 0, max: 180 }),
            claim: fc.boolean(),
            finishOne: fc.boolean(),
            // A claim this write holds settled meanwhile (a receipt that raced the write's read of it).
            settleHeld: fc.boolean(),
            filedInHours: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (writes) => {
          const customerId = `claims-${++runs}`;
          const receipts = dynamoDbEffectReceipts(db.documents, TABLE);
          let now = thursday;
          let own: number | undefined;
          const store = new DynamoDbCustomerStateStore(db.documents, TABLE, {
            // The campaigns' due time, or an earlier one of this write's (any time from this hour on).
            dueAt: (state, filed) => {
              const due = sweepDueAt(compiled, state, now, filed);
              return own === undefined ? due : Math.min(due ?? Infinity, own);
            },
            claimLapseMs: LAPSE,
          });
          for (const [index, write] of writes.entries()) {
            now += write.minutes * 60_000;
            own = write.filedInHours === undefined ? undefined : hourOf(now) + write.filedInHours * HOUR;
            const held = (await store.load(customerId, { readReceipts: false })).state.outbox[0];
            // Only with a claim of its own: the write then surely writes.
            if (write.settleHeld && write.claim && held && held.claimedAt !== 0)
              await receipts.settle(customerId, held.claimedAt);
            await store.update(customerId, (state) => {
              state.activity.lastActiveAt = now;
              // Another run's claims stay; this one claims an entry of its own, or finishes one.
              if (write.finishOne) state.outbox.shift();
              if (write.claim)
                // Ids are unique per effect (as the runtime's are), also for two writes in one instant.
                state.outbox.push({
                  kind: "start",
                  id: `start|${now}|${index}`,
                  journeyId: `${now}|${index}`,
                  claimedAt: now,
                });
            });
            const stored = await item(customerId);
            const { outbox } = (await store.load(customerId, { readReceipts: false })).state;
            for (const { claimedAt } of outbox) {
              if (claimedAt === 0 || (typeof stored.dueAt === "number" && stored.dueAt <= claimedAt + LAPSE))
                continue;
              const receipt = await item(receiptKey(customerId, claimedAt));
              expect(receipt).toMatchObject({
                dueAt: claimedAt + LAPSE,
                dueBucket: dueBucket(claimedAt + LAPSE, shardOf(customerId)),
              });
              expect(receipt).not.toHaveProperty("settled");
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it("files a customer past the occurrences of this hour its campaign's sweep has decided for it", () => {
    const state = subscriber();
    const now = hourOf(thursday) + 5 * 60_000;
    // The newsletters' sweep of this hour has not run for the customer: its occurrence is due.
    expect(sweepDueAt(compiled, state, now)).toBe(thursday);
    state.appliedEvents.push(sweepEventId("newsletters", hourOf(thursday)));
    const next = nextDueAt(compiled, state, hourOf(thursday) + HOUR);
    expect(next).toBeGreaterThan(thursday + 6 * 24 * HOUR); // the next Thursday
    expect(sweepDueAt(compiled, state, now)).toBe(next);
    // Filed under that occurrence: not kept (its sweeps would read the customer for nothing, then refile it).
    expect(sweepDueAt(compiled, state, now, thursday)).toBe(next);
    // Another campaign's sweep of the hour does not count.
    state.appliedEvents = [sweepEventId("win-back", hourOf(thursday))];
    expect(sweepDueAt(compiled, state, now)).toBe(thursday);
  });
});

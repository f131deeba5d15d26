import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { describe, expect, it, vi } from "vitest";
import { GetCommand } from "../../functions/adapters/dynamodb-documents.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dueBucket, dynamoDbDueIndex, shardOf } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbEffectReceipts, receiptKey } from "../../functions/adapters/dynamodb-effect-receipts.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { decodeStateAttribute } from "../../functions/adapters/state-item-codec.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { EFFECT_LEASE_MS, runForCustomer } from "../../functions/runtime/customer-runner.ts";
import { MAX_INVOCATION_MS, sweepCampaign, sweepDueAt } from "../../functions/use-cases/sweep.ts";
import { sweepClaims } from "../../functions/use-cases/sweep-claims.ts";
import { ENV, useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { crashAfterStatePut } from "../support/crash-after-put.ts";
import { customerSignedUp, customerUpdated, orderPlaced, productViewed } from "../support/events.ts";
import { toJsonLines } from "../support/scenario.ts";

const rt = useHandlerRuntime();
const HOUR = 3_600_000;

/** The customer's item as stored (not as the store loads it): version, due time and the outbox's ids. */
async function storedItem(customerId: string) {
  const { Item } = await rt.clients.dynamodb.send(
    new GetCommand({ TableName: ENV.STATE_TABLE, Key: { customerId }, ConsistentRead: true }),
  );
  const state = JSON.parse(decodeStateAttribute(Item?.state)!) as CustomerState;
  return {
    version: Item?.version,
    dueAt: Item?.dueAt,
    outbox: state.outbox.map((entry) => entry.kind).sort(),
  };
}

/** Any item of the state table, as stored. */
async function item(customerId: string) {
  const { Item } = await rt.clients.dynamodb.send(
    new GetCommand({ TableName: ENV.STATE_TABLE, Key: { customerId }, ConsistentRead: true }),
  );
  return Item;
}

/** The campaigns with a schedule trigger: each is swept every hour. */
const swept = () => [...new Set(rt.deps.compiled.scheduleTriggers.map((bound) => bound.campaign.id))];

/**
 * One campaign's sweep of the hour of the clock, on the due-time index (its 3-hour window); `markers`:
 * from its last completed sweep, recorded, as deployed.
 */
function sweep(campaignId: string, { markers = false, deps = rt.deps } = {}) {
  const { customersDue, refile, lastSwept, recordSwept } = dynamoDbDueIndex(
    rt.clients.dynamodb,
    ENV.STATE_TABLE,
  );
  return sweepCampaign(
    deps,
    dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
    { campaignId },
    { dueIndex: { customersDue, refile, ...(markers ? { lastSwept, recordSwept } : {}) }, catchUpHours: 2 },
  );
}

/**
 * The claims' sweep of the hour of the clock, on the due-time index (the lapses of its 2-hour window);
 * `markers`: from its last completed run, recorded, as deployed.
 */
function sweepOfClaims({ markers = false, deps = rt.deps } = {}) {
  const { customersDue, claimsLapsed, refile, lastSwept, recordSwept } = dynamoDbDueIndex(
    rt.clients.dynamodb,
    ENV.STATE_TABLE,
  );
  return sweepClaims(
    {
      deps,
      scan: dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
      options: {
        dueIndex: { customersDue, claimsLapsed, refile, ...(markers ? { lastSwept, recordSwept } : {}) },
        catchUpHours: 2,
      },
    },
    { sweep: "claims" },
  );
}

/** Every sweep of the hour of the clock, as scheduled: each campaign's, then the claims'. */
async function sweepAll(options: { markers?: boolean } = {}) {
  for (const campaignId of swept()) await sweep(campaignId, options);
  return sweepOfClaims(options);
}

/** Until removed, every state item's put fails (its condition, as after a concurrent write). */
function failStatePut(): () => void {
  const name = "failStatePut";
  rt.clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "PutItemCommand") throw new Error("put refused");
      return next(args);
    },
    { step: "initialize", name },
  );
  return () => rt.clients.dynamodb.middlewareStack.remove(name);
}

/** The signup as the ingest path parses it. */
function signupEvent(customerId: string): CustomerEvent {
  const parsed = parseEnvelope(JSON.parse(toJsonLines([signup(customerId)])[0]!));
  if (parsed.kind !== "event") throw new Error("test event not accepted");
  return parsed.event as CustomerEvent;
}

const signup = (customerId: string) => ({
  ...customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email: `${customerId}@example.com` }),
  id: `signup-${customerId}`,
});

describe("performed effects recorded in receipts (one state write per event)", () => {
  it("writes the state once for a send; the next write drops the performed entries without performing them again", async () => {
    await rt.ingest(signup("r1"));

    // The claim is the only state write: the welcome email and the workflow start are recorded in
    // receipts, and still in the item, but not in the state the store loads.
    expect(await storedItem("r1")).toMatchObject({ version: 1, outbox: ["message", "start"] });
    expect((await rt.store.load("r1")).state.outbox).toEqual([]);

    rt.clock.now += HOUR; // long after the claim's lease
    await rt.ingest({
      ...customerUpdated("r1", "2026-03-01T09:00:00Z", { firstName: "Ada" }),
      id: "update-r1",
    });
    expect(await storedItem("r1")).toMatchObject({ version: 2, outbox: [] });
    expect(rt.sentEmails()).toHaveLength(1);
    expect(rt.mocks.sfn.calls()).toHaveLength(1);
  }, 60_000);

  it("a claim leaves the customer filed under its own due time; the receipt that completes the claim settles its filing and leaves the index as it was", async () => {
    await rt.ingest(signup("r2"));
    const claimed = await storedItem("r2");
    expect(claimed).toMatchObject({ version: 1, outbox: ["message", "start"] });
    // Not filed for the claim's lapse (08:15): that filing is the claim's receipt's.
    expect(claimed.dueAt === undefined || claimed.dueAt >= Date.parse("2026-03-01T09:00:00Z")).toBe(true);
    const receipt = await item(receiptKey("r2", rt.clock.now));
    expect(receipt?.ids).toEqual(new Set(["start|welcome:r2:main:", expect.any(String)]));
    // Settled, still filed: a change of dueAt or dueBucket would be an index write (its TTL takes it away).
    expect(receipt).toMatchObject({
      settled: true,
      dueAt: Date.parse("2026-03-01T08:15:00Z"),
      dueBucket: dueBucket(Date.parse("2026-03-01T08:15:00Z"), shardOf("r2")),
    });
  }, 60_000);

  it("the sweeps write nothing and read no customer state for a completed claim's filing: the claims' sweep reads its receipt alone", async () => {
    await rt.ingest(signup("r10"));
    const claimedAt = rt.clock.now;
    expect(await item(receiptKey("r10", claimedAt))).toMatchObject({
      settled: true,
      dueAt: claimedAt + 15 * 60_000,
    });
    const calls: { command: string; keys: string }[] = [];
    rt.clients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: context.commandName as string, keys: JSON.stringify(args.input) });
        return next(args);
      },
      { step: "initialize", name: "recordCalls" },
    );
    try {
      // The performed entries are still in the item; the customer's own filing is later than 10:00.
      for (const hour of ["09:00", "10:00"]) {
        rt.clock.now = Date.parse(`2026-03-01T${hour}:00Z`);
        for (const campaignId of swept())
          expect(await sweep(campaignId, { markers: true })).toMatchObject({ scanned: 0 });
        expect(await sweepOfClaims({ markers: true })).toMatchObject({ scanned: 0 });
      }
    } finally {
      rt.clients.dynamodb.middlewareStack.remove("recordCalls");
    }
    // Writes: the sweeps' markers only.
    const markers = (call: { keys: string }) => call.keys.includes("engage#swept#");
    const reading = ["QueryCommand", "BatchGetItemCommand", "GetItemCommand"];
    expect(calls.filter((call) => !reading.includes(call.command) && !markers(call))).toEqual([]);
    const reads = calls.map((call) => call.keys).filter((keys) => keys.includes("r10"));
    // Read once, by the claims' sweep of 09:00 (the lapse, 08:15, is read once it has passed).
    expect(reads).toEqual([expect.stringContaining(receiptKey("r10", claimedAt))]);
    expect(reads[0]).not.toContain('{"S":"r10"}');
  }, 60_000);

  it("a run that dies right after its claim is finished by the sweep about an hour later, found by the claim's receipt filed at its lapse", async () => {
    const claimedAt = rt.clock.now;
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(rt.ingest(signup("r5"))).rejects.toThrow("crashed after the state put");
    removeCrash();
    expect(rt.sentEmails()).toHaveLength(0);
    const claimed = await storedItem("r5");
    expect(claimed).toMatchObject({ version: 1, outbox: ["message", "start"] });
    expect(claimed.dueAt === undefined || claimed.dueAt >= Date.parse("2026-03-01T09:00:00Z")).toBe(true);
    expect(await item(receiptKey("r5", claimedAt))).toMatchObject({
      dueAt: Date.parse("2026-03-01T08:15:00Z"),
      dueBucket: dueBucket(Date.parse("2026-03-01T08:15:00Z"), shardOf("r5")),
    });

    // The sweeps of 08:00 (the claim is live) and of 09:00, 10:00 (lapsed), every campaign's and the claims'.
    for (const hour of ["08:00", "09:00", "10:00"]) {
      rt.clock.now = Date.parse(`2026-03-01T${hour}:00Z`);
      await sweepAll();
    }
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r5" })]);
    expect(rt.mocks.sfn.calls()).toHaveLength(1);
    expect((await rt.store.load("r5")).state.outbox).toEqual([]);
  }, 60_000);

  it("a dead run's claim filed under its receipt is left by every campaign's sweep and finished by the claims' sweep, deciding nothing else", async () => {
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(rt.ingest(signup("r11"))).rejects.toThrow("crashed after the state put");
    removeCrash();
    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    for (const campaignId of swept()) expect(await sweep(campaignId)).toMatchObject({ scanned: 0 });
    expect(rt.sentEmails()).toHaveLength(0);
    expect(await sweepOfClaims()).toMatchObject({ outcome: "claims swept", scanned: 1, finished: 1 });
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r11" })]);
    expect(rt.mocks.sfn.calls()).toHaveLength(1);
    // No campaign's sweep of the hour is remembered for the customer: its occurrences are left to them.
    const { state } = await rt.store.load("r11");
    expect(state.appliedEvents.filter((id) => id.startsWith("sweep:"))).toEqual([]);
  }, 60_000);

  it("the claims' sweep performs a dead run's claim and leaves the customer's campaign occurrence of the hour to its campaign's sweep", async () => {
    // Last order 2025-12-02 (Paris): win-back is due on 2026-03-02 at 10:00 local, 09:00Z.
    rt.clock.now = Date.parse("2025-12-02T09:30:00Z");
    await rt.ingest({
      ...orderPlaced("r15", "2025-12-02T09:30:00Z", { items: [{ productId: "p1", price: 30 }] }),
      id: "order-r15",
    });
    rt.clock.now = Date.parse("2026-03-02T07:50:00Z");
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(
      rt.ingest({
        ...customerSignedUp("r15", "2026-03-02T07:50:00Z", {
          email: "r15@example.com",
          timezone: "Europe/Paris",
        }),
        id: "signup-r15",
      }),
    ).rejects.toThrow("crashed after the state put");
    removeCrash();
    rt.clock.now = Date.parse("2026-03-02T09:00:00Z");
    // The dead run's claimed sends, and none else.
    const claimed = (await rt.store.load("r15")).state.outbox.flatMap((entry) =>
      entry.kind === "message" ? [entry.campaign] : [],
    );
    expect(claimed.length).toBeGreaterThan(0);
    expect(await sweepOfClaims()).toMatchObject({ scanned: 1, finished: 1 });
    expect(rt.sentEmails().map((email) => email.campaign)).toEqual(claimed);
    const { state } = await rt.store.load("r15");
    expect(state.outbox).toEqual([]);
    expect(state.appliedEvents.filter((id) => id.startsWith("sweep:"))).toEqual([]);
    expect(await sweep("win-back")).toMatchObject({ due: 1, messages: 1 });
    expect(rt.sentEmails().map((email) => email.campaign)).toEqual([...claimed, "win-back"]);
  }, 60_000);

  it("with no swept campaign, a dead run's claim is performed once by the claims' sweep after its lapse", async () => {
    const { compiled } = rt.deps;
    const sweptIds = new Set(swept());
    const eventOnly = compileCampaigns(
      [...compiled.campaigns.values()].filter((campaign) => !sweptIds.has(campaign.id)),
      compiled.settings,
    );
    expect(eventOnly.scheduleTriggers).toEqual([]);
    const deps = {
      ...rt.deps,
      compiled: eventOnly,
      store: new DynamoDbCustomerStateStore(rt.clients.dynamodb, ENV.STATE_TABLE, {
        dueAt: (state, filedDueAt) => sweepDueAt(eventOnly, state, rt.clock.now, filedDueAt),
        claimLapseMs: MAX_INVOCATION_MS,
      }),
    };
    rt.clock.now = Date.parse("2026-03-07T08:00:00Z");
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(
      runForCustomer(deps, "r14", "signup-r14", (state) => decide(eventOnly, state, signupEvent("r14"))),
    ).rejects.toThrow("crashed after the state put");
    removeCrash();
    // Nothing else files the customer: no campaign sweep would ever read it.
    expect(await storedItem("r14")).toMatchObject({ dueAt: undefined, outbox: ["message", "start"] });
    for (const hour of ["08:00", "09:00", "10:00", "11:00"]) {
      rt.clock.now = Date.parse(`2026-03-07T${hour}:00Z`);
      await sweepOfClaims({ deps });
    }
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r14" })]);
    expect(rt.mocks.sfn.calls()).toHaveLength(1);
    expect((await deps.store.load("r14")).state.outbox).toEqual([]);
  }, 60_000);

  it("a dead run's claim that lapsed while the claims' sweep was down is finished by its next run, read on from its mark", async () => {
    // A day of its own: the sweeps' marks of the tests before are earlier.
    rt.clock.now = Date.parse("2026-03-05T08:00:00Z");
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(
      rt.ingest({
        ...customerSignedUp("r13", "2026-03-05T08:00:00Z", { email: "r13@example.com" }),
        id: "signup-r13",
      }),
    ).rejects.toThrow("crashed after the state put");
    removeCrash();
    await sweepAll({ markers: true });
    // The claim lapses at 08:15; the 09:00 sweeps run, but not the claims'.
    rt.clock.now = Date.parse("2026-03-05T09:00:00Z");
    for (const campaignId of swept()) await sweep(campaignId, { markers: true });
    expect(rt.sentEmails()).toHaveLength(0);
    rt.clock.now = Date.parse("2026-03-05T10:00:00Z");
    await sweepOfClaims({ markers: true });
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r13" })]);
  }, 60_000);

  it("a run that dies right after its claim, with the customer filed before the claim's lapse, is finished by the sweep found under that filing", async () => {
    const claimedAt = rt.clock.now;
    const dueSoon = claimedAt + 10 * 60_000;
    // A customer due within the claim's lapse: the claim needs no filing of its own.
    const deps = {
      ...rt.deps,
      store: new DynamoDbCustomerStateStore(rt.clients.dynamodb, ENV.STATE_TABLE, {
        dueAt: () => dueSoon,
        claimLapseMs: 15 * 60_000,
      }),
    };
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(
      runForCustomer(deps, "r8", "signup-r8", (state) => decide(deps.compiled, state, signupEvent("r8"))),
    ).rejects.toThrow("crashed after the state put");
    removeCrash();
    expect(await storedItem("r8")).toMatchObject({ dueAt: dueSoon, outbox: ["message", "start"] });
    expect(await item(receiptKey("r8", claimedAt))).toBeUndefined();

    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    await sweep("win-back");
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r8" })]);
  }, 60_000);

  it("a run that dies after its claim is found by the sweep though another run claimed in the same millisecond and completed", async () => {
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(rt.ingest(signup("r12"))).rejects.toThrow("crashed after the state put");
    removeCrash();
    // Same clock: this run claims its own effect (the browse journey's start) and completes it; its
    // receipt must not take out the filing the dead run's claim is found by.
    await rt.ingest({
      ...productViewed("r12", "2026-03-01T08:00:30Z", {
        product: { productId: "p-1", name: "Mug", price: 12 },
      }),
      id: "view-r12",
    });
    expect(rt.sentEmails()).toHaveLength(0);
    for (const hour of ["08:00", "09:00", "10:00"]) {
      rt.clock.now = Date.parse(`2026-03-01T${hour}:00Z`);
      await sweepAll();
    }
    expect(rt.sentEmails()).toEqual([expect.objectContaining({ campaign: "welcome", customerId: "r12" })]);
  }, 60_000);

  it("a claim's filing the claims' sweep finds with nothing left to perform is settled, without a write of the state", async () => {
    await rt.ingest(signup("r7"));
    const claimedAt = rt.clock.now;
    // Filed again, as by a write that raced the receipt (or a run that died after recording it).
    await dynamoDbEffectReceipts(rt.clients.dynamodb, ENV.STATE_TABLE).file(
      "r7",
      claimedAt,
      claimedAt + 15 * 60_000,
    );
    expect(await item(receiptKey("r7", claimedAt))).not.toHaveProperty("settled");
    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    expect(await sweepOfClaims()).toMatchObject({ scanned: 1, settled: 1, finished: 0 });
    const receipt = await item(receiptKey("r7", claimedAt));
    expect(receipt?.ids).toBeInstanceOf(Set);
    expect(receipt).toMatchObject({ settled: true, dueAt: claimedAt + 15 * 60_000 });
    expect(await storedItem("r7")).toMatchObject({ version: 1 });
    expect(rt.sentEmails()).toHaveLength(1);
  }, 60_000);

  it("a lease renewal files the claim anew and settles the filing before; the last receipt settles the new one", async () => {
    const checks = new Set<() => unknown>();
    const deps = {
      ...rt.deps,
      leaseEvery: (_ms: number, check: () => unknown) => {
        checks.add(check);
        return () => checks.delete(check);
      },
    };
    let release = () => {};
    const sending = new Promise<void>((resolve) => {
      release = resolve;
    });
    rt.mocks.ses.on(SendEmailCommand).callsFake(async () => {
      await sending;
      return { MessageId: "ses-slow" };
    });
    const claimedAt = rt.clock.now;
    const running = runForCustomer(deps, "r9", "signup-r9", (state) =>
      decide(deps.compiled, state, signupEvent("r9")),
    );
    await expect.poll(() => rt.mocks.ses.commandCalls(SendEmailCommand).length).toBe(1);
    rt.clock.now = claimedAt + EFFECT_LEASE_MS / 2 + 1;
    for (const check of [...checks]) await check(); // the heartbeat renews the lease
    const renewedAt = rt.clock.now;
    expect(await item(receiptKey("r9", claimedAt))).toMatchObject({
      settled: true,
      dueAt: claimedAt + 15 * 60_000,
    });
    expect(await item(receiptKey("r9", renewedAt))).toMatchObject({ dueAt: renewedAt + 15 * 60_000 });
    expect(await item(receiptKey("r9", renewedAt))).not.toHaveProperty("settled");
    release();
    await running;
    expect(await item(receiptKey("r9", renewedAt))).toMatchObject({ settled: true });
    expect(rt.mocks.ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  }, 60_000);

  it("a claim whose state write never lands leaves a filing the sweep reads for nothing", async () => {
    const removeConflict = failStatePut();
    await expect(rt.ingest(signup("r6"))).rejects.toThrow();
    removeConflict();
    expect(await item("r6")).toBeUndefined();
    expect(await item(receiptKey("r6", rt.clock.now))).toMatchObject({
      dueAt: Date.parse("2026-03-01T08:15:00Z"),
    });
    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    for (const campaignId of swept()) expect(await sweep(campaignId)).toMatchObject({ failed: 0 });
    expect(await sweepOfClaims()).toMatchObject({ failed: 0 });
    expect(await item("r6")).toBeUndefined();
    expect(rt.sentEmails()).toHaveLength(0);
    // The event's redelivery decides and sends as a first delivery.
    await rt.ingest(signup("r6"));
    expect(rt.sentEmails()).toHaveLength(1);
  }, 60_000);

  it("leaves performed entries out of a write, and writes nothing when taking them over is all a run changes", async () => {
    const state = emptyCustomerState("r3");
    state.outbox = [
      { kind: "start", id: "start|a", journeyId: "a", claimedAt: 1 },
      { kind: "start", id: "start|b", journeyId: "b", claimedAt: 1 },
      { kind: "start", id: "start|c", journeyId: "c", claimedAt: 0 },
    ];
    await rt.store.save(state, 0);
    await rt.store.recordPerformed("r3", 1, ["start|a"], rt.clock.now);
    // A released entry (claim time 0) was not performed: no receipt is read for it.
    await rt.store.recordPerformed("r3", 0, ["start|c"], rt.clock.now);

    const loaded = await rt.store.load("r3");
    expect(loaded.state.outbox.map((entry) => entry.id)).toEqual(["start|b", "start|c"]);
    expect(loaded.performed).toEqual(["start|a"]);

    // A run taking over the performed entry only (its lease lapsed): nothing to perform, nothing written.
    const takeOver = (fresh: CustomerState) => {
      for (const entry of fresh.outbox) if (entry.id === "start|a") entry.claimedAt = 2;
    };
    expect(await rt.store.update("r3", takeOver)).toMatchObject({ saved: false, version: 1 });
    expect((await storedItem("r3")).outbox).toHaveLength(3);
    // A write for another reason leaves the performed entry out.
    const changed = await rt.store.update("r3", (fresh) => {
      fresh.profile.firstName = "Ada";
    });
    expect(changed).toMatchObject({ saved: true, version: 2 });
    expect(changed.state.outbox.map((entry) => entry.id)).toEqual(["start|b", "start|c"]);
    expect((await storedItem("r3")).outbox).toHaveLength(2);
  }, 60_000);

  it("the sweep writes nothing for a customer whose claimed entries were all performed, and refiles a past filing", async () => {
    await rt.ingest(signup("r4"));
    const dueIndex = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
    // Filed early, in an hour whose sweeps are over by 10:00.
    expect(await dueIndex.refile("r4", 1, Date.parse("2026-03-01T08:30:00Z"))).toBe(true);
    rt.clock.now = Date.parse("2026-03-01T10:00:00Z");
    expect(await sweep("win-back")).toMatchObject({ refiled: expect.any(Number), failed: 0 });
    const swept = await storedItem("r4");
    // The performed entries stay in the item until its next write; it is filed from this hour on.
    expect(swept).toMatchObject({ version: 1, outbox: ["message", "start"] });
    expect(swept.dueAt).toBeGreaterThanOrEqual(rt.clock.now);
    expect(rt.sentEmails()).toHaveLength(1);
  }, 60_000);
});

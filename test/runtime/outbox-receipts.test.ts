import { describe, expect, it, vi } from "vitest";
import { GetCommand } from "../../functions/adapters/dynamodb-documents.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbDueIndex } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { decodeStateAttribute } from "../../functions/adapters/state-item-codec.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { sweepCampaign } from "../../functions/use-cases/sweep.ts";
import { ENV, useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { customerSignedUp, customerUpdated } from "../support/events.ts";

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

  it("the sweep's backstop removes performed entries no later write came for, and files the customer anew", async () => {
    await rt.ingest(signup("r2"));
    const claimed = await storedItem("r2");
    expect(claimed).toMatchObject({ version: 1, outbox: ["message", "start"] });
    // Filed for the backstop: the claim + 15 min.
    expect(claimed.dueAt).toBe(Date.parse("2026-03-01T08:15:00Z"));

    rt.clock.now = Date.parse("2026-03-01T10:00:00Z");
    const dueIndex = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
    const outcome = await sweepCampaign(
      rt.deps,
      dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
      { campaignId: "win-back" },
      { dueIndex: { customersDue: dueIndex.customersDue, refile: dueIndex.refile }, catchUpHours: 3 },
    );

    expect(outcome).toMatchObject({ outcome: "swept", finished: 1, messages: 0 });
    const swept = await storedItem("r2");
    expect(swept).toMatchObject({ version: 2, outbox: [] });
    expect(swept.dueAt === undefined || swept.dueAt > rt.clock.now).toBe(true);
    expect(rt.sentEmails()).toHaveLength(1);
    expect(rt.mocks.sfn.calls()).toHaveLength(1);
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

  it("writes performed entries out when asked (saveFolded), even if nothing else changes", async () => {
    const state = emptyCustomerState("r4");
    state.outbox = [{ kind: "start", id: "start|a", journeyId: "a", claimedAt: 1 }];
    await rt.store.save(state, 0);
    expect(await rt.store.update("r4", () => {}, undefined, { saveFolded: true })).toMatchObject({
      saved: false,
    });
    await rt.store.recordPerformed("r4", 1, ["start|a"], rt.clock.now);
    expect(await rt.store.update("r4", () => {})).toMatchObject({ saved: false, version: 1 });
    expect(await rt.store.update("r4", () => {}, undefined, { saveFolded: true })).toMatchObject({
      saved: true,
      version: 2,
    });
    expect((await storedItem("r4")).outbox).toEqual([]);
  }, 60_000);
});

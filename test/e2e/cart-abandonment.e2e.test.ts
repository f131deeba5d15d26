import { readdirSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { cartUpdated, customerSignedUp } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { CAMPAIGNS_DIR, runScenario, shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";
import { type LocalEngine, startLocalEngine } from "./local-engine.ts";

// Before the handlers' modules load: Powertools Metrics needs a namespace, and prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

// The short scenario of test/campaigns/cart-abandonment.test.ts.
const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, {
    cartId: "k1",
    items: productIds.map((productId) => ({ productId, name: `Product ${productId}`, price: 10 })),
  });
const events = [
  customerSignedUp("c1", "2026-03-01T08:00:00Z"),
  cart("2026-03-02T10:00:00Z", ["p1"]),
  cart("2026-03-02T10:30:00Z", ["p1", "p2"]),
];
const UNTIL = "2026-03-20T00:00:00Z";

let db: LocalDynamoDb;
let local: LocalEngine | undefined;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(async () => {
  await db.stop();
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
});

/** Every workflow ended on its own, nothing left to perform, each email also audited at its send time. */
async function expectCleanRun(engine: LocalEngine) {
  expect(engine.time.sleeping).toBe(0);
  for (const execution of engine.executions.values()) {
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.failuresRecorded).toEqual([]);
  }
  const { state } = await engine.store.load("c1");
  expect(state.outbox).toEqual([]);
  expect(state.journeys).toEqual([]);
  for (const { at, input } of engine.sent) {
    const tags = Object.fromEntries((input.EmailTags ?? []).map((t) => [t.Name, t.Value]));
    expect(engine.audit).toContainEqual({
      type: "message.sent",
      time: at,
      detail: expect.objectContaining({ campaign: tags.campaign, step: tags.step }),
    });
  }
}

describe("cart abandonment end to end: ingest -> dynalite -> Step Functions (local) -> journey-step -> SES", () => {
  it("sends what `engage simulate` sends: reminder 1 h after the last update, offer 23 h later", async () => {
    const cartOnly = compileCampaigns([shippedCampaign("cart-abandonment")], shippedEngineSettings(), {
      renderBodies: true,
    });
    local = await startLocalEngine({ db, start: "2026-03-01T00:00:00Z", compiled: cartOnly });

    await local.run(events, UNTIL);

    const simulated = runScenario(["cart-abandonment"], events, { until: UNTIL }).lines;
    const { sent } = expectedLines("cart-abandonment");
    expect(simulated).toEqual([
      sent({
        at: "2026-03-02T11:30:00.000Z",
        step: "reminder-email",
        template: "reminder",
        subject: "You left 2 items in your cart",
        productIds: ["p1", "p2"],
      }),
      sent({
        at: "2026-03-03T10:30:00.000Z",
        step: "offer-email",
        template: "offer",
        subject: "10% off the items in your cart",
        productIds: ["p1", "p2"],
      }),
    ]);
    expect(local.messageLines()).toEqual(simulated);
    // One workflow for the cart (the second update only moved its wake-up), three Step calls: at
    // the first wake-up, at the moved one, at the offer.
    expect(local.startExecutionCalls()).toBe(1);
    expect([...local.executions.values()].map((e) => e.stepCalls)).toEqual([
      ["2026-03-02T11:00:00.000Z", "2026-03-02T11:30:00.000Z", "2026-03-03T10:30:00.000Z"],
    ]);
    await expectCleanRun(local);
  });

  it("matches the simulator with every shipped campaign as bundled (welcome journey, frequency cap)", async () => {
    // The engine the functions load from their campaign folder (bundledCampaigns), not a test selection.
    local = await startLocalEngine({ db, start: "2026-03-01T00:00:00Z" });
    const allCampaigns = readdirSync(CAMPAIGNS_DIR)
      .filter((file) => file.endsWith(".json") && file !== "engine.json")
      .map((file) => file.slice(0, -".json".length));

    await local.run(events, UNTIL);

    // Scheduled campaigns (the sweep) do not run here; the simulator's sweep sends nothing to c1 either.
    const simulated = runScenario(allCampaigns, events, { until: UNTIL }).lines;
    expect(simulated.map((l) => [l.at, l.campaign, l.step, l.status, l.reason ?? ""])).toEqual([
      ["2026-03-01T08:00:00.000Z", "welcome", "welcome-email", "sent", ""],
      ["2026-03-02T11:30:00.000Z", "cart-abandonment", "reminder-email", "sent", ""],
      ["2026-03-03T08:00:00.000Z", "welcome", "bestsellers-email", "sent", ""],
      // The cart offer is a trigger-class message: lifecycle sends do not use its reserved slots.
      ["2026-03-03T10:30:00.000Z", "cart-abandonment", "offer-email", "sent", ""],
      ["2026-03-06T08:00:00.000Z", "welcome", "first-order-offer-email", "suppressed", "frequency_cap"],
    ]);
    expect(local.messageLines()).toEqual(simulated);
    // The welcome email went once, although the welcome workflow's first Step ran while ingest was
    // still finishing the sign-up's effects.
    expect(local.sent.map((s) => s.input.EmailTags?.find((t) => t.Name === "step")?.Value)).toEqual([
      "welcome-email",
      "reminder-email",
      "bestsellers-email",
      "offer-email",
    ]);
    expect([...local.executions.keys()].map((name) => name.split("-c1")[0])).toEqual([
      "welcome",
      "cart-abandonment",
    ]);
    await expectCleanRun(local);
  });
});

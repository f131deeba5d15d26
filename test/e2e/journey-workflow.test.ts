import { TooManyRequestsException } from "@aws-sdk/client-sesv2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { verifyUnsubscribeToken } from "../../functions/unsubscribe/token.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";
import { type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { cartUpdated, customerSignedUp, orderPlaced } from "../support/events.ts";
import { shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";
import { type LocalEngine, startLocalEngine, UNSUBSCRIBE_SECRET } from "./local-engine.ts";

// Before the handlers' modules load: Powertools Metrics needs a namespace, and prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

const { step, doneOrWait, waitUntilWakeAt, done } = JOURNEY_STATES;
const cartOnly = compileCampaigns([shippedCampaign("cart-abandonment")], shippedEngineSettings(), {
  renderBodies: true,
});

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, {
    cartId: "k1",
    items: productIds.map((productId) => ({ productId, name: `Product ${productId}`, price: 10 })),
  });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p1" }], total: 10 });
const UNTIL = "2026-03-20T00:00:00Z";

let db: LocalDynamoDb;
let engine: LocalEngine | undefined;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(async () => {
  await db.stop();
});
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function localEngine() {
  engine = await startLocalEngine({ db, start: "2026-03-01T00:00:00Z", compiled: cartOnly });
  return engine;
}

/** The one journey execution of the run (cart-abandonment for c1, cart k1). */
function onlyExecution(local: LocalEngine) {
  expect([...local.executions.keys()]).toEqual([expect.stringMatching(/^cart-abandonment/)]);
  return [...local.executions.values()][0]!;
}

const subjects = (local: LocalEngine) =>
  local.sent.map(({ at, input }) => [at, input.Content?.Simple?.Subject?.Data]);

async function expectJourneyClosed(local: LocalEngine) {
  const { state } = await local.store.load("c1");
  expect(state.journeys).toEqual([]);
  expect(state.outbox).toEqual([]);
}

describe("journey workflow: local Step Functions, the real journey-step handler, dynalite, SES mocked", () => {
  it("waits until wakeAt, then sends (the core sees the intended times, the waits take none)", async () => {
    const local = await localEngine();
    const started = performance.now();

    await local.run([signup, cart("2026-03-02T10:00:00Z", ["p1"])], UNTIL);

    expect(performance.now() - started).toBeLessThan(5_000);
    const execution = onlyExecution(local);
    expect(execution.status).toBe("SUCCEEDED");
    // Started by ingest with the journey's wake: it waits first, with no Step to read that back.
    expect(execution.input).toEqual({
      customerId: "c1",
      instanceId: expect.any(String),
      wakeAt: "2026-03-02T11:00:00.000Z",
      step: "reminder-email",
    });
    const { wakeAt: _, step: __, ...identifiers } = execution.input;
    expect(execution.output).toEqual({ ...identifiers, done: true });
    expect(execution.startedAt).toBe("2026-03-02T10:00:00.000Z");
    // Woken at +1 h (reminder), 23 h after that (offer, the end).
    expect(execution.stepCalls).toEqual(["2026-03-02T11:00:00.000Z", "2026-03-03T10:00:00.000Z"]);
    expect(execution.statesEntered()).toEqual([
      waitUntilWakeAt,
      step,
      doneOrWait,
      waitUntilWakeAt,
      step,
      doneOrWait,
      done,
    ]);
    expect(subjects(local)).toEqual([
      ["2026-03-02T11:00:00.000Z", "You left 1 item in your cart"],
      ["2026-03-03T10:00:00.000Z", "10% off the items in your cart"],
    ]);
    // Marketing email: a signed one-click unsubscribe link (RFC 8058), signed with the mocked secret.
    const headers = local.sent[0]?.input.Content?.Simple?.Headers ?? [];
    const link = headers.find((h) => h.Name === "List-Unsubscribe")?.Value?.slice(1, -1) ?? "";
    expect(headers).toContainEqual({ Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" });
    const token = new URL(link).searchParams.get("token") ?? "";
    expect(verifyUnsubscribeToken(token, UNSUBSCRIBE_SECRET, Date.now())).toMatchObject({
      ok: true,
      claims: { customerId: "c1", channel: "email", campaign: "cart-abandonment" },
    });
    await expectJourneyClosed(local);
  });

  it("stops the workflow with no email when an order is placed during the wait (exit)", async () => {
    const local = await localEngine();

    await local.run([signup, cart("2026-03-02T10:00:00Z", ["p1"]), order("2026-03-02T10:45:00Z")], UNTIL);

    const execution = onlyExecution(local);
    // Stopped by the run that exited the journey: no Step at 11:00 to find it gone.
    expect(execution.status).toBe("ABORTED");
    expect(execution.stoppedAt).toBe("2026-03-02T10:45:00.000Z");
    expect(execution.stepCalls).toEqual([]);
    expect(local.sesCalls).toEqual([]);
    expect(local.audit).toContainEqual(
      expect.objectContaining({
        type: "journey.exited",
        detail: expect.objectContaining({ exitEvent: "order.placed", conversion: true }),
      }),
    );
    await expectJourneyClosed(local);
  });

  it("waits again when a second cart update moved the wake-up (debounce): one reminder in the end", async () => {
    const local = await localEngine();

    await local.run(
      [signup, cart("2026-03-02T10:00:00Z", ["p1"]), cart("2026-03-02T10:30:00Z", ["p1", "p2"])],
      UNTIL,
    );

    expect(local.startExecutionCalls()).toBe(1);
    const execution = onlyExecution(local);
    expect(execution.status).toBe("SUCCEEDED");
    // 11:00 is the first wakeAt; the step finds the journey due at 11:30 and returns that.
    expect(execution.stepCalls).toEqual([
      "2026-03-02T11:00:00.000Z",
      "2026-03-02T11:30:00.000Z",
      "2026-03-03T10:30:00.000Z",
    ]);
    expect(execution.statesEntered()).toEqual([
      waitUntilWakeAt,
      ...[step, doneOrWait, waitUntilWakeAt],
      ...[step, doneOrWait, waitUntilWakeAt],
      ...[step, doneOrWait, done],
    ]);
    expect(subjects(local)).toEqual([
      ["2026-03-02T11:30:00.000Z", "You left 2 items in your cart"],
      ["2026-03-03T10:30:00.000Z", "10% off the items in your cart"],
    ]);
    await expectJourneyClosed(local);
  });

  it("retries the step through the state machine's Retry when SES throttles: the email goes once", async () => {
    const local = await localEngine();
    local.sesFailures.push(
      new TooManyRequestsException({
        message: "Maximum sending rate exceeded",
        $metadata: { httpStatusCode: 429 },
      }),
    );

    await local.run([signup, cart("2026-03-02T10:00:00Z", ["p1"])], UNTIL);

    const execution = onlyExecution(local);
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.retries()).toBe(1);
    expect(execution.events).toContainEqual(
      expect.objectContaining({ type: "StateRetried", state: expect.objectContaining({ name: step }) }),
    );
    // The step at 11:00 claimed the reminder and failed to send it; the retry (same instant) sent it.
    expect(execution.stepCalls).toEqual([
      "2026-03-02T11:00:00.000Z",
      "2026-03-02T11:00:00.000Z",
      "2026-03-03T10:00:00.000Z",
    ]);
    expect(local.sesCalls.map((c) => c.input.Content?.Simple?.Subject?.Data)).toEqual([
      "You left 1 item in your cart",
      "You left 1 item in your cart",
      "10% off the items in your cart",
    ]);
    expect(subjects(local)).toEqual([
      ["2026-03-02T11:00:00.000Z", "You left 1 item in your cart"],
      ["2026-03-03T10:00:00.000Z", "10% off the items in your cart"],
    ]);
    expect(local.log.lines).toContainEqual(
      expect.objectContaining({
        message: "effect to retry",
        fields: expect.objectContaining({ reason: "TooManyRequestsException" }),
      }),
    );
    expect(execution.failuresRecorded).toEqual([]);
    await expectJourneyClosed(local);
  });

  it("ends a journey whose Step fails for good: journey.failed reaches ingest, which frees the customer", async () => {
    const local = await localEngine();
    local.stepFailures.push(Object.assign(new Error("a bug in the step"), { name: "TypeError" }));

    await local.run([signup, cart("2026-03-02T10:00:00Z", ["p1"])], UNTIL);

    const execution = onlyExecution(local);
    expect(execution.status).toBe("FAILED");
    expect(execution.statesEntered()).toEqual([
      waitUntilWakeAt,
      step,
      JOURNEY_STATES.recordFailure,
      JOURNEY_STATES.failed,
    ]);
    expect(execution.failuresRecorded).toHaveLength(1);
    expect(local.sesCalls).toEqual([]);
    const { state } = await local.store.load("c1");
    expect(state.journeys).toEqual([]);
    expect(state.finished[execution.input.instanceId]).toBe(Date.parse("2026-03-02T11:00:00Z"));
    expect(local.audit).toContainEqual(
      expect.objectContaining({
        type: "journey.failed",
        detail: expect.objectContaining({
          journeyId: execution.input.instanceId,
          campaign: "cart-abandonment",
        }),
      }),
    );
  });
});

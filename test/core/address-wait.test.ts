import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { Decision } from "../../functions/core/engine/decisions.ts";
import { advance } from "../../functions/core/engine/index.ts";
import { type CustomerEvent, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

// Found by the chaos runs: an order delivered before the sign-up that carries the email, shuffled
// (18,583 events) or with the sign-up parked in the dead-letter queue until a redrive (45,070 events).
const settings = shippedEngineSettings();
const compiled = compileCampaigns([shippedCampaign("order-confirmation")], settings);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function event(test: TestEvent): CustomerEvent {
  const outcome = parseJsonLine(toJsonLines([test])[0]!);
  if (outcome.kind !== "event") throw new Error("not an event");
  return outcome.event as CustomerEvent;
}
const signupAt = (at: string) =>
  event({ ...customerSignedUp("c1", at, { email: "c1@example.com" }), id: `s-${at}` });
const signup = signupAt("2026-03-02T10:00:00Z");
const order = event({
  ...orderPlaced("c1", "2026-03-02T10:01:00Z", {
    orderId: "o1",
    items: [{ productId: "p1", price: 10 }],
    total: 10,
    currency: "EUR",
    fulfillment: "ship",
  }),
  id: "o",
});
const lines = (decisions: Decision[]) =>
  decisions.flatMap((d) => (d.type === "message" ? [[d.line.status, d.line.reason ?? "", d.line.at]] : []));
const wakes = (decisions: Decision[]) => decisions.flatMap((d) => (d.type === "wake" ? [d] : []));

/** Runs the journey's wake-ups (as its workflow would) up to `until`; the messages and the looks. */
function runWakes(state: CustomerState, first: Decision[], until: number) {
  const found: string[][] = [];
  let looks = 0;
  let pending = wakes(first);
  while (pending.length > 0 && pending[0]!.at <= until) {
    const [wake] = pending;
    looks++;
    const decisions = advance(compiled, state, wake!.journeyId, wake!.at);
    found.push(...lines(decisions));
    pending = wakes(decisions);
  }
  return { found, looks, next: pending[0]?.at };
}

describe("a transactional message due before the customer's address is known", () => {
  it("waits for a late profile event and goes to the address it brings", () => {
    const state = emptyCustomerState("c1");
    const first = decide(compiled, state, order);
    expect(lines(first)).toEqual([]);
    const [wake] = wakes(first);
    expect(wake?.at).toBe(order.at + MINUTE);
    decide(compiled, state, signup);
    const later = advance(compiled, state, wake!.journeyId, wake!.at);
    expect(later).toEqual([]); // sent with the sign-up already; this wake-up is stale
  });

  it("goes out with the event that brings the address an hour later, once", () => {
    const state = emptyCustomerState("c1");
    const first = decide(compiled, state, order);
    const waited = runWakes(state, first, order.at + HOUR);
    expect(waited.found).toEqual([]);
    const arrival = decide(compiled, state, signupAt("2026-03-02T11:01:00Z"));
    expect(lines(arrival)).toEqual([["sent", "", "2026-03-02T11:01:00.000Z"]]);
    // The journey's later looks find it ended: nothing more.
    expect(runWakes(state, arrival, order.at + 4 * 24 * HOUR).found).toEqual([]);
    expect(state.journeys).toEqual([]);
  });

  it("goes out when a sign-up dated before the order is redriven two days later, dated when it was due", () => {
    const state = emptyCustomerState("c1");
    const first = decide(compiled, state, order);
    const waited = runWakes(state, first, order.at + 2 * 24 * HOUR);
    expect(waited.found).toEqual([]);
    const redriven = decide(compiled, state, signup);
    expect(lines(redriven)).toEqual([["sent", "", "2026-03-02T10:01:00.000Z"]]);
  });

  it("looks again every minute for 15 minutes, then hourly, and is suppressed as no_address at addressWait", () => {
    expect(settings.addressWait).toBe(3 * 24 * HOUR);
    const state = emptyCustomerState("c1");
    const { found, looks, next } = runWakes(state, decide(compiled, state, order), Number.POSITIVE_INFINITY);
    const end = new Date(order.at + settings.addressWait).toISOString();
    expect(found).toEqual([["suppressed", "no_address", end]]);
    expect(next).toBeUndefined();
    // 15 looks in the first 15 minutes, then one an hour: a waiting journey costs about 87 wake-ups.
    expect(looks).toBe(15 + Math.ceil((settings.addressWait - 15 * MINUTE) / HOUR));
  });

  it("waits only 15 minutes when the sign-up was applied without the address (no later steps held for days)", () => {
    const state = emptyCustomerState("c1");
    decide(
      compiled,
      state,
      event({ ...customerSignedUp("c1", "2026-03-01T10:00:00Z", { email: undefined }), id: "s0" }),
    );
    const { found } = runWakes(state, decide(compiled, state, order), Number.POSITIVE_INFINITY);
    expect(found).toEqual([["suppressed", "no_address", new Date(order.at + 15 * MINUTE).toISOString()]]);
  });
});

import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { Decision } from "../../functions/core/engine/decisions.ts";
import { advance } from "../../functions/core/engine/index.ts";
import { type CustomerEvent, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

// Found by the 18,583-event chaos run: an order delivered before the sign-up that carries the email.
const compiled = compileCampaigns([shippedCampaign("order-confirmation")], shippedEngineSettings());
const MINUTE = 60_000;

function event(test: TestEvent): CustomerEvent {
  const outcome = parseJsonLine(toJsonLines([test])[0]!);
  if (outcome.kind !== "event") throw new Error("not an event");
  return outcome.event as CustomerEvent;
}
const signup = event({
  ...customerSignedUp("c1", "2026-03-02T10:00:00Z", { email: "c1@example.com" }),
  id: "s",
});
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
  decisions.flatMap((d) => (d.type === "message" ? [[d.line.status, d.line.reason ?? ""]] : []));
const wakes = (decisions: Decision[]) => decisions.flatMap((d) => (d.type === "wake" ? [d] : []));

describe("a transactional message due before the customer's address is known", () => {
  it("waits for a late profile event and goes to the address it brings", () => {
    const state = emptyCustomerState("c1");
    const first = decide(compiled, state, order);
    expect(lines(first)).toEqual([]);
    const [wake] = wakes(first);
    expect(wake?.at).toBe(order.at + MINUTE);
    decide(compiled, state, signup);
    const later = advance(compiled, state, wake!.journeyId, wake!.at);
    expect(lines(later)).toEqual([["sent", ""]]);
  });

  it("is suppressed as no_address when none comes within addressWait (15 minutes)", () => {
    const state = emptyCustomerState("c1");
    let decisions = decide(compiled, state, order);
    const found: string[][] = [];
    for (let i = 0; i < 30 && wakes(decisions).length > 0; i++) {
      const [wake] = wakes(decisions);
      decisions = advance(compiled, state, wake!.journeyId, wake!.at);
      found.push(
        ...lines(decisions).map(([status, reason]) => [String(wake!.at - order.at), status!, reason!]),
      );
    }
    expect(found).toEqual([[String(15 * MINUTE), "suppressed", "no_address"]]);
  });
});

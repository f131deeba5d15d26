import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { WakeDecision } from "../../functions/core/engine/decisions.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { defineCampaign, shippedEngineSettings } from "../support/scenario.ts";

// Waits a day for a cart update, then `after` before its email: the journey's workflow sleeps until
// the day's timeout, so a resume that wakes it earlier needs a new workflow generation.
const campaign = (after: string) =>
  defineCampaign({
    id: "nudge",
    name: "Nudge",
    kind: "marketing",
    triggers: [{ type: "event", event: "app.opened" }],
    steps: [
      { id: "await-cart", type: "waitForEvent", event: "cart.updated", timeout: "P1D", onTimeout: "end" },
      { id: "wait", type: "wait", duration: after },
      { id: "email", type: "send", channel: "email", template: "note" },
    ],
    templates: { note: { subject: "Hello", body: "<p>Hello</p>" } },
  });

const event = (type: string, at: string, id: string, detail: Record<string, unknown> = {}) => {
  const parsed = parseEnvelope({
    id,
    source: "test",
    "detail-type": type,
    time: at,
    detail: { customerId: "c1", ...detail },
  });
  if (parsed.kind !== "event") throw new Error(`bad test event: ${JSON.stringify(parsed)}`);
  return parsed.event as CustomerEvent;
};
const OPENED = "2026-03-02T10:00:00Z";
const cart = (at: string) =>
  event("cart.updated", at, "e2", { cartId: "k1", items: [], total: 0, currency: "EUR" });

function resumeAt(after: string, resumedAt: string) {
  const compiled = compileCampaigns([campaign(after)], shippedEngineSettings());
  const state = emptyCustomerState("c1");
  decide(compiled, state, event("app.opened", OPENED, "e1"));
  expect(state.journeys[0]?.wakeAt).toBe(Date.parse("2026-03-03T10:00:00Z"));
  const wakes = decide(compiled, state, cart(resumedAt)).filter((d): d is WakeDecision => d.type === "wake");
  return { wakes, journey: state.journeys[0] };
}

describe("a resume that moves a journey's wake earlier than its workflow sleeps", () => {
  it("earlier: the wake carries a new workflow generation, kept in the journey", () => {
    const { wakes, journey } = resumeAt("PT2H", "2026-03-02T12:00:00Z");
    expect(wakes).toEqual([
      {
        type: "wake",
        journeyId: journey!.id,
        customerId: "c1",
        at: Date.parse("2026-03-02T14:00:00Z"),
        generation: 1,
      },
    ]);
    expect(journey?.wakeGeneration).toBe(1);
  });

  it("equal: no new generation", () => {
    const { wakes, journey } = resumeAt("PT22H", "2026-03-02T12:00:00Z");
    expect(wakes.map((w) => [w.at, w.generation])).toEqual([[Date.parse("2026-03-03T10:00:00Z"), undefined]]);
    expect(journey?.wakeGeneration).toBeUndefined();
  });

  it("later: no new generation (the workflow wakes early, finds the wake moved and sleeps again)", () => {
    const { wakes, journey } = resumeAt("P2D", "2026-03-02T12:00:00Z");
    expect(wakes.map((w) => [w.at, w.generation])).toEqual([[Date.parse("2026-03-04T12:00:00Z"), undefined]]);
    expect(journey?.wakeGeneration).toBeUndefined();
  });
});

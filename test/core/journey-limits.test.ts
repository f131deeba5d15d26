import { describe, expect, it } from "vitest";
import { customer, defineCampaign, runCampaigns } from "../support/scenario.ts";

/** A transactional loop through an hourly wait: allowed by validate, bounded at run time. */
function hourlyLoop(policies: { maxSendsPerJourney?: number } = {}) {
  return defineCampaign({
    id: "hourly-loop",
    name: "hourly loop",
    kind: "transactional",
    triggers: [{ type: "event", event: "customer.signed_up" }],
    steps: [
      { id: "ping", type: "send", channel: "email", template: "ping" },
      { id: "wait-1h", type: "wait", duration: "PT1H", next: "ping" },
    ],
    templates: { ping: { subject: "Ping", body: "Ping" } },
    policies,
  });
}

const signUp = [{ type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") }];

describe("messages per journey", () => {
  it("a looping journey ends after maxSendsPerJourney messages (engine default 10)", () => {
    const { lines } = runCampaigns([hourlyLoop()], signUp, { until: "2026-03-31T00:00:00Z" });
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)?.at).toBe("2026-03-01T17:00:00.000Z");
  });

  it("a campaign may set its own maximum", () => {
    const { lines } = runCampaigns([hourlyLoop({ maxSendsPerJourney: 2 })], signUp, {
      until: "2026-03-31T00:00:00Z",
    });
    expect(lines).toHaveLength(2);
  });
});

describe("a wait read from event data", () => {
  it("is bounded like a wait written in a file: the wake-up is a valid time", async () => {
    const { compileCampaigns } = await import("../../functions/core/engine/compile.ts");
    const { decide } = await import("../../functions/core/engine/decide.ts");
    const { emptyCustomerState } = await import("../../functions/core/state/customer-state.ts");
    const { shippedEngineSettings } = await import("../support/scenario.ts");
    const { MAX_DURATION_MS } = await import("../../functions/core/config/duration.ts");
    const campaign = defineCampaign({
      id: "later",
      name: "later",
      kind: "transactional",
      triggers: [{ type: "event", event: "customer.signed_up" }],
      steps: [
        { id: "wait", type: "wait", durationFrom: { path: "journey.days", unit: "days" } },
        { id: "send", type: "send", channel: "email", template: "t" },
      ],
      templates: { t: { subject: "Hi", body: "Hi" } },
    });
    const compiled = compileCampaigns([campaign], shippedEngineSettings());
    const at = Date.parse("2026-03-01T08:00:00Z");
    const decisions = decide(compiled, emptyCustomerState("c1"), {
      id: "e1",
      type: "customer.signed_up",
      at,
      source: "t",
      detail: customer("c1", { days: 1e12 }),
    });
    const wake = decisions.find((d) => d.type === "wake");
    expect(wake?.at).toBe(at + MAX_DURATION_MS);
    expect(() => new Date(wake!.at).toISOString()).not.toThrow();
  });
});

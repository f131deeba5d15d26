import { describe, expect, it, vi } from "vitest";
import { customer, defineCampaign, runCampaigns } from "../support/scenario.ts";

// As a Lambda package deployed without liquidjs.cjs beside its bundle (functions/runtime/liquidjs-on-first-use.ts):
// making the engine fails.
vi.mock("liquidjs", () => ({
  Liquid: function Liquid() {
    throw new Error("Cannot find module './liquidjs.cjs'");
  },
}));

describe("a template engine that cannot load", () => {
  it("fails the decision, so the event is retried and then dead-lettered, instead of suppressing the message as render_failed", () => {
    const campaign = defineCampaign({
      id: "greeting",
      name: "greeting",
      kind: "transactional",
      triggers: [{ type: "event", event: "customer.signed_up" }],
      steps: [{ id: "greeting-email", type: "send", channel: "email", template: "greeting" }],
      templates: { greeting: { subject: "Hello", body: "Hi {{ profile.firstName }}" } },
    });
    const at = "2026-03-01T08:00:00Z";
    expect(() =>
      runCampaigns([campaign], [{ type: "customer.signed_up", at, detail: customer("c1") }]),
    ).toThrow(/liquidjs\.cjs/);
  });
});

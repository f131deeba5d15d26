import { describe, expect, it, vi } from "vitest";
import { customer, greetingOnSignup, runCampaigns } from "../support/scenario.ts";

// As a Lambda package deployed without liquidjs.cjs beside its bundle (functions/runtime/liquidjs-on-first-use.ts):
// making the engine fails.
vi.mock("liquidjs", () => ({
  Liquid: function Liquid() {
    throw new Error("Cannot find module './liquidjs.cjs'");
  },
}));

describe("a template engine that cannot load", () => {
  it("fails the decision, so the event is retried and then dead-lettered, instead of suppressing the message as render_failed", () => {
    const campaign = greetingOnSignup("Hi {{ profile.firstName }}");
    const at = "2026-03-01T08:00:00Z";
    expect(() =>
      runCampaigns([campaign], [{ type: "customer.signed_up", at, detail: customer("c1") }]),
    ).toThrow(/liquidjs\.cjs/);
  });
});

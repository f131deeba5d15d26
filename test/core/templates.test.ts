import { describe, expect, it } from "vitest";
import { compileTemplates, renderBody } from "../../functions/core/templates/templates.ts";
import { defineCampaign } from "../support/scenario.ts";

function oneTemplate(body: string, channel: "email" | "sms" = "sms") {
  const campaign = defineCampaign({
    id: "t",
    name: "t",
    kind: "marketing",
    triggers: [{ type: "event", event: "app.opened" }],
    steps: [{ id: "send", type: "send", channel, template: "t" }],
    templates: { t: { subject: "Hi", body } },
  });
  return compileTemplates(campaign).get("t")!;
}

describe("templates render under limits", () => {
  it("a loop sized by event data fails at once with a clear error", () => {
    const template = oneTemplate("{% for i in (1..journey.n) %}x{% endfor %}");
    const started = performance.now();
    expect(() => renderBody(template, { journey: { n: 30_000_000 } })).toThrow(/memory alloc limit exceeded/);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(renderBody(template, { journey: { n: 3 } })).toBe("xxx");
  });
});

describe("simulate renders every body it reports", () => {
  it("a body that fails to render for one customer is a suppressed render_failed line; others are sent", async () => {
    const { customer, runCampaigns } = await import("../support/scenario.ts");
    const campaign = defineCampaign({
      id: "greeting",
      name: "greeting",
      kind: "transactional",
      triggers: [{ type: "event", event: "customer.signed_up" }],
      steps: [{ id: "greeting-email", type: "send", channel: "email", template: "greeting" }],
      templates: { greeting: { subject: "Hello", body: "{% for i in (1..journey.n) %}x{% endfor %}" } },
    });
    const at = "2026-03-01T08:00:00Z";
    const { lines } = runCampaigns(
      [campaign],
      [
        { type: "customer.signed_up", at, detail: customer("c1", { n: 30_000_000 }) },
        { type: "customer.signed_up", at, detail: customer("c2", { n: 2 }) },
      ],
    );
    expect(lines.map((l) => [l.customerId, l.status, l.reason])).toEqual([
      ["c1", "suppressed", "render_failed"],
      ["c2", "sent", undefined],
    ]);
  });
});

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

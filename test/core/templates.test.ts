import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { compileTemplates, renderBody, renderSubject } from "../../functions/core/templates/templates.ts";
import { defineCampaign, greetingOnSignup } from "../support/scenario.ts";

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

  it("the outcome does not depend on the clock: a slow machine renders the same body", () => {
    const template = oneTemplate("{% for i in (1..journey.n) %}{{ i }}{% endfor %}");
    let clock = 0;
    // Every reading of the clock 600 ms later than the last, as on a loaded machine or in a GC pause.
    const slow = vi.spyOn(performance, "now").mockImplementation(() => (clock += 600));
    try {
      expect(renderBody(template, { journey: { n: 20 } })).toBe("1234567891011121314151617181920");
    } finally {
      slow.mockRestore();
    }
  });
});

describe("simulate renders every body it reports", () => {
  it("a body that fails to render for one customer is a suppressed render_failed line; others are sent", async () => {
    const { customer, runCampaigns } = await import("../support/scenario.ts");
    const campaign = greetingOnSignup("{% for i in (1..journey.n) %}x{% endfor %}");
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

describe("rendered text is safe whatever the data", () => {
  const email = (subject: string, body: string) => {
    const campaign = defineCampaign({
      id: "t",
      name: "t",
      kind: "transactional",
      triggers: [{ type: "event", event: "order.shipped" }],
      steps: [{ id: "send", type: "send", channel: "email", template: "t" }],
      templates: { t: { subject, body } },
    });
    return compileTemplates(campaign).get("t")!;
  };

  it("a subject is one line: CR/LF from event data cannot add mail headers", () => {
    const template = email("Order {{ journey.orderId }} shipped", "x");
    expect(renderSubject(template, { journey: { orderId: "o1\r\nBcc: victim@example.com" } })).toBe(
      "Order o1 Bcc: victim@example.com shipped",
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (orderId) => {
        const subject = renderSubject(template, { journey: { orderId } }) ?? "";
        return !/[\p{Cc}\u2028\u2029]/u.test(subject);
      }),
    );
  });

  it("links and images in an email body go only to http(s) or mailto URLs", () => {
    const template = email(
      "x",
      '<a href="{{ journey.trackingUrl }}">track</a><img src="{{ products.first.imageUrl }}">',
    );
    const render = (url: string) =>
      renderBody(template, { journey: { trackingUrl: url }, products: [{ imageUrl: url }] });
    for (const bad of [
      "javascript:alert(1)",
      " JaVa\tScRiPt:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "vbscript:msgbox(1)",
      "javascript&#58;alert(1)",
    ])
      expect(render(bad)).toBe('<a href="#">track</a><img src="#">');
    expect(render("https://shop.example.com/track?id=1&x=2")).toBe(
      '<a href="https://shop.example.com/track?id=1&amp;x=2">track</a><img src="https://shop.example.com/track?id=1&amp;x=2">',
    );
    const scheme = fc.constantFrom(
      "javascript",
      "JavaScript",
      "data",
      "vbscript",
      "file",
      "https",
      "HTTP",
      "mailto",
    );
    const noise = fc.stringMatching(/^[a-z \t\n\r\v\f]{0,4}$/);
    fc.assert(
      fc.property(noise, scheme, fc.string({ unit: "binary" }), (prefix, name, rest) => {
        const html = render(`${prefix}${name}:${rest}`);
        // A browser ignores whitespace and control characters in a scheme.
        const effective = `${prefix}${name}`.replace(/[\s\p{Cc}]/gu, "").toLowerCase();
        const allowed = ["http", "https", "mailto"].includes(effective);
        for (const match of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
          if (allowed) expect(match[1]).not.toBe("#");
          else expect(match[1], html).toBe("#");
        }
      }),
    );
  });
});

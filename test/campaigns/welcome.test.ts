import { describe, expect, it } from "vitest";
import { consentUpdated, customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, runScenario, type TestEvent } from "../support/scenario.ts";

const signup = (at = "2026-03-01T08:00:00Z") =>
  customerSignedUp("c1", at, { email: "c1@example.com", firstName: "Ada" });
const order = (at: string) =>
  orderPlaced("c1", at, { orderId: "o1", items: [{ productId: "p1", price: 20 }] });

const { sent, suppressed } = expectedLines("welcome");
const welcome = sent({
  at: "2026-03-01T08:00:00.000Z",
  step: "welcome-email",
  template: "welcome",
  subject: "Welcome, Ada!",
});
const bestsellers = sent({
  at: "2026-03-03T08:00:00.000Z",
  step: "bestsellers-email",
  template: "bestsellers",
  subject: "Our bestsellers, picked for you",
});
const offer = sent({
  at: "2026-03-06T08:00:00.000Z",
  step: "first-order-offer-email",
  template: "first-order-offer",
  subject: "10% off your first order",
});

describe("welcome", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "email now, bestsellers at +2 d, first-order offer at +5 d",
      events: [signup()],
      expected: [welcome, bestsellers, offer],
    },
    {
      name: "an order before the second email exits (a conversion)",
      events: [signup(), order("2026-03-02T12:00:00Z")],
      expected: [welcome],
    },
    {
      name: "an order between the second and third emails stops the offer",
      events: [signup(), order("2026-03-04T12:00:00Z")],
      expected: [welcome, bestsellers],
    },
    {
      name: "once per customer: a second sign-up later starts nothing",
      events: [signup(), signup("2026-03-20T08:00:00Z")],
      expected: [welcome, bestsellers, offer],
    },
    {
      name: "an email opt-out after sign-up suppresses the later emails",
      events: [
        signup(),
        consentUpdated("c1", "2026-03-02T09:00:00Z", { channel: "email", status: "opted_out" }),
      ],
      expected: [
        welcome,
        suppressed({
          at: "2026-03-03T08:00:00.000Z",
          step: "bestsellers-email",
          template: "bestsellers",
          reason: "opted_out",
        }),
        suppressed({
          at: "2026-03-06T08:00:00.000Z",
          step: "first-order-offer-email",
          template: "first-order-offer",
          reason: "opted_out",
        }),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["welcome"], events, { until: "2026-04-01T00:00:00Z" })).toEqual(expected);
  });

  it("counts an exit on order as a conversion", () => {
    const { report } = runScenario(["welcome"], [signup(), order("2026-03-02T12:00:00Z")], {
      until: "2026-04-01T00:00:00Z",
    });
    expect(report.summary.byCampaign.get("welcome")).toMatchObject({
      triggered: 1,
      exited: 1,
      conversions: 1,
    });
  });
});

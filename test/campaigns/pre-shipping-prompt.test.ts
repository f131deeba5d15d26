import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const order = (at: string, orderId = "o1", fulfillment = "ship"): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: [{ productId: "p1", name: "Mug", price: 20 }],
    total: 20,
    currency: "EUR",
    fulfillment,
    ...(fulfillment === "pickup" ? { storeId: "s1" } : {}),
  },
});
const orderEvent = (type: string, at: string, orderId = "o1"): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", orderId },
});
const prompt = (at: string, orderId = "o1") => ({
  at,
  campaign: "pre-shipping-prompt",
  step: "prompt-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "prompt",
  to: "c1@example.com",
  subject: `Your order ${orderId} ships soon: anything to change?`,
});

describe("pre-shipping-prompt", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email 1 h after an order to ship that has not shipped",
      events: [signup, order("2026-03-02T10:00:00Z")],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
    {
      name: "shipped within the hour: no email",
      events: [signup, order("2026-03-02T10:00:00Z"), orderEvent("order.shipped", "2026-03-02T10:40:00Z")],
      expected: [],
    },
    {
      name: "cancelled within the hour: no email",
      events: [signup, order("2026-03-02T10:00:00Z"), orderEvent("order.cancelled", "2026-03-02T10:40:00Z")],
      expected: [],
    },
    {
      name: "another order shipping does not stop this order's email",
      events: [
        signup,
        order("2026-03-02T09:00:00Z", "o0"),
        orderEvent("order.shipped", "2026-03-02T09:30:00Z", "o0"),
        order("2026-03-02T10:00:00Z"),
        orderEvent("order.shipped", "2026-03-02T10:30:00Z", "o0"),
      ],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
    {
      name: "pickup orders get no prompt",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", "pickup")],
      expected: [],
    },
    {
      name: "marketing: suppressed after an email opt-out",
      events: [
        signup,
        {
          type: "consent.updated",
          at: "2026-03-01T09:00:00Z",
          detail: { customerId: "c1", channel: "email", status: "opted_out" },
        },
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [
        {
          at: "2026-03-02T11:00:00.000Z",
          campaign: "pre-shipping-prompt",
          step: "prompt-email",
          customerId: "c1",
          channel: "email",
          status: "suppressed",
          reason: "opted_out",
          template: "prompt",
        },
      ],
    },
    {
      name: "once per order: a repeated order.placed for the same order sends nothing more",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T12:00:00Z")],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["pre-shipping-prompt"], events, { until: "2026-03-10T00:00:00Z" })).toEqual(expected);
  });
});

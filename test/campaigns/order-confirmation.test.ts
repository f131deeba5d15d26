import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const order = (at: string, orderId = "o1", productIds = ["p1", "p2"]): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: productIds.map((productId) => ({
      productId,
      name: `Product ${productId}`,
      quantity: 1,
      price: 20,
    })),
    total: productIds.length * 20,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const confirmation = (at: string, orderId = "o1", productIds = ["p1", "p2"]) => ({
  at,
  campaign: "order-confirmation",
  step: "confirmation-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "confirmation",
  to: "c1@example.com",
  subject: `Order ${orderId} confirmed`,
  productIds,
});

describe("order-confirmation", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email right away with the order's items",
      events: [signup, order("2026-03-02T10:00:00Z")],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "transactional: sent despite a marketing opt-out and an open support ticket",
      events: [
        signup,
        {
          type: "consent.updated",
          at: "2026-03-01T09:00:00Z",
          detail: { customerId: "c1", channel: "email", status: "opted_out" },
        },
        {
          type: "support.ticket_opened",
          at: "2026-03-01T09:30:00Z",
          detail: { customerId: "c1", ticketId: "t1" },
        },
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "once per order: a second order.placed for the same order sends nothing more",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T10:05:00Z")],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "each order gets its own confirmation",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T12:00:00Z", "o2", ["p3"])],
      expected: [
        confirmation("2026-03-02T10:00:00.000Z"),
        confirmation("2026-03-02T12:00:00.000Z", "o2", ["p3"]),
      ],
    },
    {
      name: "no email address: suppressed",
      events: [
        {
          type: "customer.signed_up",
          at: "2026-03-01T08:00:00Z",
          detail: { customerId: "c1", timezone: "Europe/Paris" },
        },
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [
        {
          at: "2026-03-02T10:00:00.000Z",
          campaign: "order-confirmation",
          step: "confirmation-email",
          customerId: "c1",
          channel: "email",
          status: "suppressed",
          reason: "no_address",
          template: "confirmation",
          productIds: ["p1", "p2"],
        },
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["order-confirmation"], events, { until: "2026-03-10T00:00:00Z" })).toEqual(expected);
  });
});

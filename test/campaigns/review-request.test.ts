import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const order = (at: string, orderId = "o1"): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: [
      { productId: "p1", name: "Mug", price: 20 },
      { productId: "p2", name: "Tea", price: 10 },
    ],
    total: 30,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const delivered = (at: string, orderId = "o1"): TestEvent => ({
  type: "order.delivered",
  at,
  detail: { customerId: "c1", orderId },
});
const review = (at: string, orderId?: string): TestEvent => ({
  type: "review.submitted",
  at,
  detail: { customerId: "c1", productId: "p1", rating: 5, ...(orderId ? { orderId } : {}) },
});
const request = (at: string) => ({
  at,
  campaign: "review-request",
  step: "review-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "review",
  to: "c1@example.com",
  subject: "How do you like Mug?",
  productIds: ["p1", "p2"],
});

describe("review-request", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email 7 d after delivery with the order's items",
      events: [signup, order("2026-03-02T10:00:00Z"), delivered("2026-03-04T15:00:00Z")],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "exit on a review of that order",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        review("2026-03-06T10:00:00Z", "o1"),
      ],
      expected: [],
    },
    {
      name: "a review of another order (or of no order) does not exit",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        review("2026-03-06T10:00:00Z", "o0"),
        review("2026-03-07T10:00:00Z"),
      ],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "once per order: the order delivered again later sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        delivered("2026-03-20T15:00:00Z"),
      ],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "marketing: suppressed while a support ticket is open",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        {
          type: "support.ticket_opened",
          at: "2026-03-10T10:00:00Z",
          detail: { customerId: "c1", ticketId: "t1" },
        },
      ],
      expected: [
        {
          at: "2026-03-11T15:00:00.000Z",
          campaign: "review-request",
          step: "review-email",
          customerId: "c1",
          channel: "email",
          status: "suppressed",
          reason: "support_ticket_open",
          template: "review",
          productIds: ["p1", "p2"],
        },
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["review-request"], events, { until: "2026-04-01T00:00:00Z" })).toEqual(expected);
  });
});

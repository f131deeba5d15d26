import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const order = (at: string, orderId = "o1"): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: [{ productId: "p1", name: "Mug", price: 20 }],
    total: 20,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const shipped = (at: string, orderId = "o1"): TestEvent => ({
  type: "order.shipped",
  at,
  detail: { customerId: "c1", orderId, carrier: "UPS", trackingUrl: "https://track.example.com/1" },
});
const orderEvent = (type: string, at: string, orderId = "o1"): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", orderId },
});
const optOut: TestEvent = {
  type: "consent.updated",
  at: "2026-03-01T09:00:00Z",
  detail: { customerId: "c1", channel: "email", status: "opted_out" },
};
const shippedEmail = (at: string, orderId = "o1") => ({
  at,
  campaign: "post-purchase",
  step: "shipped-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "shipped",
  to: "c1@example.com",
  subject: `Your order ${orderId} is on its way`,
});
const careTips = (at: string) => ({
  at,
  campaign: "post-purchase",
  step: "care-tips-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "care-tips",
  to: "c1@example.com",
  subject: "Getting the most out of your order",
});

describe("post-purchase", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "shipped email now, care tips 3 d after delivery",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
    {
      name: "T then M: with an email opt-out the shipped email still goes, the care tips are suppressed",
      events: [
        signup,
        optOut,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
      ],
      expected: [
        shippedEmail("2026-03-03T09:00:00.000Z"),
        {
          at: "2026-03-08T15:00:00.000Z",
          campaign: "post-purchase",
          step: "care-tips-email",
          customerId: "c1",
          channel: "email",
          status: "suppressed",
          reason: "opted_out",
          template: "care-tips",
        },
      ],
    },
    {
      name: "the delivery of another order does not start the care tips",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z", "o9"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "never delivered: only the shipped email (the wait times out)",
      events: [signup, order("2026-03-02T10:00:00Z"), shipped("2026-03-03T09:00:00Z")],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "exit on order.cancelled",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.cancelled", "2026-03-04T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "exit on return.initiated between delivery and care tips",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
        {
          type: "return.initiated",
          at: "2026-03-06T10:00:00Z",
          detail: { customerId: "c1", orderId: "o1", returnId: "r1", method: "mail" },
        },
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "a return of another order does not exit",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
        {
          type: "return.initiated",
          at: "2026-03-06T10:00:00Z",
          detail: { customerId: "c1", orderId: "o9", returnId: "r1", method: "mail" },
        },
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
    {
      name: "once per order: a repeated order.shipped sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        shipped("2026-03-03T12:00:00Z"),
        orderEvent("order.delivered", "2026-03-05T15:00:00Z"),
        shipped("2026-03-10T12:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["post-purchase"], events, { until: "2026-04-15T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const wishlist = (type: "wishlist.added" | "wishlist.removed", at: string, productId = "p1"): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", product: { productId, name: `Product ${productId}`, price: 25 } },
});
const order = (at: string, productIds: string[]): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId: "o1",
    items: productIds.map((productId) => ({ productId, price: 25 })),
    total: productIds.length * 25,
    currency: "EUR",
    fulfillment: "ship",
  },
});

const email = (at: string, productId = "p1") => ({
  at,
  campaign: "wishlist-conversion",
  step: "wishlist-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "wishlist-reminder",
  to: "c1@example.com",
  subject: `Product ${productId} is still on your wishlist`,
  productIds: [productId],
});

describe("wishlist-conversion", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "a reminder 3 d after the product is wishlisted",
      events: [signup, wishlist("wishlist.added", "2026-03-02T10:00:00Z")],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "one reminder per product",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z", "p1"),
        wishlist("wishlist.added", "2026-03-03T10:00:00Z", "p2"),
      ],
      expected: [email("2026-03-05T10:00:00.000Z", "p1"), email("2026-03-06T10:00:00.000Z", "p2")],
    },
    {
      name: "adding the same product again while waiting does not double the reminder",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        wishlist("wishlist.added", "2026-03-03T10:00:00Z"),
      ],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "removing the product from the wishlist exits",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        wishlist("wishlist.removed", "2026-03-03T10:00:00Z"),
      ],
      expected: [],
    },
    {
      name: "removing another product does not",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z", "p1"),
        wishlist("wishlist.removed", "2026-03-03T10:00:00Z", "p2"),
      ],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "ordering the product exits",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        order("2026-03-04T10:00:00Z", ["p3", "p1"]),
      ],
      expected: [],
    },
    {
      name: "ordering something else does not",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        order("2026-03-04T10:00:00Z", ["p3"]),
      ],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["wishlist-conversion"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});

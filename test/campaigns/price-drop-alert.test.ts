import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const product = { productId: "p1", name: "Blue Lamp", price: 100 };
const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const wishlist = (at: string): TestEvent => ({
  type: "wishlist.added",
  at,
  detail: { customerId: "c1", product },
});
const alert = (at: string, kind: string): TestEvent => ({
  type: "product.alert_requested",
  at,
  detail: { customerId: "c1", productId: "p1", kind },
});
const viewed = (at: string): TestEvent => ({
  type: "product.viewed",
  at,
  detail: { customerId: "c1", product },
});
const order = (at: string): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId: "o1",
    items: [{ productId: "p1", price: 100 }],
    total: 100,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const price = (at: string, previousPrice: number, newPrice: number): TestEvent => ({
  type: "product.price_changed",
  at,
  detail: { product: { ...product, price: newPrice }, previousPrice, price: newPrice, currency: "EUR" },
});

const email = (at: string, newPrice: number) => ({
  at,
  campaign: "price-drop-alert",
  step: "price-drop-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "price-drop",
  to: "c1@example.com",
  subject: `Price drop: Blue Lamp now ${newPrice} EUR`,
  productIds: ["p1"],
});

describe("price-drop-alert", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "wishlisted: a 10 % drop sends",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 100, 90)],
      expected: [email("2026-03-04T09:00:00.000Z", 90)],
    },
    {
      name: "a drop under 10 % sends nothing",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 100, 91)],
      expected: [],
    },
    {
      name: "a price rise sends nothing",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 90, 100)],
      expected: [],
    },
    {
      name: "a price-drop alert counts as interest",
      events: [signup, alert("2026-03-02T10:00:00Z", "price_drop"), price("2026-03-04T09:00:00Z", 100, 75)],
      expected: [email("2026-03-04T09:00:00.000Z", 75)],
    },
    {
      name: "a back-in-stock alert alone does not",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z", "back_in_stock"),
        price("2026-03-04T09:00:00Z", 100, 75),
      ],
      expected: [],
    },
    {
      name: "a view in the last 14 d counts as interest",
      events: [signup, viewed("2026-03-02T10:00:00Z"), price("2026-03-15T09:00:00Z", 100, 80)],
      expected: [email("2026-03-15T09:00:00.000Z", 80)],
    },
    {
      name: "a view older than 14 d does not",
      events: [signup, viewed("2026-03-02T10:00:00Z"), price("2026-03-17T09:00:00Z", 100, 80)],
      expected: [],
    },
    {
      name: "bought since: nothing",
      events: [
        signup,
        wishlist("2026-03-02T10:00:00Z"),
        order("2026-03-03T10:00:00Z"),
        price("2026-03-04T09:00:00Z", 100, 80),
      ],
      expected: [],
    },
    {
      name: "once per product per 7 d: a second drop 2 d later is skipped, one 8 d later is sent",
      events: [
        signup,
        wishlist("2026-03-02T10:00:00Z"),
        price("2026-03-04T09:00:00Z", 100, 90),
        price("2026-03-06T09:00:00Z", 90, 80),
        price("2026-03-12T09:00:00Z", 80, 70),
      ],
      expected: [email("2026-03-04T09:00:00.000Z", 90), email("2026-03-12T09:00:00.000Z", 70)],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["price-drop-alert"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const product = { productId: "p1", name: "Blue Lamp", price: 40 };
const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const alert = (at: string, kind = "back_in_stock"): TestEvent => ({
  type: "product.alert_requested",
  at,
  detail: { customerId: "c1", productId: "p1", kind },
});
const wishlist = (type: "wishlist.added" | "wishlist.removed", at: string): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", product },
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
    items: [{ productId: "p1", price: 40 }],
    total: 40,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const stock = (at: string, previousQuantity: number, quantity: number, id?: string): TestEvent => ({
  type: "product.inventory_changed",
  at,
  detail: { product, previousQuantity, quantity },
  ...(id ? { id } : {}),
});

const email = (at: string) => ({
  at,
  campaign: "back-in-stock",
  step: "back-in-stock-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "back-in-stock",
  to: "c1@example.com",
  subject: "Blue Lamp is back in stock",
  productIds: ["p1"],
});

describe("back-in-stock", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "a back-in-stock alert: email when the product goes from 0 to > 0",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 0, 12)],
      expected: [email("2026-03-05T09:00:00.000Z")],
    },
    {
      name: "a wishlisted product: email on restock",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        stock("2026-03-05T09:00:00Z", 0, 3),
      ],
      expected: [email("2026-03-05T09:00:00.000Z")],
    },
    {
      name: "a stock change that is not from 0 sends nothing",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 2, 12)],
      expected: [],
    },
    {
      name: "going to 0 sends nothing",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 4, 0)],
      expected: [],
    },
    {
      name: "a view alone is not enough interest",
      events: [signup, viewed("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 0, 12)],
      expected: [],
    },
    {
      name: "a price-drop alert is not a back-in-stock alert",
      events: [signup, alert("2026-03-02T10:00:00Z", "price_drop"), stock("2026-03-05T09:00:00Z", 0, 12)],
      expected: [],
    },
    {
      name: "removed from the wishlist: nothing",
      events: [
        signup,
        wishlist("wishlist.added", "2026-03-02T10:00:00Z"),
        wishlist("wishlist.removed", "2026-03-03T10:00:00Z"),
        stock("2026-03-05T09:00:00Z", 0, 12),
      ],
      expected: [],
    },
    {
      name: "bought since the alert: nothing",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z"),
        order("2026-03-03T10:00:00Z"),
        stock("2026-03-05T09:00:00Z", 0, 12),
      ],
      expected: [],
    },
    {
      name: "once per restock: a repeated delivery of the restock sends once, the next restock sends again",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z"),
        stock("2026-03-05T09:00:00Z", 0, 12, "restock-1"),
        stock("2026-03-05T09:00:00Z", 0, 12, "restock-1"),
        stock("2026-03-05T12:00:00Z", 12, 10),
        stock("2026-03-06T12:00:00Z", 10, 0),
        stock("2026-03-08T09:00:00Z", 0, 20, "restock-2"),
      ],
      expected: [email("2026-03-05T09:00:00.000Z"), email("2026-03-08T09:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["back-in-stock"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});

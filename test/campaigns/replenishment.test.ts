import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

type Line = { productId: string; name: string; replenishAfterDays?: number };
const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const coffee: Line = { productId: "p1", name: "Coffee", replenishAfterDays: 30 };
const filters: Line = { productId: "p2", name: "Filters", replenishAfterDays: 10 };
const mug: Line = { productId: "p3", name: "Mug" };
const order = (at: string, orderId: string, items: Line[]): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: items.map((item) => ({ ...item, price: 10 })),
    total: items.length * 10,
    currency: "EUR",
    fulfillment: "ship",
  },
});
const restock = (at: string, product: Line) => ({
  at,
  campaign: "replenishment",
  step: "restock-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "restock",
  to: "c1@example.com",
  subject: `Time to restock ${product.name}`,
  productIds: [product.productId],
});

describe("replenishment", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "one email per item with replenishAfterDays, 3 d before it runs out; none for other items",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", [coffee, mug, filters])],
      expected: [restock("2026-03-09T10:00:00.000Z", filters), restock("2026-03-29T10:00:00.000Z", coffee)],
    },
    {
      name: "no item with replenishAfterDays: nothing",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", [mug])],
      expected: [],
    },
    {
      name: "a new order of that product exits its journey (and starts the next one)",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [coffee, filters]),
        order("2026-03-20T10:00:00Z", "o2", [coffee]),
      ],
      expected: [restock("2026-03-09T10:00:00.000Z", filters), restock("2026-04-16T10:00:00.000Z", coffee)],
    },
    {
      name: "an order of other products does not exit",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [coffee]),
        order("2026-03-20T10:00:00Z", "o2", [mug, filters]),
      ],
      expected: [restock("2026-03-27T10:00:00.000Z", filters), restock("2026-03-29T10:00:00.000Z", coffee)],
    },
    {
      name: "once per order and product: a repeated order.placed of the same order sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [filters]),
        order("2026-03-02T10:05:00Z", "o1", [filters]),
      ],
      expected: [restock("2026-03-09T10:00:00.000Z", filters)],
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
        order("2026-03-02T10:00:00Z", "o1", [filters]),
      ],
      expected: [
        {
          at: "2026-03-09T10:00:00.000Z",
          campaign: "replenishment",
          step: "restock-email",
          customerId: "c1",
          channel: "email",
          status: "suppressed",
          reason: "opted_out",
          template: "restock",
          productIds: ["p2"],
        },
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["replenishment"], events, { until: "2026-05-01T00:00:00Z" })).toEqual(expected);
  });
});

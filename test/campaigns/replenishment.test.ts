import { describe, expect, it } from "vitest";
import { consentUpdated, customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

type Line = { productId: string; name: string; replenishAfterDays?: number };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const coffee: Line = { productId: "p1", name: "Coffee", replenishAfterDays: 30 };
const filters: Line = { productId: "p2", name: "Filters", replenishAfterDays: 10 };
const mug: Line = { productId: "p3", name: "Mug" };
const order = (at: string, orderId: string, items: Line[]) =>
  orderPlaced("c1", at, { orderId, items: items.map((item) => ({ ...item, price: 10 })) });

const { sent, suppressed } = expectedLines("replenishment");
const restock = (at: string, product: Line) =>
  sent({
    at,
    step: "restock-email",
    template: "restock",
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
        consentUpdated("c1", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" }),
        order("2026-03-02T10:00:00Z", "o1", [filters]),
      ],
      expected: [
        suppressed({
          at: "2026-03-09T10:00:00.000Z",
          step: "restock-email",
          template: "restock",
          reason: "opted_out",
          productIds: ["p2"],
        }),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["replenishment"], events, { until: "2026-05-01T00:00:00Z" })).toEqual(expected);
  });
});

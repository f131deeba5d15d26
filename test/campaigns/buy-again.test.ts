import { describe, expect, it } from "vitest";
import { customerSignedUp, orderDelivered, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

type Line = { productId: string; name: string; replenishAfterDays?: number };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const mug: Line = { productId: "p1", name: "Mug" };
const coffee: Line = { productId: "p2", name: "Coffee", replenishAfterDays: 30 };
const teapot: Line = { productId: "p3", name: "Teapot" };
const order = (at: string, orderId: string, items: Line[]) =>
  orderPlaced("c1", at, { orderId, items: items.map((item) => ({ ...item, price: 10 })) });
const delivered = (at: string, orderId: string) => orderDelivered("c1", at, { orderId });

const { sent } = expectedLines("buy-again");
const buyAgain = (at: string, products: Line[]) =>
  sent({
    at,
    step: "buy-again-email",
    template: "buy-again",
    subject: `Buy ${products[0]!.name} again`,
    productIds: products.map((p) => p.productId),
  });

describe("buy-again", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "30 d after delivery, the items without replenishAfterDays",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [mug, coffee, teapot]),
        delivered("2026-03-04T15:00:00Z", "o1"),
      ],
      expected: [buyAgain("2026-04-03T15:00:00.000Z", [mug, teapot])],
    },
    {
      name: "only items with replenishAfterDays: nothing",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [coffee]),
        delivered("2026-03-04T15:00:00Z", "o1"),
      ],
      expected: [],
    },
    {
      name: "an order since the delivery: nothing for that delivery",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [mug]),
        delivered("2026-03-04T15:00:00Z", "o1"),
        order("2026-03-20T10:00:00Z", "o2", [coffee]),
      ],
      expected: [],
    },
    {
      name: "a repeated order.placed of the delivered order itself is not a new order",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [mug]),
        delivered("2026-03-04T15:00:00Z", "o1"),
        order("2026-03-05T10:00:00Z", "o1", [mug]),
      ],
      expected: [buyAgain("2026-04-03T15:00:00.000Z", [mug])],
    },
    {
      name: "once per 30 d from the last email: deliveries within it get nothing, a later one does",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [mug]),
        order("2026-03-02T11:00:00Z", "o2", [teapot]),
        delivered("2026-03-04T15:00:00Z", "o1"),
        delivered("2026-03-10T15:00:00Z", "o2"),
        order("2026-04-10T10:00:00Z", "o3", [teapot]),
        delivered("2026-04-12T15:00:00Z", "o3"),
        order("2026-05-01T10:00:00Z", "o4", [teapot]),
        delivered("2026-05-04T15:00:00Z", "o4"),
      ],
      expected: [buyAgain("2026-04-03T15:00:00.000Z", [mug]), buyAgain("2026-06-03T15:00:00.000Z", [teapot])],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["buy-again"], events, { until: "2026-06-10T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { customerSignedUp, orderDelivered, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

type Line = { productId: string; name: string; upsellProductIds?: string[] };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const kettle: Line = { productId: "p1", name: "Kettle", upsellProductIds: ["p4", "p5"] };
const mug: Line = { productId: "p2", name: "Mug" };
const descaler: Line = { productId: "p4", name: "Descaler" };
const filter: Line = { productId: "p5", name: "Filter" };
const order = (at: string, orderId: string, items: Line[]) =>
  orderPlaced("c1", at, { orderId, items: items.map((item) => ({ ...item, price: 10 })) });
const delivered = (at: string, orderId: string) => orderDelivered("c1", at, { orderId });

const { sent } = expectedLines("upsell");
const upsell = (at: string, productIds: string[]) =>
  sent({
    at,
    step: "upsell-email",
    template: "upsell",
    subject: "Goes well with your last order",
    productIds,
  });

describe("upsell", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "7 d after delivery, the products the order's items suggest",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [kettle, mug]),
        delivered("2026-03-04T15:00:00Z", "o1"),
      ],
      expected: [upsell("2026-03-11T15:00:00.000Z", ["p4", "p5"])],
    },
    {
      name: "no item with upsellProductIds: nothing",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", [mug]), delivered("2026-03-04T15:00:00Z", "o1")],
      expected: [],
    },
    {
      name: "skips products bought before or during the wait (checked at send)",
      events: [
        signup,
        order("2026-03-01T09:00:00Z", "o0", [descaler]),
        order("2026-03-02T10:00:00Z", "o1", [kettle]),
        delivered("2026-03-04T15:00:00Z", "o1"),
      ],
      expected: [upsell("2026-03-11T15:00:00.000Z", ["p5"])],
    },
    {
      name: "every suggested product bought in the meantime: no email",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [kettle]),
        delivered("2026-03-04T15:00:00Z", "o1"),
        order("2026-03-06T10:00:00Z", "o2", [descaler, filter]),
      ],
      expected: [],
    },
    {
      name: "once per order: the same order delivered again later sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", [kettle]),
        delivered("2026-03-04T15:00:00Z", "o1"),
        delivered("2026-03-15T15:00:00Z", "o1"),
      ],
      expected: [upsell("2026-03-11T15:00:00.000Z", ["p4", "p5"])],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["upsell"], events, { until: "2026-04-01T00:00:00Z" })).toEqual(expected);
  });
});

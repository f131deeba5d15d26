import { describe, expect, it } from "vitest";
import {
  consentUpdated,
  customerSignedUp,
  orderCancelled,
  orderPlaced,
  orderShipped,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId = "o1", fulfillment: "ship" | "pickup" = "ship") =>
  orderPlaced("c1", at, {
    orderId,
    items: [{ productId: "p1", name: "Mug", price: 20 }],
    fulfillment,
    ...(fulfillment === "pickup" ? { storeId: "s1" } : {}),
  });

const { sent, suppressed } = expectedLines("pre-shipping-prompt");
const prompt = (at: string) =>
  sent({
    at,
    step: "prompt-email",
    template: "prompt",
    subject: "Your order o1 ships soon: anything to change?",
  });

describe("pre-shipping-prompt", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email 1 h after an order to ship that has not shipped",
      events: [signup, order("2026-03-02T10:00:00Z")],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
    {
      name: "shipped within the hour: no email",
      events: [signup, order("2026-03-02T10:00:00Z"), orderShipped("c1", "2026-03-02T10:40:00Z")],
      expected: [],
    },
    {
      name: "cancelled within the hour: no email",
      events: [signup, order("2026-03-02T10:00:00Z"), orderCancelled("c1", "2026-03-02T10:40:00Z")],
      expected: [],
    },
    {
      name: "another order shipping does not stop this order's email",
      events: [
        signup,
        order("2026-03-02T09:00:00Z", "o0"),
        orderShipped("c1", "2026-03-02T09:30:00Z", { orderId: "o0" }),
        order("2026-03-02T10:00:00Z"),
        orderShipped("c1", "2026-03-02T10:30:00Z", { orderId: "o0" }),
      ],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
    {
      name: "pickup orders get no prompt",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", "pickup")],
      expected: [],
    },
    {
      name: "marketing: suppressed after an email opt-out",
      events: [
        signup,
        consentUpdated("c1", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" }),
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [
        suppressed({
          at: "2026-03-02T11:00:00.000Z",
          step: "prompt-email",
          template: "prompt",
          reason: "opted_out",
        }),
      ],
    },
    {
      name: "once per order: a repeated order.placed for the same order sends nothing more",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T12:00:00Z")],
      expected: [prompt("2026-03-02T11:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["pre-shipping-prompt"], events, { until: "2026-03-10T00:00:00Z" })).toEqual(expected);
  });
});

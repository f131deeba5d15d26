import { describe, expect, it } from "vitest";
import {
  cartUpdated,
  checkoutStarted,
  customerSignedUp,
  orderPlaced,
  type Profile,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = (fields: Profile = {}) => customerSignedUp("c1", "2026-03-01T08:00:00Z", fields);
const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, {
    cartId: "k1",
    items: productIds.map((productId) => ({ productId, name: `Product ${productId}`, price: 10 })),
  });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p1" }], total: 10 });

const { sent } = expectedLines("cart-abandonment");
const reminder = (at: string, productIds: string[], count = productIds.length) =>
  sent({
    at,
    step: "reminder-email",
    template: "reminder",
    subject: `You left ${count} item${count === 1 ? "" : "s"} in your cart`,
    productIds,
  });

const offer = (at: string, productIds: string[]) =>
  sent({ at, step: "offer-email", template: "offer", subject: "10% off the items in your cart", productIds });

describe("cart-abandonment", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "email 1 h after the last update, then an offer email 23 h later (no SMS opt-in)",
      events: [signup(), cart("2026-03-02T10:00:00Z", ["p1"]), cart("2026-03-02T10:30:00Z", ["p1", "p2"])],
      expected: [
        reminder("2026-03-02T11:30:00.000Z", ["p1", "p2"]),
        sent({
          at: "2026-03-03T10:30:00.000Z",
          step: "offer-email",
          template: "offer",
          subject: "10% off the items in your cart",
          productIds: ["p1", "p2"],
        }),
      ],
    },
    {
      name: "SMS second reminder for an SMS opt-in",
      events: [signup({ phone: "+33612345678", smsOptIn: true }), cart("2026-03-02T10:00:00Z", ["p1"])],
      expected: [
        reminder("2026-03-02T11:00:00.000Z", ["p1"]),
        sent({
          at: "2026-03-03T10:00:00.000Z",
          step: "second-reminder-sms",
          channel: "sms",
          template: "second-reminder-sms",
          to: "+33612345678",
          productIds: ["p1"],
        }),
      ],
    },
    {
      name: "an order before the first reminder exits",
      events: [signup(), cart("2026-03-02T10:00:00Z", ["p1"]), order("2026-03-02T10:45:00Z")],
      expected: [],
    },
    {
      name: "an order between reminders stops the second",
      events: [signup(), cart("2026-03-02T10:00:00Z", ["p1"]), order("2026-03-02T15:00:00Z")],
      expected: [reminder("2026-03-02T11:00:00.000Z", ["p1"])],
    },
    {
      name: "emptying the cart exits",
      events: [signup(), cart("2026-03-02T10:00:00Z", ["p1"]), cart("2026-03-02T10:20:00Z", [])],
      expected: [],
    },
    {
      name: "once per cart: the same cart refilled after the journey does not start again",
      events: [
        signup(),
        cart("2026-03-02T10:00:00Z", ["p1"]),
        order("2026-03-02T15:00:00Z"),
        cart("2026-03-05T10:00:00Z", ["p3"]),
      ],
      expected: [reminder("2026-03-02T11:00:00.000Z", ["p1"])],
    },
    {
      name: "a checkout started 40 min later counts as activity: the reminder goes 1 h after it",
      events: [signup(), cart("2026-03-02T10:00:00Z", ["p1"]), checkoutStarted("c1", "2026-03-02T10:40:00Z")],
      expected: [reminder("2026-03-02T11:40:00.000Z", ["p1"]), offer("2026-03-03T10:40:00.000Z", ["p1"])],
    },
    {
      name: "a checkout of another cart, or with no cart running, starts and moves nothing",
      events: [
        signup(),
        checkoutStarted("c1", "2026-03-02T09:00:00Z"),
        cart("2026-03-02T10:00:00Z", ["p1"]),
        checkoutStarted("c1", "2026-03-02T10:40:00Z", { cartId: "k2" }),
      ],
      expected: [reminder("2026-03-02T11:00:00.000Z", ["p1"]), offer("2026-03-03T10:00:00.000Z", ["p1"])],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["cart-abandonment"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { consentUpdated, customerSignedUp, orderPlaced, supportTicketOpened } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId = "o1", productIds = ["p1", "p2"]) =>
  orderPlaced("c1", at, {
    orderId,
    items: productIds.map((productId) => ({
      productId,
      name: `Product ${productId}`,
      quantity: 1,
      price: 20,
    })),
  });

const { sent, suppressed } = expectedLines("order-confirmation");
const confirmation = (at: string, orderId = "o1", productIds = ["p1", "p2"]) =>
  sent({
    at,
    step: "confirmation-email",
    template: "confirmation",
    subject: `Order ${orderId} confirmed`,
    productIds,
  });

describe("order-confirmation", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email right away with the order's items",
      events: [signup, order("2026-03-02T10:00:00Z")],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "transactional: sent despite a marketing opt-out and an open support ticket",
      events: [
        signup,
        consentUpdated("c1", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" }),
        supportTicketOpened("c1", "2026-03-01T09:30:00Z", { ticketId: "t1" }),
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "once per order: a second order.placed for the same order sends nothing more",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T10:05:00Z")],
      expected: [confirmation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "each order gets its own confirmation",
      events: [signup, order("2026-03-02T10:00:00Z"), order("2026-03-02T12:00:00Z", "o2", ["p3"])],
      expected: [
        confirmation("2026-03-02T10:00:00.000Z"),
        confirmation("2026-03-02T12:00:00.000Z", "o2", ["p3"]),
      ],
    },
    {
      name: "no email address after the sign-up: waits 15 min for a late profile update, then suppressed",
      events: [
        {
          type: "customer.signed_up",
          at: "2026-03-01T08:00:00Z",
          detail: { customerId: "c1", timezone: "Europe/Paris" },
        },
        order("2026-03-02T10:00:00Z"),
      ],
      expected: [
        {
          ...suppressed({
            at: "2026-03-02T10:15:00.000Z",
            step: "confirmation-email",
            template: "confirmation",
            reason: "no_address",
            productIds: ["p1", "p2"],
          }),
          deferredFrom: "2026-03-02T10:00:00.000Z",
        },
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["order-confirmation"], events, { until: "2026-03-10T00:00:00Z" })).toEqual(expected);
  });
});

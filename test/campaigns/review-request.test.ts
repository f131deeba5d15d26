import { describe, expect, it } from "vitest";
import {
  customerSignedUp,
  orderDelivered,
  orderPlaced,
  reviewSubmitted,
  supportTicketOpened,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string) =>
  orderPlaced("c1", at, {
    items: [
      { productId: "p1", name: "Mug", price: 20 },
      { productId: "p2", name: "Tea", price: 10 },
    ],
  });
const delivered = (at: string) => orderDelivered("c1", at, { orderId: "o1" });
const review = (at: string, orderId?: string) =>
  reviewSubmitted("c1", at, { productId: "p1", rating: 5, orderId });

const { sent, suppressed } = expectedLines("review-request");
const request = (at: string) =>
  sent({
    at,
    step: "review-email",
    template: "review",
    subject: "How do you like Mug?",
    productIds: ["p1", "p2"],
  });

describe("review-request", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "an email 7 d after delivery with the order's items",
      events: [signup, order("2026-03-02T10:00:00Z"), delivered("2026-03-04T15:00:00Z")],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "exit on a review of that order",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        review("2026-03-06T10:00:00Z", "o1"),
      ],
      expected: [],
    },
    {
      name: "a review of another order (or of no order) does not exit",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        review("2026-03-06T10:00:00Z", "o0"),
        review("2026-03-07T10:00:00Z"),
      ],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "once per order: the order delivered again later sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        delivered("2026-03-20T15:00:00Z"),
      ],
      expected: [request("2026-03-11T15:00:00.000Z")],
    },
    {
      name: "marketing: suppressed while a support ticket is open",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        delivered("2026-03-04T15:00:00Z"),
        supportTicketOpened("c1", "2026-03-10T10:00:00Z", { ticketId: "t1" }),
      ],
      expected: [
        suppressed({
          at: "2026-03-11T15:00:00.000Z",
          step: "review-email",
          template: "review",
          reason: "support_ticket_open",
          productIds: ["p1", "p2"],
        }),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["review-request"], events, { until: "2026-04-01T00:00:00Z" })).toEqual(expected);
  });
});

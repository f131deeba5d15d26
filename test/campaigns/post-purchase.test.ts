import { describe, expect, it } from "vitest";
import {
  consentUpdated,
  customerSignedUp,
  orderCancelled,
  orderDelivered,
  orderPlaced,
  orderShipped,
  returnInitiated,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p1", name: "Mug", price: 20 }] });
const shipped = (at: string) =>
  orderShipped("c1", at, { orderId: "o1", carrier: "UPS", trackingUrl: "https://track.example.com/1" });
const delivered = (at: string, orderId = "o1") => orderDelivered("c1", at, { orderId });
const optOut = consentUpdated("c1", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" });

const { sent, suppressed } = expectedLines("post-purchase");
const shippedEmail = (at: string) =>
  sent({ at, step: "shipped-email", template: "shipped", subject: "Your order o1 is on its way" });
const careTips = (at: string) =>
  sent({ at, step: "care-tips-email", template: "care-tips", subject: "Getting the most out of your order" });

describe("post-purchase", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "shipped email now, care tips 3 d after delivery",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
    {
      name: "T then M: with an email opt-out the shipped email still goes, the care tips are suppressed",
      events: [
        signup,
        optOut,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
      ],
      expected: [
        shippedEmail("2026-03-03T09:00:00.000Z"),
        suppressed({
          at: "2026-03-08T15:00:00.000Z",
          step: "care-tips-email",
          template: "care-tips",
          reason: "opted_out",
        }),
      ],
    },
    {
      name: "the delivery of another order does not start the care tips",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z", "o9"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "never delivered: only the shipped email (the wait times out)",
      events: [signup, order("2026-03-02T10:00:00Z"), shipped("2026-03-03T09:00:00Z")],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "exit on order.cancelled",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        orderCancelled("c1", "2026-03-04T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "exit on return.initiated between delivery and care tips",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
        returnInitiated("c1", "2026-03-06T10:00:00Z", { orderId: "o1", returnId: "r1", method: "mail" }),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z")],
    },
    {
      name: "a return of another order does not exit",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
        returnInitiated("c1", "2026-03-06T10:00:00Z", { orderId: "o9", returnId: "r1", method: "mail" }),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
    {
      name: "once per order: a repeated order.shipped sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z"),
        shipped("2026-03-03T09:00:00Z"),
        shipped("2026-03-03T12:00:00Z"),
        delivered("2026-03-05T15:00:00Z"),
        shipped("2026-03-10T12:00:00Z"),
      ],
      expected: [shippedEmail("2026-03-03T09:00:00.000Z"), careTips("2026-03-08T15:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["post-purchase"], events, { until: "2026-04-15T00:00:00Z" })).toEqual(expected);
  });
});

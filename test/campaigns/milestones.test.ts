import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const DAY = 86_400_000;
const order = (at: string, orderId: string, total = 10) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: total }] });
/** `count` orders of 10, one a day at 10:00Z from 2 March: order n is on (1 + n) March. */
const orders = (count: number): TestEvent[] =>
  Array.from({ length: count }, (_, i) =>
    order(new Date(Date.parse("2026-03-02T10:00:00Z") + i * DAY).toISOString(), `o${i + 1}`),
  );
const dayOfOrder = (n: number) => new Date(Date.parse("2026-03-02T10:00:00Z") + (n - 1) * DAY).toISOString();

const { sent } = expectedLines("milestones");
const nthOrder = (n: number) =>
  sent({
    at: dayOfOrder(n),
    step: "orders-email",
    template: "orders-milestone",
    subject: `Order number ${n}: thank you!`,
  });
const spend = (at: string) =>
  sent({
    at,
    step: "spend-email",
    template: "spend-milestone",
    subject: "Thank you for being one of our best customers",
  });
const anniversary = (at: string, years: number) =>
  sent({
    at,
    step: "anniversary-email",
    template: "anniversary",
    subject: `${years} year${years === 1 ? "" : "s"} together!`,
  });

describe("milestones", () => {
  const cases: { name: string; events: TestEvent[]; until?: string; expected: unknown[] }[] = [
    {
      name: "the 5th order: email at once",
      events: [signup, ...orders(5)],
      expected: [nthOrder(5)],
    },
    {
      name: "4 orders: nothing",
      events: [signup, ...orders(4)],
      expected: [],
    },
    {
      name: "5th, 10th, 25th and 50th orders, nothing in between",
      events: [signup, ...orders(52)],
      expected: [nthOrder(5), nthOrder(10), nthOrder(25), nthOrder(50)],
    },
    {
      name: "once per milestone: a redelivered 5th order (same orderId) does not count twice",
      events: [
        signup,
        ...orders(5),
        { ...order(dayOfOrder(5), "o5"), id: "again" },
        order(dayOfOrder(6), "o6"),
      ],
      expected: [nthOrder(5)],
    },
    {
      name: "lifetime spend crossing 1000: email at the order that crosses",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", 600),
        order("2026-03-05T10:00:00Z", "o2", 399),
        order("2026-03-09T10:00:00Z", "o3", 1),
        order("2026-03-12T10:00:00Z", "o4", 500),
      ],
      expected: [spend("2026-03-09T10:00:00.000Z")],
    },
    {
      name: "signup anniversary: yearly at 10:00 Paris, not in the signup year",
      events: [signup],
      until: "2028-03-05T00:00:00Z",
      expected: [anniversary("2027-03-01T09:00:00.000Z", 1), anniversary("2028-03-01T09:00:00.000Z", 2)],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(messages(["milestones"], events, { until: until ?? "2026-05-01T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const DAY = 86_400_000;
const order = (at: string, orderId: string, total = 10): TestEvent => ({
  type: "order.placed",
  at,
  detail: {
    customerId: "c1",
    orderId,
    items: [{ productId: "p1", price: total }],
    total,
    currency: "EUR",
    fulfillment: "ship",
  },
});
/** `count` orders of 10, one a day at 10:00Z from 2 March: order n is on (1 + n) March. */
const orders = (count: number): TestEvent[] =>
  Array.from({ length: count }, (_, i) =>
    order(new Date(Date.parse("2026-03-02T10:00:00Z") + i * DAY).toISOString(), `o${i + 1}`),
  );
const dayOfOrder = (n: number) => new Date(Date.parse("2026-03-02T10:00:00Z") + (n - 1) * DAY).toISOString();

const line = (at: string, step: string, template: string, subject: string) => ({
  at,
  campaign: "milestones",
  step,
  customerId: "c1",
  channel: "email",
  status: "sent",
  template,
  to: "c1@example.com",
  subject,
});
const nthOrder = (n: number) =>
  line(dayOfOrder(n), "orders-email", "orders-milestone", `Order number ${n}: thank you!`);
const spend = (at: string) =>
  line(at, "spend-email", "spend-milestone", "Thank you for being one of our best customers");
const anniversary = (at: string, years: number) =>
  line(at, "anniversary-email", "anniversary", `${years} year${years === 1 ? "" : "s"} together!`);

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

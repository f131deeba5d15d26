import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") };
const order = (at: string, orderId: string, total: number): TestEvent => ({
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

/** The daily sweep sends at 10:00 Paris time: 08:00Z from 29 March (CEST). */
const offer = (at: string, percent: number) => ({
  at,
  campaign: "personal-offers",
  step: "offer-email",
  customerId: "c1",
  channel: "email",
  status: "sent",
  template: "offer",
  to: "c1@example.com",
  subject: `${percent}% off, just for you`,
});

describe("personal-offers", () => {
  const cases: { name: string; events: TestEvent[]; until: string; expected: unknown[] }[] = [
    {
      name: "silver, no order for 30 d: 10 % offer at the first 10:00 sweep past 30 d",
      events: [signup, order("2026-03-01T10:00:00Z", "o1", 600)],
      until: "2026-04-20T00:00:00Z",
      expected: [offer("2026-04-01T08:00:00.000Z", 10)],
    },
    {
      name: "gold gets 15 %",
      events: [signup, order("2026-03-01T10:00:00Z", "o1", 2500)],
      until: "2026-04-20T00:00:00Z",
      expected: [offer("2026-04-01T08:00:00.000Z", 15)],
    },
    {
      name: "bronze gets nothing",
      events: [signup, order("2026-03-01T10:00:00Z", "o1", 150)],
      until: "2026-04-20T00:00:00Z",
      expected: [],
    },
    {
      name: "a customer who never ordered (cohort new) gets nothing",
      events: [signup],
      until: "2026-04-20T00:00:00Z",
      expected: [],
    },
    {
      name: "a later order restarts the 30 d count",
      events: [signup, order("2026-03-01T10:00:00Z", "o1", 600), order("2026-03-20T10:00:00Z", "o2", 20)],
      until: "2026-04-25T00:00:00Z",
      expected: [offer("2026-04-20T08:00:00.000Z", 10)],
    },
    {
      name: "once per 30 d: still no order, the next offer comes 30 d later, not the next day",
      events: [signup, order("2026-03-01T10:00:00Z", "o1", 600)],
      until: "2026-05-20T00:00:00Z",
      expected: [offer("2026-04-01T08:00:00.000Z", 10), offer("2026-05-01T08:00:00.000Z", 10)],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(messages(["personal-offers"], events, { until })).toEqual(expected);
  });
});

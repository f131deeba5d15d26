import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId: string, total: number) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: total }] });

const { sent } = expectedLines("personal-offers");
/** The daily sweep sends at 10:00 Paris time: 08:00Z from 29 March (CEST). */
const offer = (at: string, percent: number) =>
  sent({ at, step: "offer-email", template: "offer", subject: `${percent}% off, just for you` });

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

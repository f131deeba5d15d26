import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

// The sweep runs daily at 10:00 in Paris (CEST, UTC+2, from 2026-03-29 to 2026-10-25): 08:00Z.
const signup = customerSignedUp("c1", "2026-01-01T08:00:00Z");
const order = (at: string) =>
  orderPlaced("c1", at, { orderId: `o-${at}`, items: [{ productId: "p1", price: 30 }] });

const { sent } = expectedLines("win-back");
const offer = (at: string) =>
  sent({ at, step: "offer-email", template: "offer", subject: "We miss you: 15% off your next order" });
const second = (at: string) =>
  sent({ at, step: "second-email", template: "second", subject: "Last chance: 15% off with MISSYOU15" });

describe("win-back", () => {
  const cases: { name: string; events: TestEvent[]; until: string; expected: unknown[] }[] = [
    {
      name: "90 d after the last order: an offer, then a second email 14 d later",
      events: [signup, order("2026-01-05T12:00:00Z")],
      until: "2026-05-01T00:00:00Z",
      expected: [offer("2026-04-05T08:00:00.000Z"), second("2026-04-19T08:00:00.000Z")],
    },
    {
      name: "an order after the offer exits before the second email",
      events: [signup, order("2026-01-05T12:00:00Z"), order("2026-04-10T12:00:00Z")],
      until: "2026-05-01T00:00:00Z",
      expected: [offer("2026-04-05T08:00:00.000Z")],
    },
    {
      name: "a later order moves the date: nothing at 90 d after the first order",
      events: [signup, order("2026-01-05T12:00:00Z"), order("2026-02-04T12:00:00Z")],
      until: "2026-05-06T00:00:00Z",
      expected: [offer("2026-05-05T08:00:00.000Z")],
    },
    {
      name: "no order ever: nothing",
      events: [signup],
      until: "2026-06-01T00:00:00Z",
      expected: [],
    },
    {
      name: "once per 180 d: lapsing again 110 d after the first offer gets nothing",
      events: [signup, order("2026-01-05T12:00:00Z"), order("2026-04-25T12:00:00Z")],
      until: "2026-08-01T00:00:00Z",
      expected: [offer("2026-04-05T08:00:00.000Z"), second("2026-04-19T08:00:00.000Z")],
    },
    {
      name: "lapsing again more than 180 d after the first offer starts again",
      events: [signup, order("2026-01-05T12:00:00Z"), order("2026-07-10T12:00:00Z")],
      until: "2026-11-01T00:00:00Z",
      expected: [
        offer("2026-04-05T08:00:00.000Z"),
        second("2026-04-19T08:00:00.000Z"),
        offer("2026-10-08T08:00:00.000Z"),
        second("2026-10-22T08:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(messages(["win-back"], events, { until })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId: string) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: 20 }] });

const { sent } = expectedLines("buying-time-affinity");
const offer = (at: string) =>
  sent({ at, step: "offer-email", template: "offer", subject: "Your Friday treat: 10% off" });

// March 2026: Fridays are the 6th, 13th, 20th and 27th; Paris is UTC+1 until the 29th.
describe("buying-time-affinity", () => {
  const cases: { name: string; events: TestEvent[]; until: string; expected: unknown[] }[] = [
    {
      name: "two orders around 18:xx Paris: every Friday at 18:00 Paris (17:00Z)",
      events: [signup, order("2026-03-02T17:30:00Z", "o1"), order("2026-03-03T17:10:00Z", "o2")],
      until: "2026-03-14T00:00:00Z",
      expected: [offer("2026-03-06T17:00:00.000Z"), offer("2026-03-13T17:00:00.000Z")],
    },
    {
      name: "one order is not enough to know the preferred hour: nothing",
      events: [signup, order("2026-03-02T17:30:00Z", "o1")],
      until: "2026-03-14T00:00:00Z",
      expected: [],
    },
    {
      name: "the most frequent hour wins: after three 20:xx orders, Friday at 20:00 Paris (19:00Z)",
      events: [
        signup,
        order("2026-03-02T17:30:00Z", "o1"),
        order("2026-03-03T17:10:00Z", "o2"),
        order("2026-03-09T19:15:00Z", "o3"),
        order("2026-03-10T19:20:00Z", "o4"),
        order("2026-03-11T19:40:00Z", "o5"),
      ],
      until: "2026-03-14T00:00:00Z",
      expected: [offer("2026-03-06T17:00:00.000Z"), offer("2026-03-13T19:00:00.000Z")],
    },
    {
      name: "once per 7 d: the hour moves to 08:00, 6 d 14 h after the last email: that Friday is skipped",
      events: [
        signup,
        order("2026-03-02T17:30:00Z", "o1"),
        order("2026-03-03T17:10:00Z", "o2"),
        order("2026-03-09T07:15:00Z", "o3"),
        order("2026-03-10T07:20:00Z", "o4"),
        order("2026-03-11T07:40:00Z", "o5"),
      ],
      until: "2026-03-21T00:00:00Z",
      expected: [offer("2026-03-06T17:00:00.000Z"), offer("2026-03-20T07:00:00.000Z")],
    },
    {
      name: "a customer who never ordered gets nothing",
      events: [signup],
      until: "2026-03-21T00:00:00Z",
      expected: [],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(messages(["buying-time-affinity"], events, { until })).toEqual(expected);
  });
});

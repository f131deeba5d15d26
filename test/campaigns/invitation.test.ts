import { describe, expect, it } from "vitest";
import { customerSignedUp, loyaltyEnrolled, loyaltyPointsChanged, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId: string, total = 20) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: total }] });
const enrolled = (at: string) => loyaltyEnrolled("c1", at);
const points = (at: string) => loyaltyPointsChanged("c1", at, { balance: 40, tier: "member" });

const { sent } = expectedLines("invitation");
const invite = (at: string) =>
  sent({
    at,
    step: "invitation-email",
    template: "invitation",
    subject: "You're invited to our loyalty program",
  });
const reminder = (at: string) =>
  sent({
    at,
    step: "reminder-email",
    template: "reminder",
    subject: "Your loyalty program invitation is waiting",
  });

describe("invitation", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "spend cohort reaches gold: invitation, reminder 7 d later",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 2500)],
      expected: [invite("2026-03-02T10:00:00.000Z"), reminder("2026-03-09T10:00:00.000Z")],
    },
    {
      name: "the 3rd order: invitation, reminder 7 d later",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1"),
        order("2026-03-03T10:00:00Z", "o2"),
        order("2026-03-04T10:00:00Z", "o3"),
      ],
      expected: [invite("2026-03-04T10:00:00.000Z"), reminder("2026-03-11T10:00:00.000Z")],
    },
    {
      name: "two orders, or silver only: nothing",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 600), order("2026-03-03T10:00:00Z", "o2")],
      expected: [],
    },
    {
      name: "already enrolled: nothing",
      events: [
        signup,
        enrolled("2026-03-01T09:00:00Z"),
        order("2026-03-02T10:00:00Z", "o1", 2500),
        order("2026-03-03T10:00:00Z", "o2"),
        order("2026-03-04T10:00:00Z", "o3"),
      ],
      expected: [],
    },
    {
      name: "enrolling after the invitation exits: no reminder",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 2500), enrolled("2026-03-05T10:00:00Z")],
      expected: [invite("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "points credited (enrolled without the enrolled event): no reminder",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 2500), points("2026-03-05T10:00:00Z")],
      expected: [invite("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "once per customer: gold, then a 3rd order later, is one series",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", 2500),
        order("2026-03-20T10:00:00Z", "o2"),
        order("2026-03-21T10:00:00Z", "o3"),
      ],
      expected: [invite("2026-03-02T10:00:00.000Z"), reminder("2026-03-09T10:00:00.000Z")],
    },
    {
      name: "once per customer: a 3rd order that also reaches gold is one series",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1"),
        order("2026-03-03T10:00:00Z", "o2"),
        order("2026-03-04T10:00:00Z", "o3", 2000),
      ],
      expected: [invite("2026-03-04T10:00:00.000Z"), reminder("2026-03-11T10:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["invitation"], events, { until: "2026-04-15T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import {
  customerSignedUp,
  orderDelivered,
  orderPlaced,
  referralCompleted,
  reviewSubmitted,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const review = (at: string, rating: number, productId = "p1") =>
  reviewSubmitted("c1", at, { orderId: "o1", productId, rating });
const delivered = (at: string, orderId: string) => orderDelivered("c1", at, { orderId });
const placed = (at: string, orderId: string) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: 20 }] });
const referral = (at: string, referredCustomerId = "c9") =>
  referralCompleted("c1", at, { referredCustomerId });

const { sent } = expectedLines("referral-program");
const invitation = (at: string) =>
  sent({
    at,
    step: "invitation-email",
    template: "invitation",
    subject: "Give your friends 15% off, get 10 EUR",
  });
const reward = (at: string) =>
  sent({
    at,
    step: "reward-email",
    template: "reward",
    subject: "Thanks! Your 10 EUR referral reward is here",
  });

describe("referral-program", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "a review rated 4 invites right away",
      events: [signup, review("2026-03-02T10:00:00Z", 4)],
      expected: [invitation("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "a review rated 3 does not",
      events: [signup, review("2026-03-02T10:00:00Z", 3)],
      expected: [],
    },
    {
      name: "the 2nd delivered order invites, the 1st does not",
      events: [
        signup,
        placed("2026-03-01T10:00:00Z", "o1"),
        placed("2026-03-01T11:00:00Z", "o2"),
        delivered("2026-03-02T10:00:00Z", "o1"),
        delivered("2026-03-10T10:00:00Z", "o2"),
      ],
      expected: [invitation("2026-03-10T10:00:00.000Z")],
    },
    {
      name: "the same order delivered twice is not a 2nd delivered order",
      events: [
        signup,
        placed("2026-03-01T10:00:00Z", "o1"),
        delivered("2026-03-02T10:00:00Z", "o1"),
        delivered("2026-03-10T10:00:00Z", "o1"),
      ],
      expected: [],
    },
    {
      name: "invitation once per 90 d across both triggers; again after 90 d",
      events: [
        signup,
        review("2026-03-02T10:00:00Z", 5),
        delivered("2026-03-05T10:00:00Z", "o1"),
        delivered("2026-03-10T10:00:00Z", "o2"),
        review("2026-05-30T10:00:00Z", 5, "p2"),
        review("2026-06-01T10:00:00Z", 5, "p3"),
      ],
      expected: [invitation("2026-03-02T10:00:00.000Z"), invitation("2026-06-01T10:00:00.000Z")],
    },
    {
      name: "reward email on referral.completed, even right after an invitation; once per referred customer",
      events: [
        signup,
        review("2026-03-02T10:00:00Z", 5),
        referral("2026-03-04T10:00:00Z"),
        referral("2026-03-05T10:00:00Z"),
        referral("2026-03-06T10:00:00Z", "c8"),
      ],
      expected: [
        invitation("2026-03-02T10:00:00.000Z"),
        reward("2026-03-04T10:00:00.000Z"),
        reward("2026-03-06T10:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["referral-program"], events, { until: "2026-06-10T00:00:00Z" })).toEqual(expected);
  });
});

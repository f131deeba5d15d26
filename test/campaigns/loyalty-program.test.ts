import { describe, expect, it } from "vitest";
import { customerSignedUp, loyaltyEnrolled, loyaltyPointsChanged } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z", { firstName: "Ana" });
const enrolled = (at: string) => loyaltyEnrolled("c1", at, { programId: "club" });
const points = (at: string, balance: number, tier: string, previousTier?: string) =>
  loyaltyPointsChanged("c1", at, { balance, tier, previousTier });

const { sent } = expectedLines("loyalty-program");
const welcome = (at: string) =>
  sent({ at, step: "welcome-email", template: "welcome", subject: "Welcome to our loyalty program" });
const tierUp = (at: string, tier: string) =>
  sent({ at, step: "tier-up-email", template: "tier-up", subject: `You reached ${tier}` });
const reward = (at: string) =>
  sent({ at, step: "reward-email", template: "reward", subject: "A reward is waiting for you" });

describe("loyalty-program", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "enrolled: welcome to the program, once",
      events: [signup, enrolled("2026-03-02T10:00:00Z"), enrolled("2026-03-20T10:00:00Z")],
      expected: [welcome("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "tier went up: tier-up email for each new tier",
      events: [
        signup,
        points("2026-03-02T10:00:00Z", 200, "silver", "member"),
        points("2026-03-10T10:00:00Z", 300, "gold", "silver"),
      ],
      expected: [tierUp("2026-03-02T10:00:00.000Z", "Silver"), tierUp("2026-03-10T10:00:00.000Z", "Gold")],
    },
    {
      name: "same tier or a lower one: nothing",
      events: [
        signup,
        points("2026-03-02T10:00:00Z", 200, "silver", "silver"),
        points("2026-03-03T10:00:00Z", 100, "bronze", "silver"),
      ],
      expected: [],
    },
    {
      name: "without previousTier the move cannot be told: nothing",
      events: [signup, points("2026-03-02T10:00:00Z", 200, "gold")],
      expected: [],
    },
    {
      name: "once per tier: silver again after a drop sends nothing",
      events: [
        signup,
        points("2026-03-02T10:00:00Z", 200, "silver", "member"),
        points("2026-03-05T10:00:00Z", 50, "member", "silver"),
        points("2026-03-20T10:00:00Z", 250, "silver", "member"),
      ],
      expected: [tierUp("2026-03-02T10:00:00.000Z", "Silver")],
    },
    {
      name: "balance crosses 500: reward email; under 500 nothing",
      events: [
        signup,
        points("2026-03-02T10:00:00Z", 450, "member"),
        points("2026-03-05T10:00:00Z", 520, "member"),
      ],
      expected: [reward("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "once per threshold: crossing 500 again after redeeming sends nothing",
      events: [
        signup,
        points("2026-03-02T10:00:00Z", 600, "member"),
        points("2026-03-05T10:00:00Z", 100, "member"),
        points("2026-03-20T10:00:00Z", 700, "member"),
      ],
      expected: [reward("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "one event can bring both a tier-up and a reward",
      events: [
        signup,
        enrolled("2026-03-02T10:00:00Z"),
        points("2026-03-20T10:00:00Z", 800, "gold", "member"),
      ],
      expected: [
        welcome("2026-03-02T10:00:00.000Z"),
        tierUp("2026-03-20T10:00:00.000Z", "Gold"),
        reward("2026-03-20T10:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["loyalty-program"], events, { until: "2026-04-01T00:00:00Z" })).toEqual(expected);
  });
});

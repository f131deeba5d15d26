import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const order = (at: string, orderId: string, total: number) =>
  orderPlaced("c1", at, { orderId, items: [{ productId: "p1", price: total }] });

const { sent } = expectedLines("customer-spend-cohorting");
const email = (at: string, cohort: string) =>
  sent({ at, step: "new-cohort-email", template: "new-cohort", subject: `Welcome to ${cohort}` });

describe("customer-spend-cohorting", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "spend reaching 100 moves new -> bronze: congratulations email",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 150)],
      expected: [email("2026-03-02T10:00:00.000Z", "Bronze")],
    },
    {
      name: "spend under 100 stays new: nothing",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 99)],
      expected: [],
    },
    {
      name: "each move up sends: bronze, then silver at 500",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 150), order("2026-03-10T10:00:00Z", "o2", 400)],
      expected: [email("2026-03-02T10:00:00.000Z", "Bronze"), email("2026-03-10T10:00:00.000Z", "Silver")],
    },
    {
      name: "a jump over cohorts sends for the new cohort only",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", 2500)],
      expected: [email("2026-03-02T10:00:00.000Z", "Gold")],
    },
    {
      name: "once per cohort: back to silver after the 365 d window emptied sends nothing, gold still sends",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", 600),
        order("2027-03-10T10:00:00Z", "o2", 600),
        order("2027-03-11T10:00:00Z", "o3", 1500),
      ],
      expected: [email("2026-03-02T10:00:00.000Z", "Silver"), email("2027-03-11T10:00:00.000Z", "Gold")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["customer-spend-cohorting"], events, { until: "2027-04-01T00:00:00Z" })).toEqual(
      expected,
    );
  });
});

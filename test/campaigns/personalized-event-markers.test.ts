import { describe, expect, it } from "vitest";
import { customerSignedUp, customerUpdated } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z", { firstName: "Ana" });

const { sent } = expectedLines("personalized-event-markers");
const treat = (at: string, name = "birthday") =>
  sent({ at, step: "treat-email", template: "treat", subject: `Your ${name} is coming: a treat for you` });
const greeting = (at: string, name = "birthday") =>
  sent({ at, step: "greeting-email", template: "greeting", subject: `Happy ${name}, Ana!` });

// Paris is UTC+1 until 29 March 2026, UTC+2 after: 10:00 local is 09:00Z then 08:00Z, 09:00 local 08:00Z then 07:00Z.
describe("personalized-event-markers", () => {
  const cases: { name: string; events: TestEvent[]; until?: string; expected: unknown[] }[] = [
    {
      name: "birthday: a treat 7 d before at 10:00, a greeting on the day at 09:00",
      events: [signup, customerUpdated("c1", "2026-03-02T10:00:00Z", { birthday: "1990-03-20" })],
      expected: [treat("2026-03-13T09:00:00.000Z"), greeting("2026-03-20T08:00:00.000Z")],
    },
    {
      name: "other personal dates (profile.dates) the same way, by name",
      events: [
        signup,
        customerUpdated("c1", "2026-03-02T10:00:00Z", { dates: { anniversary: "2015-04-10" } }),
      ],
      expected: [
        treat("2026-04-03T08:00:00.000Z", "anniversary"),
        greeting("2026-04-10T07:00:00.000Z", "anniversary"),
      ],
    },
    {
      name: "a date learnt less than 7 d ahead: greeting only",
      events: [signup, customerUpdated("c1", "2026-03-16T10:00:00Z", { birthday: "1990-03-20" })],
      expected: [greeting("2026-03-20T08:00:00.000Z")],
    },
    {
      name: "no dates: nothing",
      events: [signup],
      expected: [],
    },
    {
      name: "once per date per year: a birthday moved later in the year after its greeting sends nothing more",
      events: [
        signup,
        customerUpdated("c1", "2026-03-02T10:00:00Z", { birthday: "1990-03-10" }),
        customerUpdated("c1", "2026-03-11T10:00:00Z", { birthday: "1990-03-25" }),
      ],
      expected: [treat("2026-03-03T09:00:00.000Z"), greeting("2026-03-10T08:00:00.000Z")],
    },
    {
      name: "every year again",
      events: [signup, customerUpdated("c1", "2026-03-02T10:00:00Z", { birthday: "1990-03-20" })],
      until: "2027-03-25T00:00:00Z",
      expected: [
        treat("2026-03-13T09:00:00.000Z"),
        greeting("2026-03-20T08:00:00.000Z"),
        treat("2027-03-13T09:00:00.000Z"),
        greeting("2027-03-20T08:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(
      messages(["personalized-event-markers"], events, { until: until ?? "2026-05-01T00:00:00Z" }),
    ).toEqual(expected);
  });
});

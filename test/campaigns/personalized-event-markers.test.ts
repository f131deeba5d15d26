import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup: TestEvent = {
  type: "customer.signed_up",
  at: "2026-03-01T08:00:00Z",
  detail: customer("c1", { firstName: "Ana" }),
};
const update = (at: string, fields: Record<string, unknown>): TestEvent => ({
  type: "customer.updated",
  at,
  detail: { customerId: "c1", ...fields },
});

const line = (at: string, step: string, template: string, subject: string) => ({
  at,
  campaign: "personalized-event-markers",
  step,
  customerId: "c1",
  channel: "email",
  status: "sent",
  template,
  to: "c1@example.com",
  subject,
});
const treat = (at: string, name = "birthday") =>
  line(at, "treat-email", "treat", `Your ${name} is coming: a treat for you`);
const greeting = (at: string, name = "birthday") =>
  line(at, "greeting-email", "greeting", `Happy ${name}, Ana!`);

// Paris is UTC+1 until 29 March 2026, UTC+2 after: 10:00 local is 09:00Z then 08:00Z, 09:00 local 08:00Z then 07:00Z.
describe("personalized-event-markers", () => {
  const cases: { name: string; events: TestEvent[]; until?: string; expected: unknown[] }[] = [
    {
      name: "birthday: a treat 7 d before at 10:00, a greeting on the day at 09:00",
      events: [signup, update("2026-03-02T10:00:00Z", { birthday: "1990-03-20" })],
      expected: [treat("2026-03-13T09:00:00.000Z"), greeting("2026-03-20T08:00:00.000Z")],
    },
    {
      name: "other personal dates (profile.dates) the same way, by name",
      events: [signup, update("2026-03-02T10:00:00Z", { dates: { anniversary: "2015-04-10" } })],
      expected: [
        treat("2026-04-03T08:00:00.000Z", "anniversary"),
        greeting("2026-04-10T07:00:00.000Z", "anniversary"),
      ],
    },
    {
      name: "a date learnt less than 7 d ahead: greeting only",
      events: [signup, update("2026-03-16T10:00:00Z", { birthday: "1990-03-20" })],
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
        update("2026-03-02T10:00:00Z", { birthday: "1990-03-10" }),
        update("2026-03-11T10:00:00Z", { birthday: "1990-03-25" }),
      ],
      expected: [treat("2026-03-03T09:00:00.000Z"), greeting("2026-03-10T08:00:00.000Z")],
    },
    {
      name: "every year again",
      events: [signup, update("2026-03-02T10:00:00Z", { birthday: "1990-03-20" })],
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

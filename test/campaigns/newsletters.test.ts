import { describe, expect, it } from "vitest";
import { consentUpdated, customerSignedUp, type Profile } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

// Thursdays 10:00 in Paris (CET, UTC+1): 2026-03-05 and 2026-03-12 at 09:00Z.
const signup = (fields: Profile = {}) => customerSignedUp("c1", "2026-03-01T08:00:00Z", fields);
const consent = (at: string, status: "opted_in" | "opted_out", topic?: string) =>
  consentUpdated("c1", at, { channel: "email", status, topic });

const { sent, suppressed } = expectedLines("newsletters");
const email = (at: string) =>
  sent({ at, step: "newsletter-email", template: "newsletter", subject: "This week at the shop" });

describe("newsletters", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "subscribed at signup: every Thursday at 10:00 local",
      events: [signup({ newsletter: true })],
      expected: [email("2026-03-05T09:00:00.000Z"), email("2026-03-12T09:00:00.000Z")],
    },
    {
      name: "subscribed later through consent.updated",
      events: [signup(), consent("2026-03-06T10:00:00Z", "opted_in", "newsletter")],
      expected: [email("2026-03-12T09:00:00.000Z")],
    },
    {
      name: "no explicit opt-in: nothing",
      events: [signup()],
      expected: [],
    },
    {
      name: "declined at signup: nothing",
      events: [signup({ newsletter: false })],
      expected: [],
    },
    {
      name: "unsubscribed from the topic: nothing from then on",
      events: [signup({ newsletter: true }), consent("2026-03-06T10:00:00Z", "opted_out", "newsletter")],
      expected: [email("2026-03-05T09:00:00.000Z")],
    },
    {
      name: "opted out of marketing email: suppressed at send time",
      events: [signup({ newsletter: true }), consent("2026-03-06T10:00:00Z", "opted_out")],
      expected: [
        email("2026-03-05T09:00:00.000Z"),
        suppressed({
          at: "2026-03-12T09:00:00.000Z",
          step: "newsletter-email",
          template: "newsletter",
          reason: "opted_out",
        }),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["newsletters"], events, { until: "2026-03-13T00:00:00Z" })).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { consentUpdated, customerSignedUp, returnCompleted, returnInitiated } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const initiated = (at: string, returnId = "r1", method: "store" | "mail" = "store") =>
  returnInitiated("c1", at, { orderId: "o1", returnId, method, storeId: "s1" });
const completed = (at: string, returnId = "r1", refundAmount = 49.5) =>
  returnCompleted("c1", at, { returnId, refundAmount, currency: "EUR" });

const { sent } = expectedLines("boris");
const received = (at: string) =>
  sent({
    at,
    step: "return-received-email",
    template: "return-received",
    subject: "We received your return for order o1",
  });
const refund = (at: string, amount = "49.5") =>
  sent({
    at,
    step: "refund-issued-email",
    template: "refund-issued",
    subject: `Your refund of ${amount} EUR is on its way`,
  });

describe("boris", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "return received now, refund email with the amount on return.completed",
      events: [signup, initiated("2026-03-02T10:00:00Z"), completed("2026-03-05T16:00:00Z")],
      expected: [received("2026-03-02T10:00:00.000Z"), refund("2026-03-05T16:00:00.000Z")],
    },
    {
      name: "returns by mail are not this campaign's",
      events: [signup, initiated("2026-03-02T10:00:00Z", "r1", "mail"), completed("2026-03-05T16:00:00Z")],
      expected: [],
    },
    {
      name: "the completion of another return does not send the refund email",
      events: [signup, initiated("2026-03-02T10:00:00Z"), completed("2026-03-05T16:00:00Z", "r2")],
      expected: [received("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "no refund email once the 60 d wait for return.completed timed out",
      events: [signup, initiated("2026-03-02T10:00:00Z"), completed("2026-05-05T16:00:00Z")],
      expected: [received("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "transactional: sent despite an email opt-out",
      events: [
        signup,
        consentUpdated("c1", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" }),
        initiated("2026-03-02T10:00:00Z"),
        completed("2026-03-05T16:00:00Z", "r1", 20),
      ],
      expected: [received("2026-03-02T10:00:00.000Z"), refund("2026-03-05T16:00:00.000Z", "20")],
    },
    {
      name: "once per return: a repeated return.initiated and return.completed send nothing more",
      events: [
        signup,
        initiated("2026-03-02T10:00:00Z"),
        completed("2026-03-05T16:00:00Z"),
        initiated("2026-03-06T10:00:00Z"),
        completed("2026-03-07T16:00:00Z"),
      ],
      expected: [received("2026-03-02T10:00:00.000Z"), refund("2026-03-05T16:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["boris"], events, { until: "2026-05-15T00:00:00Z" })).toEqual(expected);
  });
});

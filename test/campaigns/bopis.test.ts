import { describe, expect, it } from "vitest";
import {
  customerSignedUp,
  orderCancelled,
  orderPickedUp,
  orderReadyForPickup,
  type Profile,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = (fields: Profile = {}) => customerSignedUp("c1", "2026-03-01T08:00:00Z", fields);
const ready = (at: string) => orderReadyForPickup("c1", at, { orderId: "o1", storeId: "s1" });

const { sent } = expectedLines("bopis");
const readyEmail = (at: string) =>
  sent({ at, step: "ready-email", template: "ready", subject: "Your order o1 is ready for pickup" });
const reminder = (at: string) =>
  sent({
    at,
    step: "reminder-email",
    template: "reminder",
    subject: "Reminder: your order o1 is waiting for you",
  });
const finalReminder = (at: string) =>
  sent({
    at,
    step: "final-reminder-email",
    template: "final-reminder",
    subject: "Last reminder: pick up your order o1",
  });
const readySms = (at: string) =>
  sent({ at, step: "ready-sms", channel: "sms", template: "ready-sms", to: "+33612345678" });

describe("bopis", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "no phone: email now, reminder at +24 h, final reminder at +72 h",
      events: [signup(), ready("2026-03-02T10:00:00Z")],
      expected: [
        readyEmail("2026-03-02T10:00:00.000Z"),
        reminder("2026-03-03T10:00:00.000Z"),
        finalReminder("2026-03-05T10:00:00.000Z"),
      ],
    },
    {
      name: "phone known: SMS too, without SMS opt-in and even at night (transactional)",
      events: [signup({ phone: "+33612345678" }), ready("2026-03-02T22:30:00Z")],
      expected: [
        readyEmail("2026-03-02T22:30:00.000Z"),
        readySms("2026-03-02T22:30:00.000Z"),
        reminder("2026-03-03T22:30:00.000Z"),
        finalReminder("2026-03-05T22:30:00.000Z"),
      ],
    },
    {
      name: "exit on order.picked_up after the first reminder",
      events: [signup(), ready("2026-03-02T10:00:00Z"), orderPickedUp("c1", "2026-03-03T12:00:00Z")],
      expected: [readyEmail("2026-03-02T10:00:00.000Z"), reminder("2026-03-03T10:00:00.000Z")],
    },
    {
      name: "exit on order.cancelled",
      events: [signup(), ready("2026-03-02T10:00:00Z"), orderCancelled("c1", "2026-03-02T12:00:00Z")],
      expected: [readyEmail("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "another order picked up does not exit",
      events: [
        signup(),
        ready("2026-03-02T10:00:00Z"),
        orderPickedUp("c1", "2026-03-02T12:00:00Z", { orderId: "o9" }),
      ],
      expected: [
        readyEmail("2026-03-02T10:00:00.000Z"),
        reminder("2026-03-03T10:00:00.000Z"),
        finalReminder("2026-03-05T10:00:00.000Z"),
      ],
    },
    {
      name: "once per order: a repeated ready_for_pickup sends nothing more and moves no reminder",
      events: [signup(), ready("2026-03-02T10:00:00Z"), ready("2026-03-02T18:00:00Z")],
      expected: [
        readyEmail("2026-03-02T10:00:00.000Z"),
        reminder("2026-03-03T10:00:00.000Z"),
        finalReminder("2026-03-05T10:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["bopis"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});

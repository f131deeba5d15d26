import { describe, expect, it } from "vitest";
import { customer, messages, type TestEvent } from "../support/scenario.ts";

const signup = (extra = {}): TestEvent => ({
  type: "customer.signed_up",
  at: "2026-03-01T08:00:00Z",
  detail: customer("c1", extra),
});
const ready = (at: string, orderId = "o1"): TestEvent => ({
  type: "order.ready_for_pickup",
  at,
  detail: { customerId: "c1", orderId, storeId: "s1" },
});
const orderEvent = (type: string, at: string, orderId = "o1"): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", orderId },
});
const email = (step: string, template: string, at: string, subject: string) => ({
  at,
  campaign: "bopis",
  step,
  customerId: "c1",
  channel: "email",
  status: "sent",
  template,
  to: "c1@example.com",
  subject,
});
const readyEmail = (at: string) => email("ready-email", "ready", at, "Your order o1 is ready for pickup");
const reminder = (at: string) =>
  email("reminder-email", "reminder", at, "Reminder: your order o1 is waiting for you");
const finalReminder = (at: string) =>
  email("final-reminder-email", "final-reminder", at, "Last reminder: pick up your order o1");
const readySms = (at: string) => ({
  at,
  campaign: "bopis",
  step: "ready-sms",
  customerId: "c1",
  channel: "sms",
  status: "sent",
  template: "ready-sms",
  to: "+33612345678",
});

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
      events: [
        signup(),
        ready("2026-03-02T10:00:00Z"),
        orderEvent("order.picked_up", "2026-03-03T12:00:00Z"),
      ],
      expected: [readyEmail("2026-03-02T10:00:00.000Z"), reminder("2026-03-03T10:00:00.000Z")],
    },
    {
      name: "exit on order.cancelled",
      events: [
        signup(),
        ready("2026-03-02T10:00:00Z"),
        orderEvent("order.cancelled", "2026-03-02T12:00:00Z"),
      ],
      expected: [readyEmail("2026-03-02T10:00:00.000Z")],
    },
    {
      name: "another order picked up does not exit",
      events: [
        signup(),
        ready("2026-03-02T10:00:00Z"),
        orderEvent("order.picked_up", "2026-03-02T12:00:00Z", "o9"),
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

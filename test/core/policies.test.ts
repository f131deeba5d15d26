import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../../functions/core/config/campaign.ts";
import { customer, defineCampaign, runCampaigns, type TestEvent } from "../support/scenario.ts";

/** A one-step campaign: on app.opened, wait `wait`, then send on `channel`. */
const oneSend = (
  overrides: Partial<CampaignInput> = {},
  channel: "email" | "sms" | "push" = "email",
  wait = "PT1H",
) =>
  defineCampaign({
    id: "probe",
    name: "Probe",
    kind: "marketing",
    triggers: [{ type: "event", event: "app.opened", key: ["event.eventId"] }],
    steps: [
      { id: "wait", type: "wait", duration: wait },
      { id: "send", type: "send", channel, template: "t" },
    ],
    templates: { t: { subject: "Hello", body: "Hi" } },
    ...overrides,
  });

const signup = (extra: Record<string, unknown> = {}): TestEvent => ({
  type: "customer.signed_up",
  at: "2026-03-01T08:00:00Z",
  detail: customer("c1", extra),
});
const opened = (at: string): TestEvent => ({ type: "app.opened", at, detail: { customerId: "c1" } });
const event = (type: string, at: string, detail: Record<string, unknown>): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", ...detail },
});
const statuses = (lines: { status: string; reason?: string }[]) => lines.map((l) => l.reason ?? l.status);

describe("consent is checked at the moment of sending", () => {
  it("an email opt-out between trigger and send suppresses", () => {
    const { lines } = runCampaigns(
      [oneSend()],
      [
        signup(),
        opened("2026-03-02T10:00:00Z"),
        event("consent.updated", "2026-03-02T10:30:00Z", { channel: "email", status: "opted_out" }),
      ],
    );
    expect(lines).toEqual([
      {
        at: "2026-03-02T11:00:00.000Z",
        campaign: "probe",
        step: "send",
        customerId: "c1",
        channel: "email",
        status: "suppressed",
        reason: "opted_out",
        template: "t",
      },
    ]);
  });

  it("an opt-in again before the send lets it go", () => {
    const { lines } = runCampaigns(
      [oneSend()],
      [
        signup(),
        event("consent.updated", "2026-03-02T09:00:00Z", { channel: "email", status: "opted_out" }),
        opened("2026-03-02T10:00:00Z"),
        event("consent.updated", "2026-03-02T10:30:00Z", { channel: "email", status: "opted_in" }),
      ],
    );
    expect(statuses(lines)).toEqual(["sent"]);
  });

  it("marketing SMS needs an explicit opt-in", () => {
    const withPhone = signup({ phone: "+33612345678" });
    expect(
      statuses(runCampaigns([oneSend({}, "sms")], [withPhone, opened("2026-03-02T10:00:00Z")]).lines),
    ).toEqual(["not_opted_in"]);
    const optedIn = signup({ phone: "+33612345678", smsOptIn: true });
    expect(
      statuses(runCampaigns([oneSend({}, "sms")], [optedIn, opened("2026-03-02T10:00:00Z")]).lines),
    ).toEqual(["sent"]);
  });

  it("push needs a token and no opt-out", () => {
    const noToken = runCampaigns([oneSend({}, "push")], [signup(), opened("2026-03-02T10:00:00Z")]).lines;
    expect(statuses(noToken)).toEqual(["no_address"]);
    const token = event("customer.updated", "2026-03-01T09:00:00Z", { pushToken: "tok-1" });
    const optOut = event("consent.updated", "2026-03-01T09:30:00Z", { channel: "push", status: "opted_out" });
    expect(
      statuses(runCampaigns([oneSend({}, "push")], [signup(), token, opened("2026-03-02T10:00:00Z")]).lines),
    ).toEqual(["sent"]);
    expect(
      statuses(
        runCampaigns([oneSend({}, "push")], [signup(), token, optOut, opened("2026-03-02T10:00:00Z")]).lines,
      ),
    ).toEqual(["opted_out"]);
  });
});

describe("transactional messages", () => {
  const transactional = oneSend({ kind: "transactional" });

  it("ignore a marketing opt-out, an open ticket, the cap and the holdout", () => {
    const { lines } = runCampaigns(
      [transactional],
      [
        signup(),
        event("consent.updated", "2026-03-01T09:00:00Z", { channel: "email", status: "opted_out" }),
        event("support.ticket_opened", "2026-03-01T09:10:00Z", { ticketId: "t1" }),
        ...["10", "11", "12", "13", "14"].map((h) => opened(`2026-03-02T${h}:00:00Z`)),
      ],
      { settings: { holdoutPercent: 100 } },
    );
    expect(statuses(lines)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
  });

  it("do not go to a hard-bounced address", () => {
    const { lines } = runCampaigns(
      [transactional],
      [
        signup(),
        event("email.bounced", "2026-03-01T09:00:00Z", {
          address: "C1@example.com",
          bounceType: "permanent",
        }),
        opened("2026-03-02T10:00:00Z"),
      ],
    );
    expect(statuses(lines)).toEqual(["suppressed_address"]);
  });

  it("still go after a transient bounce", () => {
    const { lines } = runCampaigns(
      [transactional],
      [
        signup(),
        event("email.bounced", "2026-03-01T09:00:00Z", {
          address: "c1@example.com",
          bounceType: "transient",
        }),
        opened("2026-03-02T10:00:00Z"),
      ],
    );
    expect(statuses(lines)).toEqual(["sent"]);
  });

  it("a complaint suppresses marketing too", () => {
    const { lines } = runCampaigns(
      [oneSend()],
      [
        signup(),
        event("email.complained", "2026-03-01T09:00:00Z", { address: "c1@example.com" }),
        opened("2026-03-02T10:00:00Z"),
      ],
    );
    expect(statuses(lines)).toEqual(["suppressed_address"]);
  });
});

describe("frequency cap", () => {
  it("the 4th marketing message in 7 days is frequency_cap; the window rolls", () => {
    const days = ["02", "03", "04", "05", "09"];
    const { lines } = runCampaigns(
      [oneSend()],
      [signup(), ...days.map((d) => opened(`2026-03-${d}T10:00:00Z`))],
    );
    expect(lines.map((l) => [l.at, l.reason ?? l.status])).toEqual([
      ["2026-03-02T11:00:00.000Z", "sent"],
      ["2026-03-03T11:00:00.000Z", "sent"],
      ["2026-03-04T11:00:00.000Z", "sent"],
      ["2026-03-05T11:00:00.000Z", "frequency_cap"],
      ["2026-03-09T11:00:00.000Z", "sent"],
    ]);
  });

  it("counts across campaigns and channels, and suppressed messages do not count", () => {
    const second = oneSend({ id: "probe-sms" }, "sms");
    const { lines } = runCampaigns(
      [oneSend(), second],
      [
        signup({ phone: "+33612345678" }),
        opened("2026-03-02T10:00:00Z"),
        opened("2026-03-03T10:00:00Z"),
        event("consent.updated", "2026-03-03T12:00:00Z", { channel: "sms", status: "opted_in" }),
        opened("2026-03-04T10:00:00Z"),
      ],
    );
    expect(lines.map((l) => `${l.campaign} ${l.reason ?? l.status}`)).toEqual([
      "probe sent",
      "probe-sms not_opted_in",
      "probe sent",
      "probe-sms not_opted_in",
      "probe sent",
      "probe-sms frequency_cap",
    ]);
  });

  it("a campaign may opt out of the cap", () => {
    const uncapped = oneSend({ policies: { frequencyCap: false } });
    const days = ["02", "03", "04", "05"];
    const { lines } = runCampaigns(
      [uncapped],
      [signup(), ...days.map((d) => opened(`2026-03-${d}T10:00:00Z`))],
    );
    expect(statuses(lines)).toEqual(["sent", "sent", "sent", "sent"]);
  });
});

describe("quiet hours", () => {
  it("an SMS due at 22:30 local is deferred to 08:00 local", () => {
    const { lines } = runCampaigns(
      [oneSend({}, "sms")],
      // 20:30 UTC is 21:30 in Paris (CET, winter); the send is due one hour later, at 22:30 local.
      [signup({ phone: "+33612345678", smsOptIn: true }), opened("2026-03-02T20:30:00Z")],
    );
    expect(lines).toEqual([
      {
        at: "2026-03-03T07:00:00.000Z",
        campaign: "probe",
        step: "send",
        customerId: "c1",
        channel: "sms",
        status: "sent",
        template: "t",
        to: "+33612345678",
        deferredFrom: "2026-03-02T21:30:00.000Z",
      },
    ]);
  });

  it("follows the customer's time zone, including daylight saving time", () => {
    const { lines } = runCampaigns(
      [oneSend({}, "sms")],
      // New York on 2026-03-09 is on EDT (UTC-4): 02:30 UTC is 22:30 local; 08:00 local is 12:00 UTC.
      [
        signup({ phone: "+12125550123", smsOptIn: true, timezone: "America/New_York" }),
        opened("2026-03-09T01:30:00Z"),
      ],
    );
    expect(lines.map((l) => [l.at, l.deferredFrom])).toEqual([
      ["2026-03-09T12:00:00.000Z", "2026-03-09T02:30:00.000Z"],
    ]);
  });

  it("email has no quiet hours (its send window is its own rule)", () => {
    const noWindow = oneSend({ policies: { sendWindows: { email: false } } });
    const { lines } = runCampaigns([noWindow], [signup(), opened("2026-03-02T20:30:00Z")]);
    expect(lines.map((l) => [l.at, l.deferredFrom])).toEqual([["2026-03-02T21:30:00.000Z", undefined]]);
  });

  it("consent is checked again when the deferred message goes", () => {
    const { lines } = runCampaigns(
      [oneSend({}, "sms")],
      [
        signup({ phone: "+33612345678", smsOptIn: true }),
        opened("2026-03-02T20:30:00Z"),
        event("consent.updated", "2026-03-03T05:00:00Z", { channel: "sms", status: "opted_out" }),
      ],
    );
    expect(lines.map((l) => [l.at, l.reason])).toEqual([["2026-03-03T07:00:00.000Z", "opted_out"]]);
  });
});

describe("support tickets", () => {
  const ticket = (type: string, at: string) => event(type, at, { ticketId: "t1", channel: "chat" });

  it("an open ticket suppresses marketing only, until it is resolved", () => {
    const transactional = oneSend({ kind: "transactional", id: "probe-t" });
    const { lines } = runCampaigns(
      [oneSend(), transactional],
      [
        signup(),
        ticket("support.ticket_opened", "2026-03-02T09:00:00Z"),
        opened("2026-03-02T10:00:00Z"),
        ticket("support.ticket_resolved", "2026-03-03T09:00:00Z"),
        opened("2026-03-03T10:00:00Z"),
      ],
    );
    // Due at the same instant: the transactional (service) message is judged first.
    expect(lines.map((l) => `${l.campaign} ${l.at.slice(0, 10)} ${l.reason ?? l.status}`)).toEqual([
      "probe-t 2026-03-02 sent",
      "probe 2026-03-02 support_ticket_open",
      "probe-t 2026-03-03 sent",
      "probe 2026-03-03 sent",
    ]);
  });
});

describe("holdout", () => {
  it("is a stable assignment recorded as holdout, by campaign override or engine-wide", () => {
    const customers = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const events: TestEvent[] = customers.flatMap((id) => [
      { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer(id) },
      { type: "app.opened", at: "2026-03-02T10:00:00Z", detail: { customerId: id } },
    ]);
    const run = () => runCampaigns([oneSend({ policies: { holdoutPercent: 25 } })], events).lines;
    const first = run();
    const heldOut = first.filter((l) => l.reason === "holdout").map((l) => l.customerId);
    expect(heldOut.length).toBeGreaterThan(30);
    expect(heldOut.length).toBeLessThan(70);
    expect(run()).toEqual(first);
    const engineWide = runCampaigns([oneSend()], events, { settings: { holdoutPercent: 100 } }).lines;
    expect(new Set(statuses(engineWide))).toEqual(new Set(["holdout"]));
  });
});

describe("marketing SMS says how to opt out", () => {
  it("appends the opt-out text to a rendered SMS body", async () => {
    const { compileCampaigns } = await import("../../functions/core/engine/compile.ts");
    const { advance, decide } = await import("../../functions/core/engine/decide.ts");
    const { emptyCustomerState } = await import("../../functions/core/state/customer-state.ts");
    const { shippedEngineSettings } = await import("../support/scenario.ts");
    const compiled = compileCampaigns([oneSend({}, "sms", "PT1M")], shippedEngineSettings(), {
      renderBodies: true,
    });
    const state = emptyCustomerState("c1");
    const at = Date.parse("2026-03-02T16:00:00Z"); // 11:00 in New York, the default zone
    decide(compiled, state, {
      id: "s",
      type: "customer.signed_up",
      at,
      source: "t",
      detail: { customerId: "c1", phone: "+33612345678", smsOptIn: true },
    });
    decide(compiled, state, { id: "o", type: "app.opened", at, source: "t", detail: { customerId: "c1" } });
    const journeyId = state.journeys[0]?.id ?? "";
    const decisions = advance(compiled, state, journeyId, at + 60_000);
    const message = decisions.find((d) => d.type === "message");
    expect(message && "body" in message ? message.body : undefined).toBe("Hi Reply STOP to opt out.");
  });
});

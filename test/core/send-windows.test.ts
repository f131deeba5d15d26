import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../../functions/core/config/campaign.ts";
import type { CustomerEvent } from "../../functions/core/events/envelope.ts";
import {
  allowedHourNear,
  bestSendAt,
  nextSendableAt,
  type SendHours,
} from "../../functions/core/policies/send-time.ts";
import { applyEvent } from "../../functions/core/state/apply-event.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { bestSendHour } from "../../functions/core/state/traits.ts";
import { localParts } from "../../functions/core/time/local-time.ts";
import {
  customer,
  defineCampaign,
  messages,
  runCampaigns,
  shippedEngineSettings,
  type TestEvent,
} from "../support/scenario.ts";

const settings = shippedEngineSettings();
const HOUR = 3_600_000;

/** On app.opened (or `event`), send at once on `channel`. */
const probe = (
  overrides: Partial<CampaignInput> = {},
  channel: "email" | "sms" | "push" = "email",
  sendTime?: "best",
) =>
  defineCampaign({
    id: "probe",
    name: "Probe",
    kind: "marketing",
    triggers: [{ type: "event", event: "customer.updated", key: ["event.eventId"] }],
    steps: [{ id: "send", type: "send", channel, template: "t", ...(sendTime ? { sendTime } : {}) }],
    templates: { t: { subject: "Hello", body: "Hi" } },
    ...overrides,
  });

const signup = (extra: Record<string, unknown> = {}): TestEvent => ({
  type: "customer.signed_up",
  at: "2026-02-01T00:00:00Z",
  detail: customer("c1", { phone: "+33612345678", smsOptIn: true, ...extra }),
});
/** The probe's trigger: the send is due at `at`. */
const due = (at: string): TestEvent => ({ type: "customer.updated", at, detail: { customerId: "c1" } });
const event = (type: string, at: string, detail: Record<string, unknown> = {}): TestEvent => ({
  type,
  at,
  detail: { customerId: "c1", ...detail },
});
const order = (at: string, orderId: string) =>
  event("order.placed", at, {
    orderId,
    items: [{ productId: "p1", price: 10 }],
    total: 10,
    currency: "EUR",
    fulfillment: "ship",
  });
const sentAt = (lines: { at: string; status: string; reason?: string }[]) =>
  lines.map((l) => [l.at, l.reason ?? l.status]);

// Paris is UTC+1 until 2026-03-29; New York moves to EDT on 2026-03-08 and back to EST on 2026-11-01.
describe("send windows: marketing email goes 09:00-20:00 local", () => {
  const cases: { name: string; campaign?: Partial<CampaignInput>; tz?: string; at: string; goes: string }[] =
    [
      { name: "due 08:59 waits for 09:00", at: "2026-03-02T07:59:00Z", goes: "2026-03-02T08:00:00.000Z" },
      { name: "due 09:00 goes at once", at: "2026-03-02T08:00:00Z", goes: "2026-03-02T08:00:00.000Z" },
      { name: "due 19:59 goes at once", at: "2026-03-02T18:59:00Z", goes: "2026-03-02T18:59:00.000Z" },
      {
        name: "due 20:00 waits for 09:00 the next day",
        at: "2026-03-02T19:00:00Z",
        goes: "2026-03-03T08:00:00.000Z",
      },
      {
        name: "due 00:30 waits for 09:00 that day",
        at: "2026-03-02T23:30:00Z",
        goes: "2026-03-03T08:00:00.000Z",
      },
      {
        name: "a campaign's own window (07:00-22:00) replaces the engine's",
        campaign: { policies: { sendWindows: { email: { start: "07:00", end: "22:00" } } } },
        at: "2026-03-02T20:30:00Z",
        goes: "2026-03-02T20:30:00.000Z",
      },
      {
        name: "a campaign's own window, due before it opens",
        campaign: { policies: { sendWindows: { email: { start: "07:00", end: "22:00" } } } },
        at: "2026-03-02T05:00:00Z",
        goes: "2026-03-02T06:00:00.000Z",
      },
      {
        name: "a window that wraps midnight (18:00-02:00): due 01:00 goes",
        campaign: { policies: { sendWindows: { email: { start: "18:00", end: "02:00" } } } },
        at: "2026-03-02T00:00:00Z",
        goes: "2026-03-02T00:00:00.000Z",
      },
      {
        name: "false: the campaign has no window",
        campaign: { policies: { sendWindows: { email: false } } },
        at: "2026-03-02T22:30:00Z",
        goes: "2026-03-02T22:30:00.000Z",
      },
      {
        name: "transactional messages are never held",
        campaign: { kind: "transactional" },
        at: "2026-03-02T22:30:00Z",
        goes: "2026-03-02T22:30:00.000Z",
      },
      {
        name: "spring forward (New York, 8 March): 01:30 EST waits for 09:00 EDT",
        tz: "America/New_York",
        at: "2026-03-08T06:30:00Z",
        goes: "2026-03-08T13:00:00.000Z",
      },
      {
        name: "fall back (New York, 1 November): 01:30 EDT waits for 09:00 EST",
        tz: "America/New_York",
        at: "2026-11-01T05:30:00Z",
        goes: "2026-11-01T14:00:00.000Z",
      },
      {
        name: "a window opening in the spring-forward gap (02:30) opens at the end of the gap (03:00 EDT)",
        tz: "America/New_York",
        campaign: { policies: { sendWindows: { email: { start: "02:30", end: "20:00" } } } },
        at: "2026-03-08T06:10:00Z",
        goes: "2026-03-08T07:00:00.000Z",
      },
    ];
  it.each(cases)("$name", ({ campaign, tz, at, goes }) => {
    const { lines } = runCampaigns([probe(campaign)], [signup(tz ? { timezone: tz } : {}), due(at)]);
    expect(sentAt(lines)).toEqual([[goes, "sent"]]);
    expect(lines[0]!.deferredFrom).toBe(
      goes === new Date(at).toISOString() ? undefined : new Date(at).toISOString(),
    );
  });

  it("an SMS meets both its window and quiet hours: due 07:00 goes when its 10:00-12:00 window opens", () => {
    const sms = probe({ policies: { sendWindows: { sms: { start: "10:00", end: "12:00" } } } }, "sms");
    const { lines } = runCampaigns([sms], [signup(), due("2026-03-02T06:00:00Z")]);
    expect(sentAt(lines)).toEqual([["2026-03-02T09:00:00.000Z", "sent"]]);
  });
});

describe("a message held by its window is judged again when it goes", () => {
  const late = "2026-03-02T21:00:00Z"; // 22:00 Paris: held until 09:00 (08:00Z)
  const cases: {
    name: string;
    campaign?: Partial<CampaignInput>;
    meanwhile: TestEvent[];
    expected: unknown[];
  }[] = [
    {
      name: "nothing changed: sent at 09:00",
      meanwhile: [],
      expected: [["2026-03-03T08:00:00.000Z", "sent"]],
    },
    {
      name: "opted out during the wait: not sent",
      meanwhile: [
        event("consent.updated", "2026-03-03T06:00:00Z", { channel: "email", status: "opted_out" }),
      ],
      expected: [["2026-03-03T08:00:00.000Z", "opted_out"]],
    },
    {
      name: "a support ticket opened during the wait: not sent",
      meanwhile: [event("support.ticket_opened", "2026-03-03T06:00:00Z", { ticketId: "t1" })],
      expected: [["2026-03-03T08:00:00.000Z", "support_ticket_open"]],
    },
    {
      name: "the exit event came during the wait: the journey ends, nothing goes",
      campaign: { exitOn: [{ event: "order.placed" }] },
      meanwhile: [order("2026-03-03T06:00:00Z", "o1")],
      expected: [],
    },
    {
      name: "the cap filled during the wait: suppressed",
      campaign: { policies: { frequencyCap: { max: 1, window: "P7D" } } },
      meanwhile: [due("2026-03-03T07:30:00Z")],
      expected: [
        ["2026-03-03T08:00:00.000Z", "sent"],
        ["2026-03-03T08:00:00.000Z", "frequency_cap"],
      ],
    },
  ];
  it.each(cases)("$name", ({ campaign, meanwhile, expected }) => {
    const { lines } = runCampaigns([probe(campaign)], [signup(), due(late), ...meanwhile]);
    expect(sentAt(lines)).toEqual(expected);
  });
});

describe('"sendTime": "best"', () => {
  // Monday 2 March 10:00 Paris.
  const monday = "2026-03-02T09:00:00Z";
  const cases: {
    name: string;
    channel?: "email" | "sms";
    before: TestEvent[];
    at?: string;
    goes: string;
  }[] = [
    {
      name: "two orders around 18:xx: the best hour is 18, sent 18:00 that day",
      before: [order("2026-02-20T17:30:00Z", "o1"), order("2026-02-21T17:10:00Z", "o2")],
      goes: "2026-03-02T17:00:00.000Z",
    },
    {
      name: "one order is not enough to know it (3 < 4): the default 10:00, which is now",
      before: [order("2026-02-20T17:30:00Z", "o1")],
      goes: "2026-03-02T09:00:00.000Z",
    },
    {
      name: "unknown and due after 10:00-10:59: the default 10:00 the next day",
      before: [],
      at: "2026-03-02T10:00:00Z",
      goes: "2026-03-03T09:00:00.000Z",
    },
    {
      name: "four app opens at 07:xx: best hour 7, moved into the 09:00-20:00 window: 09:00 the next day",
      before: ["05", "06", "07", "08"].map((d) => event("app.opened", `2026-02-${d}T06:15:00Z`)),
      goes: "2026-03-03T08:00:00.000Z",
    },
    {
      name: "two human clicks at 21:xx: best hour 21, the nearest in the window is 19:00",
      before: ["05", "06"].map((d) =>
        event("email.engaged", `2026-02-${d}T20:15:00Z`, { kind: "clicked", likelyMachineClick: false }),
      ),
      goes: "2026-03-02T18:00:00.000Z",
    },
    {
      name: "link-scanner clicks teach nothing: the default",
      before: ["05", "06", "07"].map((d) =>
        event("email.engaged", `2026-02-${d}T20:15:00Z`, { kind: "clicked", likelyMachineClick: true }),
      ),
      goes: "2026-03-02T09:00:00.000Z",
    },
    {
      name: "SMS with a best hour of 23 (in quiet hours 21-08): 20:00",
      channel: "sms",
      before: ["05", "06", "07", "08"].map((d) => event("app.opened", `2026-02-${d}T22:15:00Z`)),
      goes: "2026-03-02T19:00:00.000Z",
    },
    {
      name: "due inside the best hour: at once",
      before: [order("2026-02-20T09:30:00Z", "o1"), order("2026-02-21T09:10:00Z", "o2")],
      at: "2026-03-02T09:20:00Z",
      goes: "2026-03-02T09:20:00.000Z",
    },
  ];
  it.each(cases)("$name", ({ channel = "email", before, at = monday, goes }) => {
    const { lines } = runCampaigns([probe({}, channel, "best")], [signup(), ...before, due(at)]);
    const probeLines = lines.filter((l) => l.campaign === "probe");
    expect(sentAt(probeLines)).toEqual([[goes, "sent"]]);
  });

  it("an opt-out while waiting for the best hour: not sent", () => {
    const { lines } = runCampaigns(
      [probe({}, "email", "best")],
      [
        signup(),
        order("2026-02-20T17:30:00Z", "o1"),
        order("2026-02-21T17:10:00Z", "o2"),
        due(monday),
        event("consent.updated", "2026-03-02T12:00:00Z", { channel: "email", status: "opted_out" }),
      ],
    );
    expect(sentAt(lines)).toEqual([["2026-03-02T17:00:00.000Z", "opted_out"]]);
  });

  it("transactional steps ignore it", () => {
    const { lines } = runCampaigns(
      [probe({ kind: "transactional" }, "email", "best")],
      [signup(), order("2026-02-20T17:30:00Z", "o1"), order("2026-02-21T17:10:00Z", "o2"), due(monday)],
    );
    expect(sentAt(lines)).toEqual([[monday.replace("Z", ".000Z"), "sent"]]);
  });
});

describe("the best hour", () => {
  const stateAfter = (events: [string, string, Record<string, unknown>][]) => {
    const state = emptyCustomerState("c1");
    state.profile.timezone = "Europe/Paris";
    events.forEach(([at, type, detail], i) => {
      applyEvent(
        state,
        {
          id: `e${i}`,
          type,
          at: Date.parse(at),
          source: "t",
          detail: { customerId: "c1", ...detail },
        } as CustomerEvent,
        settings,
      );
    });
    return state;
  };
  const click = (at: string, likelyMachineClick?: boolean): [string, string, Record<string, unknown>] => [
    at,
    "email.engaged",
    { kind: "clicked", ...(likelyMachineClick === undefined ? {} : { likelyMachineClick }) },
  ];
  const open = (at: string): [string, string, Record<string, unknown>] => [at, "app.opened", {}];

  it.each([
    { name: "nothing known", events: [], hour: undefined },
    {
      name: "two clicks at 12:xx local (score 4)",
      events: [click("2026-03-02T11:05:00Z"), click("2026-03-03T11:55:00Z")],
      hour: 12,
    },
    {
      name: "opens don't count as clicks",
      events: [open("2026-03-02T11:05:00Z"), click("2026-03-03T11:55:00Z", true)],
      hour: undefined,
    },
    {
      name: "weights: two clicks at 12 (4) beat three opens at 8 (3)",
      events: [
        click("2026-03-02T11:05:00Z"),
        click("2026-03-03T11:55:00Z"),
        ...["02", "03", "04"].map((d) => open(`2026-03-${d}T07:00:00Z`)),
      ],
      hour: 12,
    },
    {
      name: "ties: the earliest hour",
      events: [click("2026-03-02T15:05:00Z"), click("2026-03-03T11:55:00Z")],
      hour: 12,
    },
  ])("$name", ({ events, hour }) => {
    expect(bestSendHour(stateAfter(events), settings)).toBe(hour);
  });
});

describe("property: every marketing send is inside its window and outside quiet hours", () => {
  const zones = [
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/St_Johns",
  ];
  const clock = fc.integer({ min: 0, max: 23 * 60 + 59 });
  const minutes = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const span = fc
    .tuple(clock, clock)
    .filter(([start, end]) => start !== end)
    .map(([start, end]) => ({ start, end }));
  const inSpan = (minute: number, s: { start: number; end: number }) =>
    s.start <= s.end ? minute >= s.start && minute < s.end : minute >= s.start || minute < s.end;
  const somethingAllowed = (hours: SendHours) => {
    for (let m = 0; m < 1440; m++)
      if ((!hours.window || inSpan(m, hours.window)) && !(hours.quiet && inSpan(m, hours.quiet))) return true;
    return false;
  };
  const allowedAt = (at: number, zone: string, hours: SendHours) => {
    const { minuteOfDay } = localParts(at, zone);
    return (
      (!hours.window || inSpan(minuteOfDay, hours.window)) &&
      !(hours.quiet && inSpan(minuteOfDay, hours.quiet))
    );
  };
  const hoursArb = fc
    .record({ window: fc.option(span, { nil: undefined }), quiet: fc.option(span, { nil: undefined }) })
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as SendHours)
    .filter(somethingAllowed);
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });

  it("nextSendableAt and bestSendAt: allowed, never earlier than due, a best hour within 25 h", () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...zones),
        hoursArb,
        fc.option(fc.integer({ min: 0, max: 23 }), { nil: undefined }),
        (at, zone, hours, bestHour) => {
          const next = nextSendableAt(at, zone, hours);
          expect(next).toBeGreaterThanOrEqual(at);
          expect(allowedAt(next, zone, hours)).toBe(true);
          const best = bestSendAt(at, zone, hours, bestHour, settings);
          expect(best).toBeGreaterThanOrEqual(at);
          expect(allowedAt(best, zone, hours)).toBe(true);
          // A best hour goes within the next 24 h (25 across a fall-back night) when some whole hour may.
          if (bestHour !== undefined && allowedHourNear(bestHour, hours) !== undefined)
            expect(best - at).toBeLessThanOrEqual(25 * HOUR);
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000);

  it("through the engine: random due times, windows and quiet hours", () => {
    fc.assert(
      fc.property(
        fc.array(instant, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...zones),
        span,
        span,
        fc.constantFrom("email" as const, "sms" as const),
        fc.boolean(),
        (times, zone, window, quiet, channel, best) => {
          const hours = { window, quiet };
          fc.pre(somethingAllowed(hours));
          const campaign = probe(
            {
              policies: {
                frequencyCap: false,
                sendWindows: { [channel]: { start: minutes(window.start), end: minutes(window.end) } },
                quietHours: { start: minutes(quiet.start), end: minutes(quiet.end), channels: [channel] },
              },
            },
            channel,
            best ? "best" : undefined,
          );
          const sorted = [...times].sort((a, b) => a - b);
          const { lines } = runCampaigns(
            [campaign],
            [
              // Shortly before the first due time: `simulate` drops events far from the rest of the stream.
              { ...signup({ timezone: zone }), at: new Date((sorted[0] ?? 0) - HOUR).toISOString() },
              ...sorted.map((t) => due(new Date(t).toISOString())),
            ],
          );
          expect(lines).toHaveLength(sorted.length);
          for (const line of lines) {
            expect(line.status).toBe("sent");
            expect(allowedAt(Date.parse(line.at), zone, hours)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe("the worked example of docs/campaign-program.md", () => {
  it("Camille (Paris, orders at 18:40 and 18:10, app opens at 07:30) gets the Monday recommendations at 18:00", () => {
    const lines = messages(
      ["recommendations"],
      [
        signup(),
        order("2026-02-10T17:40:00Z", "o1"),
        order("2026-02-12T17:10:00Z", "o2"),
        ...["25", "26", "27"].map((d) => event("app.opened", `2026-02-${d}T06:30:00Z`)),
        event("product.viewed", "2026-02-27T12:00:00Z", { product: { productId: "p9", brand: "acme" } }),
      ],
      { until: "2026-03-03T00:00:00Z" },
    );
    expect(lines.map((l) => [l.at, l.status, l.deferredFrom])).toEqual([
      ["2026-03-02T17:00:00.000Z", "sent", "2026-03-02T09:00:00.000Z"],
    ]);
  });
});

import fc from "fast-check";
import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { CampaignSchema, type SendStep } from "../../functions/core/config/campaign.ts";
import { judgeSend } from "../../functions/core/policies/judge-send.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import {
  dayNumberInYear,
  inLocalWindow,
  instantOfLocal,
  localDate,
  localParts,
  nextLocalTime,
  offsetMinutes,
} from "../../functions/core/time/local-time.ts";
import { shippedEngineSettings } from "../support/scenario.ts";

const zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata", "UTC"];

describe("local time", () => {
  it("agrees with luxon on wall-clock fields for any instant and zone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...zones),
        (at, zone) => {
          const expected = DateTime.fromMillis(at, { zone });
          const parts = localParts(at, zone);
          expect([parts.year, parts.month, parts.day, parts.hour, parts.weekday]).toEqual([
            expected.year,
            expected.month,
            expected.day,
            expected.hour,
            expected.weekday,
          ]);
          expect(localDate(at, zone)).toBe(expected.toISODate());
        },
      ),
      { numRuns: 500 },
    );
  });

  it("finds the next local 08:00 across a daylight-saving change", () => {
    // Paris springs forward on 2026-03-29: 08:00 is 07:00 UTC before, 06:00 UTC after.
    expect(
      new Date(nextLocalTime(Date.parse("2026-03-28T21:00:00Z"), "Europe/Paris", 480)).toISOString(),
    ).toBe("2026-03-29T06:00:00.000Z");
    expect(
      new Date(nextLocalTime(Date.parse("2026-03-27T21:00:00Z"), "Europe/Paris", 480)).toISOString(),
    ).toBe("2026-03-28T07:00:00.000Z");
  });

  it("returns `at` itself when the local time is exactly it", () => {
    const at = Date.parse("2026-05-01T08:00:00Z");
    expect(nextLocalTime(at, "UTC", 480)).toBe(at);
  });

  it("maps a local day and minute to an instant that reads back the same", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 18_000, max: 22_000 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.constantFrom(...zones),
        (day, minute, zone) => {
          const at = instantOfLocal(day, minute, zone);
          const parts = localParts(at, zone);
          // A minute that does not exist (skipped by a spring-forward) lands within the hour after.
          if (parts.dayNumber === day && parts.minuteOfDay === minute) return;
          expect(parts.dayNumber).toBe(day);
          expect(parts.minuteOfDay - minute).toBeLessThanOrEqual(60);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("handles windows that wrap midnight", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(inLocalWindow(at("2026-01-10T22:30:00Z"), "UTC", 21 * 60, 8 * 60)).toBe(true);
    expect(inLocalWindow(at("2026-01-10T07:59:00Z"), "UTC", 21 * 60, 8 * 60)).toBe(true);
    expect(inLocalWindow(at("2026-01-10T08:00:00Z"), "UTC", 21 * 60, 8 * 60)).toBe(false);
    expect(inLocalWindow(at("2026-01-10T20:59:00Z"), "UTC", 21 * 60, 8 * 60)).toBe(false);
  });

  it("moves 29 February to 28 February in other years", () => {
    expect(dayNumberInYear(2027, 2, 29)).toBe(dayNumberInYear(2027, 2, 28));
    expect(dayNumberInYear(2028, 2, 29)).toBe(dayNumberInYear(2028, 2, 28) + 1);
  });
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("quiet hours that end in a daylight-saving gap", () => {
  // New York springs forward on 2026-03-08: 02:00 EST is 03:00 EDT, 02:30 does not exist that night.
  const campaign = CampaignSchema.parse({
    id: "probe",
    name: "Probe",
    kind: "marketing",
    triggers: [{ type: "event", event: "app.opened" }],
    steps: [{ id: "send", type: "send", channel: "sms", template: "t" }],
    templates: { t: { body: "Hi" } },
  });
  const state = emptyCustomerState("c1");
  state.profile.phone = "+12125550123";
  state.consent.sms = "opted_in";
  const config = {
    ...shippedEngineSettings(),
    quietHours: { start: "21:00", end: "02:30", channels: ["sms" as const] },
  };

  it("defers to the end of the gap, then sends: every deferral moves forward", () => {
    let now = Date.parse("2026-03-08T06:00:00Z"); // 01:00 EST, inside quiet hours
    const deferrals: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const verdict = judgeSend({
        state,
        campaign,
        step: campaign.steps[0] as SendStep,
        now,
        zone: "America/New_York",
        settings: config,
      });
      if (verdict.outcome !== "defer") break;
      expect(verdict.until).toBeGreaterThan(now);
      now = verdict.until;
      deferrals.push(new Date(now).toISOString());
    }
    // 03:00 EDT, the first instant whose local clock reads 02:30 or later.
    expect(deferrals).toEqual(["2026-03-08T07:00:00.000Z"]);
  });
});

type Transition = { at: number; before: number; after: number };

/** Instants of 2026-2030 at which the zone's offset changes, found with luxon week by week, then to the millisecond. */
function transitionsOf(zone: string): Transition[] {
  const iana = IANAZone.create(zone);
  const found: Transition[] = [];
  const end = Date.UTC(2031, 0, 1);
  let previous = Date.UTC(2026, 0, 1);
  let previousOffset = iana.offset(previous);
  for (let at = previous + 7 * DAY; at <= end; at += 7 * DAY) {
    const offset = iana.offset(at);
    if (offset !== previousOffset) {
      let low = previous;
      let high = at;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (iana.offset(middle) === previousOffset) low = middle;
        else high = middle;
      }
      found.push({ at: high, before: previousOffset, after: offset });
    }
    previous = at;
    previousOffset = offset;
  }
  return found;
}

/**
 * What nextLocalTime must answer, from the transition luxon found: the first instant at or after
 * `at` whose local clock reads `minuteOfDay`, or, where the transition skips that reading, the
 * instant of the transition. (No other transition lies within days of it.)
 */
function expectedNext(at: number, minuteOfDay: number, transition: Transition): number {
  const wallAt = (t: number) => t + (t < transition.at ? transition.before : transition.after) * MINUTE;
  const startDay = Math.floor(wallAt(at) / DAY);
  const candidates: number[] = [];
  for (let day = startDay - 1; day <= startDay + 2; day++) {
    const wall = day * DAY + minuteOfDay * MINUTE;
    const readings = [transition.before, transition.after]
      .map((offset) => wall - offset * MINUTE)
      .filter((t) => wallAt(t) === wall);
    if (readings.length > 0) candidates.push(...readings);
    else if (wallAt(transition.at - 1) < wall && wallAt(transition.at) >= wall)
      candidates.push(transition.at);
  }
  return Math.min(...candidates.filter((t) => t >= at));
}

describe("next local time in every IANA zone across the daylight-saving changes of 2026-2030", () => {
  it("moves strictly forward, reads the requested time (or the end of a gap) and agrees with luxon", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const zone of Intl.supportedValuesOf("timeZone")) {
      for (const transition of transitionsOf(zone)) {
        const wallBefore = Math.floor(((transition.at + transition.before * MINUTE) % DAY) / MINUTE);
        const wallAfter = Math.floor(((transition.at + transition.after * MINUTE) % DAY) / MINUTE);
        const middle = Math.floor((wallBefore + wallAfter) / 2);
        for (const around of [wallBefore - 1, wallBefore, middle, wallAfter - 1, wallAfter, wallAfter + 1]) {
          const minute = (around + 1440) % 1440;
          for (const from of [-HOUR, -1, 0, 1]) {
            const at = transition.at + from;
            const next = nextLocalTime(at, zone, minute);
            // Asking again from just after moves on, at most two days later.
            const again = nextLocalTime(next + 1, zone, minute);
            const expected = expectedNext(at, minute, transition);
            if (next !== expected || again <= next || again - next > 2 * DAY)
              failures.push(
                `${zone} from ${new Date(at).toISOString()} minute ${minute}: ${next} then ${again}, expected ${expected}`,
              );
            checked++;
          }
        }
      }
      for (const at of [Date.UTC(2026, 3, 1, 16, 45), Date.UTC(2028, 9, 1, 5, 45)])
        if (offsetMinutes(zone, at) !== IANAZone.create(zone).offset(at))
          failures.push(`${zone} offset at ${at}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });

  it("agrees with luxon on the offset at every minute around the transitions of half-hour zones", () => {
    for (const zone of ["Australia/Adelaide", "America/St_Johns", "Australia/Lord_Howe"])
      for (const { at } of transitionsOf(zone))
        for (let t = at - 2 * HOUR; t <= at + 2 * HOUR; t += MINUTE)
          expect(offsetMinutes(zone, t), `${zone} ${new Date(t).toISOString()}`).toBe(
            IANAZone.create(zone).offset(t),
          );
  });
});

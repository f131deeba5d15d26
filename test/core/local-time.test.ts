import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  dayNumberInYear,
  inLocalWindow,
  instantOfLocal,
  localDate,
  localParts,
  nextLocalTime,
} from "../../functions/core/time/local-time.ts";

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

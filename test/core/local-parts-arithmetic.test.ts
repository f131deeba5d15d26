import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localParts, offsetMinutes } from "../../functions/core/time/local-time.ts";

const zones = [
  "Europe/Paris",
  "America/New_York",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "UTC",
];

/** What localParts read from a Date shifted to the wall clock, before it was computed by arithmetic. */
function fromDate(at: number, zone: string) {
  const shifted = new Date(at + offsetMinutes(zone, at) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
    dayNumber: Math.floor(shifted.getTime() / 86_400_000),
  };
}

describe("localParts by arithmetic", () => {
  it("reads the same fields as a Date, for any instant a Date holds (and NaN beyond)", () => {
    const instant = fc.oneof(
      fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
      fc.integer({ min: -8.64e15 - 1e9, max: 8.64e15 + 1e9 }),
      fc.double({ min: -1e13, max: 1e13, noNaN: true }),
      fc.constantFrom(
        0,
        -1,
        -0.5,
        0.5,
        951_782_400_000,
        4_107_542_400_000,
        -62_135_596_800_001,
        -8.64e15 - 1e8,
      ),
    );
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        expect(localParts(at, zone)).toEqual(fromDate(at, zone));
      }),
      { numRuns: 20_000 },
    );
  });

  it("every day of 400 years (a whole Gregorian cycle) and its leap days", () => {
    for (let day = -200 * 366; day < 200 * 366; day++) {
      const at = day * 86_400_000 + 12 * 3_600_000;
      expect(localParts(at, "UTC")).toEqual(fromDate(at, "UTC"));
    }
  });
});

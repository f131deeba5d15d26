import fc from "fast-check";
import { IANAZone } from "luxon";
import { expect, it } from "vitest";
import { zoneOffsetMinutes } from "../../functions/core/time/zone-offset.ts";

// Every zone Intl knows, a few names it does not, and instants from before 1900 to past 2100 (the
// 0-99 years Date.UTC misreads, eras BC, half-hour and quarter-hour zones, every DST rule in between).
const zones = [
  ...Intl.supportedValuesOf("timeZone"),
  "UTC",
  "Etc/GMT+12",
  "Fantasia/Castle",
  "",
  "not a zone",
];
const instants = fc.oneof(
  fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2110, 0, 1) }),
  fc.integer({ min: -62_198_755_200_000, max: -59_011_459_200_000 }), // years -1 to 99
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1),
);

it("gives luxon's IANAZone offset for any zone and instant (NaN for an unknown zone)", () => {
  fc.assert(
    fc.property(fc.constantFrom(...zones), instants, (zone, at) => {
      expect(zoneOffsetMinutes(zone, at)).toBe(IANAZone.create(zone).offset(at));
    }),
    { numRuns: 5_000 },
  );
});

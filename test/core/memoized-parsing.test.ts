import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clockTimeToMinutes } from "../../functions/core/config/duration-values.ts";
import { DAY, dayNumberOfDate } from "../../functions/core/time/local-time.ts";

const twoDigits = (n: number) => String(n).padStart(2, "0");

describe("memoized parsing (the sweeps' clock times and profile dates)", () => {
  it("gives what parsing each time gives, asked once or again, past the memo's size", () => {
    const clock = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${twoDigits(h)}:${twoDigits(m)}`),
      fc.string(),
    );
    const date = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 1, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
        )
        .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${twoDigits(m)}-${twoDigits(d)}`),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(clock, date), { minLength: 1, maxLength: 2_000 }), (pairs) => {
        for (const [text, day] of [...pairs, ...pairs]) {
          const [hours, minutes] = text.split(":").map(Number);
          expect(clockTimeToMinutes(text)).toBe((hours ?? 0) * 60 + (minutes ?? 0));
          expect(dayNumberOfDate(day)).toBe(Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY));
        }
      }),
      { numRuns: 20 },
    );
  }, 60_000);
});

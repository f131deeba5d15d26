import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catchUpFrom, dueAtToFile, filedInPast } from "../../functions/use-cases/sweep.ts";
import { claimsFrom } from "../../functions/use-cases/sweep-claims.ts";

const HOUR = 3_600_000;
const MAX_CATCH_UP_HOURS = 48;
const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;

/**
 * One customer through hours of writes and hourly sweeps, modelled with the rules the store and the sweep
 * use: each write files dueAtToFile(filed, true due time, hour); a sweep reads the index's hours from
 * catchUpFrom(its hour, last completed sweep) and refiles a customer it finds nothing for once
 * filedInPast. The customer's schedule is a list of occurrences (its true due time at an hour: the first
 * one at or after it), replaced by each write; a sweep that decides one uses it up.
 */
type Write = { minute: number; occurrences: number[] };
type Schedule = { writes: (readonly Write[])[]; outages: { start: number; hours: number }[] };

const write: fc.Arbitrary<Write> = fc.record({
  minute: fc.integer({ min: 1, max: 59 }),
  // Occurrences as offsets in minutes from the write's hour: the same hour up to two days on.
  occurrences: fc.array(fc.integer({ min: 0, max: 48 * 60 }), { maxLength: 4 }),
});
const HOURS = 120;
const schedule: fc.Arbitrary<Schedule> = fc.record({
  // Most hours write nothing, so a customer stays filed for a while.
  writes: fc.array(
    fc.oneof(
      { arbitrary: fc.constant([]), weight: 5 },
      { arbitrary: fc.array(write, { minLength: 1, maxLength: 2 }), weight: 1 },
    ),
    { minLength: HOURS, maxLength: HOURS },
  ),
  // Outages shorter than the window's cap (an outage longer than it is for the backfill).
  outages: fc.array(
    fc.record({
      start: fc.integer({ min: 0, max: HOURS }),
      hours: fc.integer({ min: 1, max: MAX_CATCH_UP_HOURS - 3 }),
    }),
    { maxLength: 3 },
  ),
});

function run({ writes, outages }: Schedule): { readWhenDue: boolean; neverLate: boolean } {
  const start = Date.parse("2026-03-01T00:00:00Z");
  let occurrences: number[] = [];
  let filed: number | undefined;
  let lastSwept: number | undefined;
  let readWhenDue = true;
  let neverLate = true;
  const trueDue = (hour: number) => occurrences.find((at) => at >= hour) ?? hour + 400 * 24 * HOUR;
  const down = (h: number) => outages.some((o) => h >= o.start && h < o.start + o.hours);
  writes.forEach((hourWrites, h) => {
    const hour = start + h * HOUR;
    if (!down(h)) {
      const from = catchUpFrom(hour, lastSwept, MAX_CATCH_UP_HOURS);
      const read = filed !== undefined && hourOf(filed) >= from && hourOf(filed) <= hour;
      const due = occurrences.filter((at) => hourOf(at) === hour);
      if (due.length > 0 && !read) readWhenDue = false;
      if (read && due.length > 0) {
        occurrences = occurrences.filter((at) => hourOf(at) !== hour);
        filed = dueAtToFile(filed, trueDue(hour), hour);
      } else if (read && filed !== undefined && filedInPast(filed, hour)) filed = trueDue(hour);
      lastSwept = Math.max(lastSwept ?? hour, hour);
    }
    for (const write of hourWrites) {
      occurrences = write.occurrences.map((minutes) => hour + minutes * 60_000).sort((a, b) => a - b);
      filed = dueAtToFile(filed, trueDue(hour), hour);
      if (filed === undefined || filed > trueDue(hour)) neverLate = false;
    }
  });
  return { readWhenDue, neverLate };
}

describe("filing the due time early and sweeping from the last completed sweep", () => {
  it("files no customer later than due, and every sweep of an hour something is due in reads the customer, outages included", () => {
    fc.assert(
      fc.property(schedule, (generated) => {
        const { readWhenDue, neverLate } = run(generated);
        expect(neverLate).toBe(true);
        expect(readWhenDue).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps the filed time while it is early enough, else files the new one", () => {
    const hour = Date.parse("2026-03-01T10:00:00Z");
    expect(dueAtToFile(hour + HOUR, hour + 5 * HOUR, hour)).toBe(hour + HOUR);
    // Moved earlier: the new one.
    expect(dueAtToFile(hour + 5 * HOUR, hour + HOUR, hour)).toBe(hour + HOUR);
    // Filed under an hour that has passed: the new one.
    expect(dueAtToFile(hour - 1, hour + 5 * HOUR, hour)).toBe(hour + 5 * HOUR);
    // Nothing due (no swept campaign, empty outbox): out of the index.
    expect(dueAtToFile(hour + HOUR, undefined, hour)).toBeUndefined();
  });

  it("the claims' sweep reads each claim's lapse once, after it has passed, outages included", () => {
    fc.assert(
      fc.property(
        schedule,
        fc.array(fc.integer({ min: 0, max: HOURS * 60 - 1 }), { maxLength: 20 }),
        ({ outages }, lapseMinutes) => {
          const start = Date.parse("2026-03-01T00:00:00Z");
          const lapses = lapseMinutes.map((minutes) => start + minutes * 60_000);
          const reads = new Map<number, number[]>(lapses.map((at) => [at, []]));
          let lastSwept: number | undefined = start - HOUR;
          const down = (h: number) => outages.some((o) => h >= o.start && h < o.start + o.hours);
          for (let h = 0; h <= HOURS; h++) {
            if (down(h)) continue;
            const hour = start + h * HOUR;
            // Outages that add up to more than the window are for the backfill.
            fc.pre(hour - (lastSwept as number) <= MAX_CATCH_UP_HOURS * HOUR);
            const from = claimsFrom(hour, lastSwept, MAX_CATCH_UP_HOURS);
            for (const [at, hours] of reads) if (at >= from && at < hour) hours.push(hour);
            lastSwept = hour;
          }
          const lastHour = lastSwept;
          for (const [at, hours] of reads) {
            if (at >= lastHour) continue; // lapses after the last sweep: the next one's
            expect(hours).toHaveLength(1);
            expect(hours[0]).toBeGreaterThan(at);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reads the claims lapsed since the last completed sweep, at most the cap", () => {
    const hour = Date.parse("2026-03-02T10:00:00Z");
    expect(claimsFrom(hour, hour - HOUR, 48)).toBe(hour - HOUR);
    // A late retry of an hour swept already reads none again.
    expect(claimsFrom(hour, hour, 48)).toBe(hour);
    expect(claimsFrom(hour, hour - 5 * HOUR, 48)).toBe(hour - 5 * HOUR);
    expect(claimsFrom(hour, hour - 100 * HOUR, 48)).toBe(hour - 48 * HOUR);
    expect(claimsFrom(hour, undefined, 48)).toBe(hour - 48 * HOUR);
  });

  it("reads the two hours before this one after a normal hour, from the hour before the last completed sweep after an outage, at most the cap", () => {
    const hour = Date.parse("2026-03-02T10:00:00Z");
    expect(catchUpFrom(hour, hour - HOUR, 48)).toBe(hour - 2 * HOUR);
    expect(catchUpFrom(hour, hour, 48)).toBe(hour - 2 * HOUR);
    expect(catchUpFrom(hour, hour - 5 * HOUR, 48)).toBe(hour - 6 * HOUR);
    expect(catchUpFrom(hour, hour - 100 * HOUR, 48)).toBe(hour - 48 * HOUR);
    expect(catchUpFrom(hour, undefined, 48)).toBe(hour - 48 * HOUR);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition } from "../../functions/core/config/condition.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { conditionTimes } from "../../functions/core/engine/due.ts";
import { scopeAt } from "../../functions/core/engine/journeys.ts";
import { holds } from "../../functions/core/rules/conditions.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";

const settings = shippedEngineSettings();
const compiled = compileCampaigns([shippedCampaign("personal-offers")], settings);
const DAY = 86_400_000;
const FROM = Date.parse("2026-06-01T00:00:00Z");

const spendConditions: Condition[] = [
  { path: "traits.spendCohort", op: "in", value: ["silver", "gold"] },
  { path: "traits.spendCohort", op: "eq", value: "bronze" },
  { path: "traits.spendCohort", op: "notIn", value: ["new"] },
] as Condition[];

const history = fc.array(
  fc.tuple(
    fc.integer({ min: FROM - 400 * DAY, max: FROM }),
    fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.double({ min: 0, max: 3000, noNaN: true })),
  ),
  { maxLength: 100 },
);

function readingOf(spendHistory: [number, number][], reads: { count: number }) {
  const state = emptyCustomerState("c1");
  state.orders.spendHistory = spendHistory.sort((a, b) => a[0] - b[0]);
  const accumulator = { compiled, state, decisions: [] };
  return {
    read: (at: number) => {
      reads.count++;
      return scopeAt(accumulator, at);
    },
    from: FROM,
    zone: "America/New_York",
    state,
    settings,
    window: settings.traits.spendWindow,
  };
}

/** The times a spend condition holds, judged at every instant an order enters or leaves the window. */
function judgedAtEveryBreakpoint(condition: Condition, reading: ReturnType<typeof readingOf>): number[][] {
  const points = new Set<number>();
  for (const [at] of reading.state.orders.spendHistory)
    for (const point of [at, at + settings.traits.spendWindow]) if (point > FROM) points.add(point);
  const starts = [FROM, ...[...points].sort((a, b) => a - b)];
  const spans: number[][] = [];
  starts.forEach((start, i) => {
    if (!holds(condition, reading.read(start))) return;
    const end = starts[i + 1] ?? Number.POSITIVE_INFINITY;
    const last = spans.at(-1);
    if (last && last[1] === start) last[1] = end;
    else spans.push([i === 0 ? Number.NEGATIVE_INFINITY : start, end]);
  });
  return spans;
}

describe("the due-time search on spend conditions", () => {
  it("finds the same times as judging the condition at every order entering or leaving the window", () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...spendConditions), (spendHistory, condition) => {
        const reads = { count: 0 };
        const reading = readingOf(spendHistory, reads);
        expect(conditionTimes(condition, reading)).toEqual({
          spans: judgedAtEveryBreakpoint(condition, reading),
          exact: true,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("judges the condition once per spend cohort, not once per order (the search ran per order per customer)", () => {
    const spendHistory: [number, number][] = Array.from({ length: 60 }, (_, i) => [
      FROM - 300 * DAY + i * DAY,
      40,
    ]);
    const reads = { count: 0 };
    conditionTimes(spendConditions[0]!, readingOf(spendHistory, reads));
    // new, bronze, silver: three cohorts over the 60 orders leaving the window one by one.
    expect(reads.count).toBeLessThanOrEqual(4);
  });
});

import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validStream } from "../support/random-stream.ts";
import { CAMPAIGNS_DIR, runScenario, type TestEvent, toJsonLines } from "../support/scenario.ts";

const allCampaigns = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => file.replace(/\.json$/, ""));

const START = Date.parse("2026-03-02T00:00:00Z");
const HOUR = 3_600_000;

/** The stream with every event moved onto one of a few instants: many customers, and the catalog, at once. */
const crowdedStream = fc
  .tuple(validStream, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }))
  .map(([events, slots]): TestEvent[] =>
    events.map((event, i) => ({
      ...event,
      at: new Date(
        event.type === "customer.signed_up" ? START - HOUR : START + slots[i]! * 20 * HOUR,
      ).toISOString(),
    })),
  );

function output(lines: string[]) {
  const { lines: messages, report } = runScenario(allCampaigns, lines, { until: "2026-04-15T00:00:00Z" });
  return {
    messages,
    events: report.events,
    duplicates: report.duplicates,
    customers: report.customers,
    summary: report.summary.format(),
  };
}

describe("engage simulate does not depend on the order in which events are delivered", () => {
  it("gives the same output for any order of lines with same-instant events of different customers and repeats", () => {
    fc.assert(
      fc.property(
        crowdedStream,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (events, picks, seeds) => {
          const lines = toJsonLines(events);
          const delivered = [...lines, ...picks.map((p) => lines[p % lines.length]!)];
          // A deterministic shuffle (Fisher-Yates) driven by the generated seeds.
          const shuffled = [...delivered];
          const random = seeds[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = random.next().value! % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(output(shuffled)).toEqual(output(delivered));
        },
      ),
      { numRuns: 40 },
    );
  });
});

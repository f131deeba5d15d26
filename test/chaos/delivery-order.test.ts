import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../examples/shop-stream.ts";
import { CAMPAIGNS_DIR, runScenario } from "../support/scenario.ts";
import { chaosStream } from "./chaos-stream.ts";

const CAMPAIGN_IDS = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => basename(file, ".json"));
const UNTIL = "2026-04-10T00:00:00Z";

/**
 * The sample shop for a few customers with every event time rounded down to the hour, so that many
 * events (of one customer, and of different customers) share an instant: the ties the order must
 * not decide.
 */
function tiedLines(): string[] {
  return chaosStream(40, 14).map(({ envelope }) => {
    const at = Date.parse(envelope.time);
    const time = Number.isNaN(at) ? envelope.time : new Date(at - (at % 3_600_000)).toISOString();
    return JSON.stringify({ ...envelope, time });
  });
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe("engage simulate and the order of delivery", () => {
  const lines = tiedLines();
  const expected = runScenario(CAMPAIGN_IDS, lines, { until: UNTIL }).lines;

  it("has ties to break: events of different customers at the same instant", () => {
    const instants = new Map<string, Set<string>>();
    for (const line of lines) {
      const { time, detail } = JSON.parse(line) as { time: string; detail?: { customerId?: string } };
      instants.set(time, (instants.get(time) ?? new Set()).add(detail?.customerId ?? ""));
    }
    expect([...instants.values()].filter((customers) => customers.size > 1).length).toBeGreaterThan(10);
    expect(expected.length).toBeGreaterThan(0);
  });

  for (const seed of [1, 2, 3])
    it(`writes the same messages whatever the order of the lines (shuffle ${seed})`, () => {
      expect(runScenario(CAMPAIGN_IDS, shuffled(lines, seed), { until: UNTIL }).lines).toEqual(expected);
    });

  it("writes the same messages for the lines in reverse order", () => {
    expect(runScenario(CAMPAIGN_IDS, [...lines].reverse(), { until: UNTIL }).lines).toEqual(expected);
  });
});

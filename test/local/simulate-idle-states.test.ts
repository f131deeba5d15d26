import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateShopStream } from "../../examples/shop-stream.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { type SimulationOptions, simulate } from "../../local/simulator.ts";
import { CAMPAIGNS_DIR, shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";

const campaignIds = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => file.replace(/\.json$/, ""));
const compiled = compileCampaigns(campaignIds.map(shippedCampaign), shippedEngineSettings());
const lines = generateShopStream({ seed: 3, customers: 40, days: 60, anomalies: false }).map((e) =>
  JSON.stringify(e),
);

function run(options: SimulationOptions) {
  const out: string[] = [];
  const states = new Map<string, CustomerState>();
  let activeAtEnd = -1;
  const report = simulate(compiled, lines, {
    ...options,
    states,
    onMessage: (line) => out.push(formatMessageLine(line)),
    onEnd: () => {
      activeAtEnd = states.size;
    },
  });
  return { out, summary: report.summary.format(), states, activeAtEnd, customers: report.customers };
}

describe("the simulator keeps idle customers' states serialized", () => {
  it("sends what it sends with every state kept as objects, and gives every state back in order", () => {
    const objects = run({ idleAfter: Number.POSITIVE_INFINITY });
    const everyHour = run({ idleAfter: 0 });
    const byDefault = run({});
    expect(objects.out.length).toBeGreaterThan(100);
    for (const idle of [everyHour, byDefault]) {
      expect(idle.out).toEqual(objects.out);
      expect(idle.summary).toEqual(objects.summary);
      expect([...idle.states.keys()]).toEqual([...objects.states.keys()]);
      expect(JSON.stringify([...idle.states.values()])).toEqual(JSON.stringify([...objects.states.values()]));
    }
  }, 120_000);

  it("holds as objects only the customers touched in the last day at the end of the run", () => {
    const { activeAtEnd, customers, states } = run({});
    expect(customers).toBeGreaterThan(20);
    // The run goes on 30 days after the last event: by then only those a sweep or a journey step
    // touched in the last day are objects.
    expect(activeAtEnd).toBeGreaterThanOrEqual(0);
    expect(activeAtEnd).toBeLessThan(customers / 4);
    expect(states.size).toBe(customers);
  }, 120_000);
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateShopStream } from "../../examples/shop-stream.ts";
import { CAMPAIGNS_DIR, runScenario } from "../support/scenario.ts";

const SAMPLE = join(import.meta.dirname, "..", "..", "examples", "shop.jsonl");
const campaignIds = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => file.replace(/\.json$/, ""));

describe("the sample shop of npm start", () => {
  const lines = readFileSync(SAMPLE, "utf8").trimEnd().split("\n");

  it("is what the generator makes with its defaults (npm run examples regenerates it)", () => {
    expect(lines).toEqual(generateShopStream().map((envelope) => JSON.stringify(envelope)));
  });

  it("makes every one of the 29 campaigns send, and reports the bad lines", () => {
    const { lines: messages, report } = runScenario(campaignIds, lines);
    const sentBy = new Map<string, number>();
    for (const line of messages)
      if (line.status === "sent") sentBy.set(line.campaign, (sentBy.get(line.campaign) ?? 0) + 1);
    expect(campaignIds).toHaveLength(29);
    expect(campaignIds.filter((id) => !sentBy.has(id))).toEqual([]);
    expect(report.rejected).toHaveLength(5);
    expect(report.duplicates).toBe(4);
    expect([...report.ignored.values()].reduce((a, b) => a + b, 0)).toBe(5);
    // The whole sample shop: about 30 s on a loaded machine.
  }, 180_000);
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { simulate } from "../../local/simulator.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";

const SHOP = join(import.meta.dirname, "..", "..", "examples", "shop.jsonl");

/**
 * The sample shop's events before `before` for the customers whose id sorts below `customerBelow`,
 * with the catalog events of that time: a small stream with journeys, fan-outs and sweeps in it.
 */
export function shopSubset(before: string, customerBelow: string): string[] {
  return readFileSync(SHOP, "utf8")
    .split("\n")
    .filter((line) => {
      if (line.trim() === "") return false;
      const envelope = JSON.parse(line) as { time: string; detail: { customerId?: string } };
      return envelope.time < before && (envelope.detail.customerId ?? "") < customerBelow;
    });
}

/** What `engage simulate` writes for the stream up to `until`, one JSON line per message, sorted. */
export function simulatedLines(lines: string[], until: string): string[] {
  const { campaigns, settings } = loadCampaignDirectory(CAMPAIGNS_DIR);
  const out: string[] = [];
  simulate(compileCampaigns(campaigns, settings), lines, {
    until: Date.parse(until),
    onMessage: (line) => out.push(formatMessageLine(line)),
  });
  return out.sort();
}

/**
 * The runtime's lines against simulate's: those simulate has and the runtime does not, and the other
 * way round. Both sweep every hour over the customers due (local/simulated-sweep.ts), so none is excused.
 */
export function compareWithSimulate(received: string[], expected: string[]) {
  const receivedSet = new Set(received);
  const expectedSet = new Set(expected);
  return {
    missing: expected.filter((line) => !receivedSet.has(line)),
    unexplained: received.filter((line) => !expectedSet.has(line)),
  };
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { loadCampaignSummaries, sweptCampaignIds } from "../../infra/campaign-config.ts";
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
 * The runtime's lines against simulate's. One known difference of model, left visible: the AWS
 * sweep runs hourly, the simulator's sweep once a day at 00:00 UTC over the customers that exist
 * then (local/simulated-sweep.ts), so a scheduled occurrence later on the UTC day a customer first
 * appears is sent (or suppressed) by the runtime only. Everything else must be the same lines.
 */
export function compareWithSimulate(received: string[], expected: string[], lines: string[]) {
  const scheduled = new Set(sweptCampaignIds(loadCampaignSummaries(CAMPAIGNS_DIR)));
  const firstDay = new Map<string, string>();
  for (const line of lines) {
    const envelope = JSON.parse(line) as { time: string; detail: { customerId?: string } };
    const id = envelope.detail.customerId;
    if (id && !firstDay.has(id)) firstDay.set(id, envelope.time.slice(0, 10));
  }
  const expectedSet = new Set(expected);
  const onlyInRuntime = received.filter((line) => !expectedSet.has(line));
  const sweepOnFirstDay = onlyInRuntime.filter((text) => {
    const line = JSON.parse(text) as { at: string; campaign: string; customerId: string };
    return scheduled.has(line.campaign) && firstDay.get(line.customerId) === line.at.slice(0, 10);
  });
  return {
    missing: expected.filter((line) => !received.includes(line)),
    unexplained: onlyInRuntime.filter((line) => !sweepOnFirstDay.includes(line)),
    sweepOnFirstDay,
  };
}

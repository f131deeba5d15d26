// What each hourly sweep's wake of a customer decided, on a whole stream: the simulator files customers
// under nextDueAt as the AWS due-time index does, so a wake that decides nothing is a due time filed too
// early (on AWS, a read and a refile or a whole-item write for nothing). Each wake is counted once per
// customer-hour, by what its campaigns decided: a message sent or suppressed (with the reason), a
// journey started only to wait (a workflow), or started and completed with no message.
// `node --import tsx bench/sweep-wakes.ts [stream.jsonl]` (default examples/shop.jsonl, about 20 s).
import { join } from "node:path";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import { compileCampaigns } from "../functions/core/engine/compile.ts";
import type { Decision } from "../functions/core/engine/decisions.ts";
import { streamFromFile } from "../local/event-source.ts";
import { SimulatedSweep } from "../local/simulated-sweep.ts";
import { simulate } from "../local/simulator.ts";

const root = join(import.meta.dirname, "..");
const file = process.argv[2] ?? join(root, "examples", "shop.jsonl");
const { campaigns, settings } = loadCampaignDirectory(join(root, "campaigns"));
const compiled = compileCampaigns(campaigns, settings);

/** What a decision says of the wake: the journey's start is implied by the rest, so it is left out. */
function label(decision: Decision): string | undefined {
  if (decision.type === "message")
    return `${decision.line.campaign}: ${decision.line.status}${decision.line.reason ? ` ${decision.line.reason}` : ""}`;
  if (decision.type === "wake") return "workflow wait";
  if (decision.type === "journey" && decision.change !== "started") return `journey ${decision.change}`;
  return undefined;
}

function customerOf(decision: Decision): string {
  return decision.type === "message" ? decision.line.customerId : decision.customerId;
}

const wakes = new Map<string, number>();
let total = 0;
const run = SimulatedSweep.prototype.run;
SimulatedSweep.prototype.run = function (this: SimulatedSweep, hour, apply) {
  const before = this.swept;
  const decided = new Map<string, Set<string>>();
  run.call(this, hour, (decisions) => {
    for (const decision of decisions) {
      const id = customerOf(decision);
      const labels = decided.get(id) ?? new Set<string>();
      const text = label(decision);
      if (text) labels.add(text);
      decided.set(id, labels);
    }
    apply(decisions);
  });
  const woken = this.swept - before;
  total += woken;
  const nothing = woken - decided.size;
  if (nothing > 0) wakes.set("nothing decided", (wakes.get("nothing decided") ?? 0) + nothing);
  for (const labels of decided.values()) {
    // A journey that completes after its message says nothing more than the message.
    const key =
      [...labels]
        .filter((l) => labels.size === 1 || l !== "journey completed")
        .sort()
        .join(" + ") || "journey started";
    wakes.set(key, (wakes.get(key) ?? 0) + 1);
  }
};

const report = simulate(compiled, streamFromFile(file));
console.log(
  JSON.stringify(
    {
      events: report.events,
      customers: report.customers,
      wakes: total,
      byOutcome: Object.fromEntries([...wakes].sort((a, b) => b[1] - a[1])),
    },
    null,
    1,
  ),
);

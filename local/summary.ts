import { type CampaignCount, campaignCounts } from "../functions/core/engine/campaign-counts.ts";
import type { Decision } from "../functions/core/engine/decisions.ts";
import { formatTable } from "./text-table.ts";

export type CampaignCounts = {
  triggered: number;
  sent: number;
  suppressed: Record<string, number>;
  exited: number;
  conversions: number;
  /** Journeys a live edit ended (campaign changed, disabled or deleted), by reason. */
  stopped: Record<string, number>;
};

/** Per-campaign counts of what the engine decided, for the simulator's summary table. */
export class CampaignSummary {
  readonly byCampaign = new Map<string, CampaignCounts>();

  constructor(campaignIds: Iterable<string>) {
    for (const id of [...campaignIds].sort()) this.byCampaign.set(id, emptyCounts());
  }

  /** Counted as the metrics count them on AWS (campaignCounts); Failed has no column here. */
  record(decision: Decision): void {
    for (const count of campaignCounts([decision])) this.add(count);
  }

  /** One count as a handler reports it (RuntimeDeps.count), for a summary of a live runtime. */
  count(count: CampaignCount): void {
    this.add(count);
  }

  format(): string {
    const rows = [["campaign", "triggered", "sent", "suppressed", "exited", "conversions", "stopped"]];
    for (const [id, c] of this.byCampaign) {
      const suppressed = byReason(c.suppressed);
      rows.push([
        id,
        String(c.triggered),
        String(c.sent),
        suppressed || "-",
        String(c.exited),
        String(c.conversions),
        byReason(c.stopped) || "-",
      ]);
    }
    return formatTable(rows);
  }

  private add({ name, campaign, reason }: CampaignCount): void {
    const counts = this.countsOf(campaign);
    if (name === "Triggered") counts.triggered++;
    else if (name === "Sent") counts.sent++;
    else if (name === "Suppressed") {
      const why = reason ?? "unknown";
      counts.suppressed[why] = (counts.suppressed[why] ?? 0) + 1;
    } else if (name === "Exited") counts.exited++;
    else if (name === "Converted") counts.conversions++;
    else if (name === "Stopped") {
      const why = reason ?? "unknown";
      counts.stopped[why] = (counts.stopped[why] ?? 0) + 1;
    }
  }

  private countsOf(campaign: string): CampaignCounts {
    let counts = this.byCampaign.get(campaign);
    if (!counts) {
      counts = emptyCounts();
      this.byCampaign.set(campaign, counts);
    }
    return counts;
  }
}

function emptyCounts(): CampaignCounts {
  return { triggered: 0, sent: 0, suppressed: {}, exited: 0, conversions: 0, stopped: {} };
}

function byReason(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort()
    .map(([reason, n]) => `${reason}=${n}`)
    .join(" ");
}

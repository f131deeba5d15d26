import type { Decision } from "../core/engine/decisions.ts";

/** A count for the per-campaign dashboards: Triggered, Sent, Suppressed (by reason), Converted, Failed. */
export type CampaignCount = {
  name: "Triggered" | "Sent" | "Suppressed" | "Converted" | "Failed";
  campaign: string;
  reason?: string;
  channel?: string;
};

export function campaignCounts(decisions: readonly Decision[]): CampaignCount[] {
  const counts: CampaignCount[] = [];
  for (const decision of decisions) {
    if (decision.type === "journey" && decision.change === "started")
      counts.push({ name: "Triggered", campaign: decision.campaign });
    else if (decision.type === "journey" && decision.change === "failed")
      counts.push({ name: "Failed", campaign: decision.campaign });
    else if (decision.type === "journey" && decision.conversion)
      counts.push({ name: "Converted", campaign: decision.campaign });
    else if (decision.type === "message" && decision.line.status === "sent")
      counts.push({ name: "Sent", campaign: decision.line.campaign, channel: decision.line.channel });
    else if (decision.type === "message")
      counts.push({
        name: "Suppressed",
        campaign: decision.line.campaign,
        reason: decision.line.reason ?? "unknown",
      });
  }
  return counts;
}

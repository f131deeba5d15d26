import type { Decision } from "./decisions.ts";

/**
 * The per-campaign counts, one source for the simulator's summary table and the CloudWatch metrics
 * (Engage/<name> by campaign), so the two cannot disagree.
 */
export const CAMPAIGN_COUNT_NAMES = [
  "Triggered",
  "Sent",
  "Suppressed",
  "Exited",
  "Converted",
  "Failed",
  "Stopped",
] as const;
export type CampaignCountName = (typeof CAMPAIGN_COUNT_NAMES)[number];

export type CampaignCount = {
  name: CampaignCountName;
  campaign: string;
  reason?: string;
  channel?: string;
};

/**
 * What the decisions count: a started journey is Triggered; a journey ended by one of its campaign's
 * exit events is Exited, and also Converted when that exit is a conversion; a workflow failure is
 * Failed; a journey a live edit ended is Stopped (with its reason); a message is Sent or Suppressed
 * (with its reason). A completed journey counts nothing.
 */
export function campaignCounts(decisions: readonly Decision[]): CampaignCount[] {
  const counts: CampaignCount[] = [];
  for (const decision of decisions) {
    if (decision.type === "journey") {
      const { campaign } = decision;
      if (decision.change === "started") counts.push({ name: "Triggered", campaign });
      else if (decision.change === "failed") counts.push({ name: "Failed", campaign });
      else if (decision.change === "stopped")
        counts.push({ name: "Stopped", campaign, reason: decision.reason ?? "unknown" });
      else if (decision.change === "exited") {
        counts.push({ name: "Exited", campaign });
        if (decision.conversion) counts.push({ name: "Converted", campaign });
      }
    } else if (decision.type === "message") {
      const { line } = decision;
      if (line.status === "sent")
        counts.push({ name: "Sent", campaign: line.campaign, channel: line.channel });
      else counts.push({ name: "Suppressed", campaign: line.campaign, reason: line.reason ?? "unknown" });
    }
  }
  return counts;
}

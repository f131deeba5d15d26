// The one place the infrastructure reads campaign files: the loader validates every file and
// throws a CampaignFilesError listing every problem, which stops the synth before anything is built.
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";

export { CampaignFilesError } from "../functions/campaign-files/load.ts";

export interface CampaignTrigger {
  readonly type: string;
  readonly every?: string;
  readonly weekday?: string;
  readonly at?: string;
}

export interface CampaignSummary {
  readonly id: string;
  readonly triggers: readonly CampaignTrigger[];
}

export function loadCampaignSummaries(campaignsDir: string): CampaignSummary[] {
  return loadCampaignDirectory(campaignsDir).campaigns.map(({ id, triggers }) => ({ id, triggers }));
}

/** Campaigns started by a time of day rather than by an event need a sweep schedule. */
export function sweptCampaignIds(campaigns: readonly CampaignSummary[]): string[] {
  return campaigns.filter((c) => c.triggers.some((t) => t.type === "schedule")).map((c) => c.id);
}

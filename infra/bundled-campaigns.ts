// The build step that ships the campaigns with every function: the directory validated here at synth (a
// bad file stops it with every problem listed) and written as one JSON file, with each campaign's version
// hash, which the bundling copies into each package and the function reads at cold start without
// validating or hashing again (functions/runtime/bundled-campaigns.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import { campaignVersion } from "../functions/core/engine/campaign-version.ts";
import { BUNDLED_CAMPAIGNS_FILE, type BundledCampaigns } from "../functions/runtime/bundled-campaigns.ts";

/** Writes `<outputDir>/campaigns.json`; returns its path. */
export function writeBundledCampaigns(campaignsDir: string, outputDir: string): string {
  const file = join(outputDir, BUNDLED_CAMPAIGNS_FILE);
  const validated = loadCampaignDirectory(campaignsDir);
  const bundled: BundledCampaigns = {
    ...validated,
    versions: Object.fromEntries(
      validated.campaigns.map((campaign) => [campaign.id, campaignVersion(campaign)]),
    ),
  };
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(file, JSON.stringify(bundled));
  return file;
}

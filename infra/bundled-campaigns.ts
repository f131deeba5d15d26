// The build step that ships the campaigns with every function: the directory validated here at synth (a
// bad file stops it with every problem listed) and written as one JSON file, which the bundling copies
// into each package and the function reads at cold start without validating again
// (functions/runtime/bundled-campaigns.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import { BUNDLED_CAMPAIGNS_FILE } from "../functions/runtime/bundled-campaigns.ts";

/** Writes `<outputDir>/campaigns.json`; returns its path. */
export function writeBundledCampaigns(campaignsDir: string, outputDir: string): string {
  const file = join(outputDir, BUNDLED_CAMPAIGNS_FILE);
  const validated = JSON.stringify(loadCampaignDirectory(campaignsDir));
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(file, validated);
  return file;
}

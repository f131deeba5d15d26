// The build step that ships the campaigns with every function: the directory validated here (a bad file
// stops the bundling with every problem listed) and written as one JSON file the function reads at cold
// start without validating again (functions/runtime/bundled-engine.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../functions/config/campaign-files.ts";
import { BUNDLED_CAMPAIGNS_FILE } from "../functions/runtime/bundled-engine.ts";

export function writeBundledCampaigns(campaignsDir: string, outputDir: string): void {
  writeFileSync(join(outputDir, BUNDLED_CAMPAIGNS_FILE), JSON.stringify(loadCampaignDirectory(campaignsDir)));
}

// `node --import tsx infra/bundled-campaigns.ts <campaigns dir> <output dir>`: the NodejsFunction's
// afterBundling hook (infra/constructs/engine-function.ts).
if (process.argv[1] === import.meta.filename) {
  const [campaignsDir, outputDir] = process.argv.slice(2);
  if (!campaignsDir || !outputDir)
    throw new Error("usage: bundled-campaigns.ts <campaigns dir> <output dir>");
  writeBundledCampaigns(campaignsDir, outputDir);
}

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CampaignDirectory } from "../campaign-files/load.ts";
import { type CompiledCampaigns, compileCampaigns } from "../core/engine/compile.ts";

/** The campaign directory, validated when the functions are bundled, in the package beside the code. */
export const BUNDLED_CAMPAIGNS_FILE = "campaigns.json";

/** What that file holds: the validated directory and each campaign's version (campaignVersion). */
export type BundledCampaigns = CampaignDirectory & { versions: Record<string, string> };

let compiled: CompiledCampaigns | undefined;

/**
 * The campaigns the package ships, compiled once per container. They were validated and their versions
 * hashed by the bundling (infra/bundled-campaigns.ts), which fails the deployment on a bad file: the cold
 * start only reads them.
 * `loadDirectory` serves a directory of campaign files instead (tests, CAMPAIGNS_DIR).
 */
export function bundledCampaigns(loadDirectory?: () => CampaignDirectory): CompiledCampaigns {
  if (!compiled) {
    const { campaigns, settings, versions }: CampaignDirectory & Partial<BundledCampaigns> = loadDirectory
      ? loadDirectory()
      : readBundledCampaigns();
    compiled = compileCampaigns(campaigns, settings, { renderBodies: true, versions });
  }
  return compiled;
}

function readBundledCampaigns(): BundledCampaigns {
  const file = join(dirname(fileURLToPath(import.meta.url)), BUNDLED_CAMPAIGNS_FILE);
  return JSON.parse(readFileSync(file, "utf8")) as BundledCampaigns;
}

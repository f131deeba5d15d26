import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { CampaignFilesError, loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { campaignVersion } from "../../functions/core/engine/campaign-version.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { BUNDLED_CAMPAIGNS_FILE } from "../../functions/runtime/bundled-campaigns.ts";
import { writeBundledCampaigns } from "../../infra/bundled-campaigns.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";
import { FIXTURE_CAMPAIGNS, scratchDir, writeCampaignDir } from "./engine-app-fixture.ts";

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("ships the shipped campaigns exactly as the validating loader reads them, with their versions", () => {
  const out = scratchDir("bundled-campaigns-");
  scratch.push(out);
  writeBundledCampaigns(CAMPAIGNS_DIR, out);
  const directory = loadCampaignDirectory(CAMPAIGNS_DIR);
  // Strict: no value JSON cannot carry (undefined, Map, Date) is lost on the way to the function.
  expect(JSON.parse(readFileSync(join(out, BUNDLED_CAMPAIGNS_FILE), "utf8"))).toStrictEqual({
    ...directory,
    // Hashed at the build, so a cold start does not hash every campaign again.
    versions: Object.fromEntries(
      directory.campaigns.map((campaign) => [campaign.id, campaignVersion(campaign)]),
    ),
  });
});

it("compiles the shipped versions into the engine instead of hashing the campaigns again", () => {
  const { campaigns, settings } = loadCampaignDirectory(CAMPAIGNS_DIR);
  const shipped = Object.fromEntries(campaigns.map((campaign) => [campaign.id, `shipped-${campaign.id}`]));
  const compiled = compileCampaigns(campaigns, settings, { versions: shipped });
  expect(Object.fromEntries(compiled.versions)).toEqual(shipped);
});

it("stops the bundling on a bad campaign file, writing nothing", () => {
  const campaigns = writeCampaignDir({ ...FIXTURE_CAMPAIGNS, "welcome.json": { id: "welcome" } });
  const out = scratchDir("bundled-campaigns-");
  scratch.push(campaigns, out);
  expect(() => writeBundledCampaigns(campaigns, out)).toThrow(CampaignFilesError);
  expect(() => readFileSync(join(out, BUNDLED_CAMPAIGNS_FILE))).toThrow();
});

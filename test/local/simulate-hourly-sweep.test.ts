import { describe, expect, it } from "vitest";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { sweptCampaignIds } from "../../infra/campaign-config.ts";
import { shopSubset, simulatedLines } from "../dev/shop-subset.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";

describe("the simulator sweeps every hour, as the AWS schedules do", () => {
  it("a customer first seen at 12:34 UTC gets the recommendations due at 14:00 that day", () => {
    // c-0291 signs up on 2026-03-16 at 12:34 UTC; its weekly recommendations are due at 14:00 UTC.
    const lines = shopSubset("2026-03-16T15:00:00Z", "c-0292").filter((line) => line.includes('"c-0291"'));
    const sent = simulatedLines(lines, "2026-03-16T15:00:00Z").map((line) => JSON.parse(line));
    expect(sent).toContainEqual(
      expect.objectContaining({
        at: "2026-03-16T14:00:00.000Z",
        campaign: "recommendations",
        status: "sent",
      }),
    );
  });

  it("sweeps the campaigns in priority order, as engage dev invokes them", () => {
    const { campaigns, settings } = loadCampaignDirectory(CAMPAIGNS_DIR);
    const compiled = compileCampaigns(campaigns, settings);
    const priority = [...compiled.campaigns.keys()];
    const scheduled = sweptCampaignIds(campaigns).filter((id) => compiled.campaigns.get(id)?.enabled);
    const inSimulatorOrder = [...new Set(compiled.scheduleTriggers.map((bound) => bound.campaign.id))];
    expect(inSimulatorOrder).toEqual(scheduled.sort((a, b) => priority.indexOf(a) - priority.indexOf(b)));
  });
});

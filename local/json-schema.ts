import { z } from "zod";
import { CampaignSchema } from "../functions/core/config/campaign.ts";
import { EngineSettingsSchema } from "../functions/core/config/engine.ts";

/** JSON Schemas of the campaign and engine files, from the zod schemas (input side: what a person writes). */
export function campaignJsonSchemas(): Record<string, object> {
  const options = { io: "input", unrepresentable: "any", target: "draft-2020-12" } as const;
  return {
    "campaign.schema.json": { title: "Campaign", ...z.toJSONSchema(CampaignSchema, options) },
    "engine.schema.json": {
      title: "Engine settings",
      ...z.toJSONSchema(EngineSettingsSchema, options),
    },
  };
}

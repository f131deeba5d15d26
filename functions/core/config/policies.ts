import * as z from "zod";
import { ChannelSchema } from "../events/channels.ts";
import { ClockTimeSchema, DurationSchema } from "./duration.ts";

const channels = z.array(ChannelSchema);

export const FrequencyCapSchema = z.strictObject({
  max: z.number().int().positive(),
  window: DurationSchema,
});
export const QuietHoursSchema = z.strictObject({
  start: ClockTimeSchema,
  end: ClockTimeSchema,
  channels,
});

/** What a campaign may override of the engine-wide policies. */
export const PolicyOverridesSchema = z.strictObject({
  holdoutPercent: z.number().min(0).max(100).optional(),
  frequencyCap: z
    .union([FrequencyCapSchema, z.literal(false)])
    .optional()
    .describe("false: not counted, not capped"),
  quietHours: z.union([QuietHoursSchema, z.literal(false)]).optional(),
  maxSendsPerJourney: z.number().int().positive().optional(),
});
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;

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

export const SendWindowSchema = z
  .strictObject({ start: ClockTimeSchema, end: ClockTimeSchema })
  .refine((window) => window.start !== window.end, "a window whose start and end differ")
  .describe("local hours [start, end) in which a marketing message may go; may wrap midnight");
/** Per channel; a channel not named has no window (quiet hours still apply). */
export const SendWindowsSchema = z.strictObject({
  email: SendWindowSchema.optional(),
  sms: SendWindowSchema.optional(),
  push: SendWindowSchema.optional(),
});
const SendWindowOverride = z.union([SendWindowSchema, z.literal(false)]);
export type SendWindow = z.infer<typeof SendWindowSchema>;

/** What a campaign may override of the engine-wide policies. */
export const PolicyOverridesSchema = z.strictObject({
  holdoutPercent: z.number().min(0).max(100).optional(),
  frequencyCap: z
    .union([FrequencyCapSchema, z.literal(false)])
    .optional()
    .describe("false: not counted, not capped"),
  quietHours: z.union([QuietHoursSchema, z.literal(false)]).optional(),
  sendWindows: z
    .strictObject({
      email: SendWindowOverride.optional(),
      sms: SendWindowOverride.optional(),
      push: SendWindowOverride.optional(),
    })
    .optional()
    .describe("per channel, replaces the engine's send window; false: no window for that channel"),
  maxSendsPerJourney: z.number().int().positive().optional(),
});
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;

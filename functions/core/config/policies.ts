import * as z from "zod";
import { ChannelSchema } from "../events/channels.ts";
import { capClasses } from "./cap-classes.ts";
import { ClockTimeSchema, DurationSchema } from "./duration.ts";

const channels = z.array(ChannelSchema);

export const FrequencyCapSchema = z.strictObject({
  max: z.number().int().positive(),
  window: DurationSchema,
});
export { capClasses };
export const CapClassSchema = z
  .enum(capClasses)
  .describe(
    "priority under the frequency cap, highest first: service (transactional, never capped), trigger (high-intent behaviour), lifecycle, broadcast (bulk scheduled sends)",
  );
export type CapClass = z.infer<typeof CapClassSchema>;

const CapClassRuleSchema = z.strictObject({
  reserve: z
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe("slots of the cap's max kept for this class and those above it: lower classes cannot use them"),
  max: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("at most this many messages of this class in the cap's window"),
});
export type CapClassRule = z.infer<typeof CapClassRuleSchema>;

/** The engine-wide cap: the shared max, and per class a reserve and an own max. */
export const EngineFrequencyCapSchema = FrequencyCapSchema.extend({
  classes: z
    .strictObject({
      service: CapClassRuleSchema.default({ reserve: 0 }),
      trigger: CapClassRuleSchema.default({ reserve: 0 }),
      lifecycle: CapClassRuleSchema.default({ reserve: 0 }),
      broadcast: CapClassRuleSchema.default({ reserve: 0 }),
    })
    .default({
      service: { reserve: 0 },
      trigger: { reserve: 0 },
      lifecycle: { reserve: 0 },
      broadcast: { reserve: 0 },
    })
    .describe(
      "a message of a class goes only while the customer's messages in the window are fewer than max minus the reserves of the classes above it, and its class's own are fewer than its max",
    ),
});
export type EngineFrequencyCap = z.infer<typeof EngineFrequencyCapSchema>;

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

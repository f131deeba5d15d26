import * as z from "../validation/zod.ts";
import { IdSchema } from "./item.ts";

/**
 * The event the journey workflow puts on the bus when a journey failed for good (its Step failed
 * past its retries, or broke the step contract). Ingest ends the journey with it. Not a customer
 * event of the catalog: no campaign can trigger on it.
 */
export const JOURNEY_FAILED_EVENT = { source: "engage.journey", detailType: "journey.failed" } as const;

export const JourneyFailedDetailSchema = z.looseObject({
  customerId: IdSchema,
  // The journey id (its wire name, from the workflow's input): campaign, customer, trigger and key ids.
  instanceId: z.string().check(z.minLength(1), z.maxLength(4096, "a journey id of at most 4096 characters")),
  // The failed execution's input. Its generation (absent: the first) tells a stale workflow's
  // failure from the live one's; failures recorded before this field was added have none.
  executionInput: z.optional(
    z.looseObject({ generation: z.optional(z.number().check(z.int(), z.positive())) }),
  ),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});
export type JourneyFailedDetail = z.output<typeof JourneyFailedDetailSchema>;

/** Whether an envelope is the workflow's journey.failed (an app's event of that name is not). */
export function isJourneyFailedEnvelope(input: unknown): boolean {
  const envelope = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  return (
    envelope.source === JOURNEY_FAILED_EVENT.source &&
    envelope["detail-type"] === JOURNEY_FAILED_EVENT.detailType
  );
}

import * as z from "../validation/zod.ts";
import { IdSchema } from "./item.ts";

/**
 * The event the journey workflow puts on the bus when a journey failed for good (its Step failed
 * past its retries, or broke the step contract). Ingest ends the journey with it. Not a customer
 * event of the catalog: no campaign can trigger on it.
 */
export const JOURNEY_FAILED_EVENT = { source: "engage.journey", detailType: "journey.failed" } as const;

// The journey id (its wire name, from the workflow's input): campaign, customer, trigger and key ids.
const InstanceIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(4096, "a journey id of at most 4096 characters"));
const GenerationSchema = z.optional(z.number().check(z.int(), z.positive()));

export const JourneyFailedDetailSchema = z.looseObject({
  customerId: IdSchema,
  instanceId: InstanceIdSchema,
  // The failed execution's input. Its generation (absent: the first) tells a stale workflow's
  // failure from the live one's; failures recorded before this field was added have none.
  executionInput: z.optional(z.looseObject({ generation: GenerationSchema })),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});
export type JourneyFailedDetail = z.output<typeof JourneyFailedDetailSchema>;

/** A journey execution's input, as the starter writes it. */
export const WorkflowInputSchema = z.looseObject({
  customerId: IdSchema,
  instanceId: InstanceIdSchema,
  generation: GenerationSchema,
});

/**
 * What Step Functions puts on the default bus when an execution's status changes. The stack routes the
 * journey machine's FAILED and TIMED_OUT ones to ingest: an execution that ends where the workflow's
 * Catch cannot record it (an input without wakeAt fails its Wait; the machine's one-year timeout).
 */
export const EXECUTION_STATUS_EVENT = {
  source: "aws.states",
  detailType: "Step Functions Execution Status Change",
} as const;
export const ENDED_UNRECORDED = ["FAILED", "TIMED_OUT"] as const;

export const ExecutionStatusDetailSchema = z.looseObject({
  executionArn: z.string().check(z.minLength(1), z.maxLength(2048)),
  status: z.enum(ENDED_UNRECORDED),
  // The execution's input as JSON (Step Functions leaves it out above 256 KB; the engine's are tiny).
  input: z.string().check(z.maxLength(262_144)),
});

/** Whether an envelope is Step Functions' status change (only AWS can put an `aws.` source). */
export function isExecutionStatusEnvelope(input: unknown): boolean {
  const envelope = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  return (
    envelope.source === EXECUTION_STATUS_EVENT.source &&
    envelope["detail-type"] === EXECUTION_STATUS_EVENT.detailType
  );
}

/** Whether an envelope is the workflow's journey.failed (an app's event of that name is not). */
export function isJourneyFailedEnvelope(input: unknown): boolean {
  const envelope = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  return (
    envelope.source === JOURNEY_FAILED_EVENT.source &&
    envelope["detail-type"] === JOURNEY_FAILED_EVENT.detailType
  );
}

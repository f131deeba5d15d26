import { failJourney } from "../core/engine/fail-journey.ts";
import { describeProblems, EnvelopeSchema } from "../core/events/envelope.ts";
import {
  ExecutionStatusDetailSchema,
  JourneyFailedDetailSchema,
  WorkflowInputSchema,
} from "../core/events/journey-failed.ts";
import { describeIssues } from "../core/validation/describe-issue.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import type { NotRun } from "../runtime/edge-event.ts";

export type JourneyFailedOutcome = { outcome: "journey_failed"; id: string; ended: boolean } | NotRun;

/**
 * The workflow's journey.failed event: ends that journey in the customer's state, so its key is no
 * longer held by a journey no workflow will ever advance. Idempotent by the event id; a journey
 * already gone, or woken by a newer workflow than the one that failed, is left alone. Never throws
 * for a bad event; throws RetryableError when the state could not be written (EventBridge retries).
 */
export async function journeyFailedEvent(deps: RuntimeDeps, input: unknown): Promise<JourneyFailedOutcome> {
  const envelope = EnvelopeSchema.safeParse(input);
  if (!envelope.success)
    return rejected("journey.failed", undefined, describeProblems(describeIssues(envelope.error)));
  const detail = JourneyFailedDetailSchema.safeParse(envelope.data.detail);
  if (!detail.success)
    return rejected(
      "journey.failed",
      envelope.data.id,
      describeProblems(describeIssues(detail.error, ["detail"])),
    );
  const { customerId, instanceId: journeyId, executionInput } = detail.data;
  const id = envelope.data.id ?? `journey-failed:${journeyId}`;
  return endJourney(deps, id, customerId, journeyId, Date.parse(envelope.data.time), executionInput);
}

/**
 * Step Functions' status change of a journey execution that failed or timed out: ends the journey as
 * failed, as journey.failed does, for the executions the workflow could not record (an input without
 * wakeAt failing its Wait, the one-year timeout). A Step's failure comes both ways; the second finds
 * the journey gone. The same guards: idempotent by the event id, a stale generation left alone.
 */
export async function executionEndedEvent(deps: RuntimeDeps, input: unknown): Promise<JourneyFailedOutcome> {
  const envelope = EnvelopeSchema.safeParse(input);
  if (!envelope.success)
    return rejected("execution status", undefined, describeProblems(describeIssues(envelope.error)));
  const { id, time } = envelope.data;
  const detail = ExecutionStatusDetailSchema.safeParse(envelope.data.detail);
  if (!detail.success)
    return rejected("execution status", id, describeProblems(describeIssues(detail.error, ["detail"])));
  let parsedInput: unknown;
  try {
    parsedInput = JSON.parse(detail.data.input);
  } catch {
    return rejected("execution status", id, "detail.input: expected the execution's input as JSON");
  }
  const workflow = WorkflowInputSchema.safeParse(parsedInput);
  if (!workflow.success)
    return rejected(
      "execution status",
      id,
      describeProblems(describeIssues(workflow.error, ["detail", "input"])),
    );
  const { customerId, instanceId: journeyId, generation } = workflow.data;
  const eventId = id ?? `execution-ended:${detail.data.executionArn}`;
  return endJourney(deps, eventId, customerId, journeyId, Date.parse(time), { generation });
}

/** Ends the journey as failed, once per event id; `workflow`: the failed execution's generation, if known. */
async function endJourney(
  deps: RuntimeDeps,
  eventId: string,
  customerId: string,
  journeyId: string,
  at: number,
  workflow: { generation?: number } | undefined,
): Promise<JourneyFailedOutcome> {
  const { decisions } = await runForCustomer(deps, customerId, eventId, (state) =>
    failJourney(deps.compiled, state, journeyId, at, workflow),
  );
  return { outcome: "journey_failed", id: eventId, ended: decisions.length > 0 };
}

const rejected = (detailType: string, id: string | undefined, problems: string): NotRun => ({
  outcome: "rejected",
  id,
  detailType,
  problems,
});

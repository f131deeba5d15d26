import { failJourney } from "../core/engine/fail-journey.ts";
import { describeProblems, EnvelopeSchema } from "../core/events/envelope.ts";
import { JourneyFailedDetailSchema } from "../core/events/journey-failed.ts";
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
  const detail = envelope.success ? JourneyFailedDetailSchema.safeParse(envelope.data.detail) : undefined;
  if (!envelope.success || !detail?.success)
    return {
      outcome: "rejected",
      id: envelope.success ? envelope.data.id : undefined,
      detailType: "journey.failed",
      problems: describeProblems(
        envelope.success && detail && !detail.success
          ? describeIssues(detail.error, ["detail"])
          : describeIssues(envelope.error!),
      ),
    };
  const { customerId, instanceId: journeyId, executionInput } = detail.data;
  const at = Date.parse(envelope.data.time);
  const id = envelope.data.id ?? `journey-failed:${journeyId}`;
  const { decisions } = await runForCustomer(deps, customerId, id, (state) =>
    failJourney(deps.compiled, state, journeyId, at, executionInput),
  );
  return { outcome: "journey_failed", id, ended: decisions.length > 0 };
}

import { MetricUnit } from "../runtime/emf-metrics.ts";
import { handlerShell, logger, metrics } from "../runtime/handler-shell.ts";
import { type FeedbackOutcome, feedbackEvent } from "../use-cases/feedback.ts";
import { awsRecordingRuntime } from "../wiring.ts";

/** SES events (bounce, complaint, delivery, open, click) and SMS feedback from the feedback rule. */
export const { handler, useRuntime } = handlerShell(
  () => awsRecordingRuntime(),
  async (deps, input: unknown): Promise<FeedbackOutcome> => {
    const outcome = await feedbackEvent(deps, input);
    report(outcome);
    return outcome;
  },
);

function report(outcome: FeedbackOutcome): void {
  switch (outcome.outcome) {
    case "applied":
      for (const event of outcome.events) {
        const metric = metrics.singleMetric();
        metric.addDimension("type", event.type);
        if (event.likelyMachineOpen) metric.addDimension("machine", "likely");
        metric.addMetric("FeedbackEvents", MetricUnit.Count, 1);
      }
      return;
    case "ignored":
      metrics.addMetric("IgnoredEvents", MetricUnit.Count, 1);
      logger.info("feedback ignored", { ...outcome });
      return;
    case "unattributed":
      metrics.addMetric("UnattributedFeedback", MetricUnit.Count, 1);
      logger.warn("feedback for a message without a customer tag", { ...outcome });
      return;
    case "rejected":
      metrics.addMetric("RejectedEvents", MetricUnit.Count, 1);
      logger.warn("event rejected", { ...outcome });
      return;
  }
}

import { MetricUnit } from "../runtime/emf-metrics.ts";
import { handlerShell, logger, metrics } from "../runtime/handler-shell.ts";
import { type SweepOutcome, sweepCampaign } from "../use-cases/sweep.ts";
import { type ClaimsSweepOutcome, isClaimsSweepInput, sweepClaims } from "../use-cases/sweep-claims.ts";
import { awsSweepRuntime } from "../wiring.ts";

/**
 * Invoked hourly by EventBridge Scheduler: with `{ campaignId }`, runs what that campaign has due this
 * hour; with `{ sweep: "claims" }`, finishes the claims whose run died.
 */
export const { handler, useRuntime } = handlerShell(
  () => awsSweepRuntime(),
  async (runtime, input: unknown): Promise<SweepOutcome | ClaimsSweepOutcome> => {
    const outcome = isClaimsSweepInput(input)
      ? await sweepClaims(runtime, input)
      : await sweepCampaign(runtime.deps, runtime.scan, input, runtime.options);
    report(outcome);
    return outcome;
  },
);

function report(outcome: SweepOutcome | ClaimsSweepOutcome): void {
  if (outcome.outcome === "rejected") {
    metrics.addMetric("RejectedSweeps", MetricUnit.Count, 1);
    logger.warn("sweep rejected", { ...outcome });
    return;
  }
  if (outcome.outcome === "claims swept") {
    metrics.addMetric("ClaimsSweptCustomers", MetricUnit.Count, outcome.scanned);
    metrics.addMetric("ClaimsFinishedCustomers", MetricUnit.Count, outcome.finished);
    if (outcome.failed > 0) metrics.addMetric("ClaimsFailedCustomers", MetricUnit.Count, outcome.failed);
    logger.info("claims swept", { ...outcome });
    return;
  }
  campaignMetric("SweptCustomers", outcome.campaignId, outcome.scanned);
  campaignMetric("SweepDueCustomers", outcome.campaignId, outcome.due);
  if (outcome.failed > 0) campaignMetric("SweepFailedCustomers", outcome.campaignId, outcome.failed);
  logger.info("campaign swept", { ...outcome });
}

/** A single metric publishes at once and forgets its dimensions: one per count. */
function campaignMetric(name: string, campaign: string, value: number): void {
  const metric = metrics.singleMetric();
  metric.addDimension("campaign", campaign);
  metric.addMetric(name, MetricUnit.Count, value);
}

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { awsFanoutPorts } from "../runtime/fanout-aws.ts";
import { type FanoutOutcome, type FanoutPorts, fanOutCatalogEvent } from "../use-cases/catalog-fanout.ts";
import { logger, metrics } from "../wiring.ts";

let ports: FanoutPorts | undefined;
export function useRuntime(runtime: FanoutPorts): void {
  ports = runtime;
}

/** Catalog events from the bus rule: one message per interested customer onto the fan-out queue. */
export const handler = async (input: unknown): Promise<FanoutOutcome> => {
  ports ??= awsFanoutPorts();
  try {
    const outcome = await fanOutCatalogEvent(ports, input);
    report(outcome);
    return outcome;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

function report(outcome: FanoutOutcome): void {
  if (outcome.outcome === "fanned_out") {
    metrics.addMetric("FanoutMessages", MetricUnit.Count, outcome.customers);
    if (outcome.retried > 0) metrics.addMetric("FanoutRetriedMessages", MetricUnit.Count, outcome.retried);
    if (outcome.dropped > 0) metrics.addMetric("FanoutDroppedMessages", MetricUnit.Count, outcome.dropped);
    logger.info("catalog event fanned out", { ...outcome });
    return;
  }
  metrics.addMetric(outcome.outcome === "ignored" ? "IgnoredEvents" : "RejectedEvents", MetricUnit.Count, 1);
  if (outcome.outcome === "ignored") logger.info("event ignored: unknown detail-type", { ...outcome });
  else logger.warn("event rejected", { ...outcome });
}

import { MetricUnit } from "../runtime/emf-metrics.ts";
import { handlerShell, logger, metrics } from "../runtime/handler-shell.ts";
import { type FanoutOutcome, fanOutCatalogEvent } from "../use-cases/catalog-fanout.ts";
import { awsFanoutPorts } from "../wiring.ts";

/** Catalog events from the bus rule: one message per interested customer onto the fan-out queue. */
export const { handler, useRuntime } = handlerShell(
  () => awsFanoutPorts(),
  async (ports, input: unknown): Promise<FanoutOutcome> => {
    const outcome = await fanOutCatalogEvent(ports, input);
    report(outcome);
    return outcome;
  },
);

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

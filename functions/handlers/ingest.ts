import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "zod";
import { awsRuntime, logger, metrics } from "../runtime/aws-runtime.ts";
import type { RuntimeDeps } from "../runtime/customer-runner.ts";
import { type IngestOutcome, ingestEvent } from "../runtime/ingest-event.ts";

let deps: RuntimeDeps | undefined;
export function useRuntime(runtime: RuntimeDeps): void {
  deps = runtime;
}

const FanoutMessageSchema = z.object({ customerId: z.string().min(1), event: z.unknown() });
const processor = new BatchProcessor(EventType.SQS);

/** Customer events from the bus rule, and catalog events per customer from the fan-out queue. */
export const handler = async (input: unknown, context?: Context) => {
  deps ??= awsRuntime();
  const runtime = deps;
  try {
    if (isSqsEvent(input)) {
      return await processPartialResponse(
        input,
        (record: SQSRecord) => fanoutRecord(runtime, record),
        processor,
        {
          ...(context ? { context } : {}),
        },
      );
    }
    report(await ingestEvent(runtime, input));
    return undefined;
  } finally {
    // Counts go out as single metrics at once; publishing an empty set only logs a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

async function fanoutRecord(runtime: RuntimeDeps, record: SQSRecord): Promise<void> {
  const message = FanoutMessageSchema.safeParse(JSON.parse(record.body));
  if (!message.success) {
    report({
      outcome: "rejected",
      id: record.messageId,
      detailType: undefined,
      problems: message.error.message,
    });
    return;
  }
  report(await ingestEvent(runtime, message.data.event, message.data.customerId));
}

function report(outcome: IngestOutcome): void {
  if (outcome.outcome === "applied") return;
  // Counted per campaign as Failed with the decisions; the log says which instance.
  if (outcome.outcome === "journey_failed") {
    logger.warn("journey failed", { ...outcome });
    return;
  }
  metrics.addMetric(outcome.outcome === "ignored" ? "IgnoredEvents" : "RejectedEvents", MetricUnit.Count, 1);
  if (outcome.outcome === "ignored") logger.info("event ignored: unknown detail-type", { ...outcome });
  else logger.warn("event rejected", { ...outcome });
}

function isSqsEvent(input: unknown): input is SQSEvent {
  return Array.isArray((input as { Records?: unknown } | null)?.Records);
}

import type { BatchProcessor, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "../core/validation/zod.ts";
import type { RuntimeDeps } from "../runtime/customer-runner.ts";
import { MetricUnit } from "../runtime/emf-metrics.ts";
import { handlerShell, logger, metrics } from "../runtime/handler-shell.ts";
import { type IngestOutcome, ingestEvent } from "../use-cases/ingest.ts";
import { awsRuntime } from "../wiring.ts";

// The fan-out queue's batches only: loaded by the first SQS batch, so a cold start on a customer event
// from the bus (most of them) does not compile Powertools' batch processing nor build the message schema.
let sqsBatch:
  | Promise<{
      processor: BatchProcessor;
      processPartialResponse: typeof processPartialResponse;
      messageSchema: z.ZodMiniType<{ customerId: string; event: unknown }>;
    }>
  | undefined;

function loadSqsBatch() {
  sqsBatch ??= import("@aws-lambda-powertools/batch").then(
    ({ BatchProcessor, EventType, processPartialResponse }) => ({
      processor: new BatchProcessor(EventType.SQS),
      processPartialResponse,
      messageSchema: z.object({ customerId: z.string().check(z.minLength(1)), event: z.unknown() }),
    }),
  );
  return sqsBatch;
}

/** Customer events from the bus rule, and catalog events per customer from the fan-out queue. */
export const { handler, useRuntime } = handlerShell(
  () => awsRuntime(),
  async (runtime: RuntimeDeps, input: unknown, context) => {
    if (isSqsEvent(input)) {
      const { processor, processPartialResponse, messageSchema } = await loadSqsBatch();
      return await processPartialResponse(
        input,
        (record: SQSRecord) => fanoutRecord(runtime, record, messageSchema),
        processor,
        { context },
      );
    }
    report(await ingestEvent(runtime, input));
    return undefined;
  },
);

async function fanoutRecord(
  runtime: RuntimeDeps,
  record: SQSRecord,
  messageSchema: z.ZodMiniType<{ customerId: string; event: unknown }>,
): Promise<void> {
  const message = messageSchema.safeParse(JSON.parse(record.body));
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
  // Counted per campaign as Failed with the decisions; the log says which journey.
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

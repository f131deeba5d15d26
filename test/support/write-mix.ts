import { PublishCommand } from "@aws-sdk/client-sns";
import type { SQSRecord } from "aws-lambda";
import { DynamoDbInterestIndex } from "../../functions/adapters/dynamodb-interest-index.ts";
import { isCatalogEventType } from "../../functions/core/events/details.ts";
import {
  handler as fanoutHandler,
  useRuntime as useFanoutRuntime,
} from "../../functions/handlers/catalog-fanout.ts";
import { handler as ingestHandler, useRuntime as useIngestRuntime } from "../../functions/handlers/ingest.ts";
import { silentLog } from "../../functions/runtime/runtime-log.ts";
import { ENV, startHandlerRuntime } from "../handlers/handler-runtime.ts";
import { type CapacityCounter, countCapacity } from "./capacity-counter.ts";

type Envelope = { id?: unknown; time?: unknown; "detail-type"?: unknown };

export type WriteMix = {
  /** Events by route: customer events to ingest, catalog events to the fan-out. */
  customerEvents: number;
  catalogEvents: number;
  /** Fan-out messages, one per candidate customer, each run by ingest. */
  candidates: number;
  /** Write units of the state table and of the interest index over the whole stream. */
  stateWriteUnits: number;
  interestWriteUnits: number;
  /** Write units of the candidates' runs alone (state table). */
  candidateWriteUnits: number;
  /** Write units per state write: p50, p99, max. */
  stateWrite: { p50: number; p99: number; max: number; count: number };
  /** All write units over the customer events (catalog fan-out included). */
  perCustomerEvent: number;
};

/**
 * Runs a stream of envelopes through the ingest and catalog fan-out handlers as deployed (the AWS
 * runtime on dynalite, SES/SNS/Step Functions/EventBridge mocked), each at its own time on the clock,
 * the fan-out's queue messages run by ingest at once, and counts DynamoDB's write units.
 */
export async function measureWriteMix(envelopes: readonly Envelope[]): Promise<WriteMix> {
  const runtime = await startHandlerRuntime();
  const counter: CapacityCounter = countCapacity(runtime.db.documents);
  try {
    runtime.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    useIngestRuntime(runtime.deps);
    const queued: SQSRecord[] = [];
    const interest = new DynamoDbInterestIndex(runtime.clients.dynamodb, ENV.INTEREST_TABLE);
    useFanoutRuntime({
      interestedCustomerPages: (productId, now) => interest.interestedCustomerPages(productId, now),
      sendBatch: async (entries) => {
        for (const entry of entries)
          queued.push({ messageId: `m-${queued.length}`, body: entry.body } as SQSRecord);
        return [];
      },
      now: () => runtime.clock.now,
      log: silentLog,
    });
    const mix = { customerEvents: 0, catalogEvents: 0, candidates: 0, candidateWriteUnits: 0 };
    for (const envelope of envelopes) {
      const at = typeof envelope.time === "string" ? Date.parse(envelope.time) : Number.NaN;
      if (!Number.isNaN(at)) runtime.clock.now = Math.max(runtime.clock.now, at);
      if (!isCatalogEventType(envelope["detail-type"] as never)) {
        mix.customerEvents++;
        await ingestHandler(envelope);
        continue;
      }
      mix.catalogEvents++;
      await fanoutHandler(envelope);
      const before = stateUnits(counter);
      for (const record of queued.splice(0)) {
        mix.candidates++;
        await ingestHandler({ Records: [record] });
      }
      mix.candidateWriteUnits += stateUnits(counter) - before;
    }
    const state = counter.byTable.get(ENV.STATE_TABLE)?.writes ?? [];
    const sorted = [...state].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const interestUnits = counter.byTable.get(ENV.INTEREST_TABLE)?.writeUnits ?? 0;
    return {
      ...mix,
      stateWriteUnits: stateUnits(counter),
      interestWriteUnits: interestUnits,
      stateWrite: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, count: sorted.length },
      perCustomerEvent: counter.writeUnits() / Math.max(1, mix.customerEvents),
    };
  } finally {
    counter.remove();
    await runtime.db.stop();
  }
}

const stateUnits = (counter: CapacityCounter) => counter.byTable.get(ENV.STATE_TABLE)?.writeUnits ?? 0;

import { RetryableError } from "../adapters/errors.ts";
import { isCatalogEventType } from "../core/events/details.ts";
import type { CatalogEvent } from "../core/events/envelope.ts";
import { eventAtEdge, type NotRun } from "../runtime/edge-event.ts";
import type { RuntimeLog } from "../runtime/runtime-log.ts";

/** One SQS message of a SendMessageBatch call: `id` unique within the batch. */
export type FanoutEntry = { id: string; body: string };
/** An entry SQS did not accept: `senderFault` when the request itself is at fault (retrying will not help). */
export type FailedFanoutEntry = { id: string; code: string; senderFault: boolean };

/** What the fan-out needs from the outside world. */
export type FanoutPorts = {
  /** The candidates from the interest index, a page at a time. */
  interestedCustomerPages(productId: string, now: number): AsyncIterable<string[]>;
  /** One SendMessageBatch call (at most FANOUT_BATCH_SIZE entries); returns the entries that failed. */
  sendBatch(entries: FanoutEntry[]): Promise<FailedFanoutEntry[]>;
  now(): number;
  log: RuntimeLog;
  /** Backoff between rounds of failed entries; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Rounds of SendMessageBatch for a batch's failed entries (default 5). */
  maxAttempts?: number;
  /** Batches in flight at once (default 4). */
  concurrency?: number;
};

/** SQS SendMessageBatch takes at most 10 messages. */
export const FANOUT_BATCH_SIZE = 10;

export type FanoutOutcome =
  | {
      outcome: "fanned_out";
      id: string;
      detailType: string;
      productId: string;
      /** Messages SQS accepted. */
      customers: number;
      batches: number;
      /** Entries sent again after SQS failed them once or more. */
      retried: number;
      /** Entries SQS refused as malformed (sender fault): not retried, reported. */
      dropped: number;
    }
  | NotRun;

/**
 * A catalog event (price, inventory) as the bus rule delivers it: one message per interested customer
 * on the fan-out queue, `{ customerId, event }`, which ingest decides on with that customer's state.
 * A bad or unknown event is reported, not thrown (retrying cannot mend it). If SQS keeps failing some
 * entries, RetryableError: the whole event is retried, and the customers already enqueued get the same
 * event id again, which ingest does not apply twice (the customer's applied-event ids).
 */
export async function fanOutCatalogEvent(ports: FanoutPorts, envelope: unknown): Promise<FanoutOutcome> {
  const edge = eventAtEdge(envelope);
  if ("notRun" in edge) return edge.notRun;
  const { event } = edge;
  if (!isCatalogEventType(event.type))
    return {
      outcome: "rejected",
      id: event.id,
      detailType: event.type,
      problems: "not a catalog event: customer events go to ingest",
    };
  const catalogEvent = event as CatalogEvent;
  const productId = catalogEvent.detail.product.productId;
  // The envelope as received, with the id parseEnvelope settled on, so every copy has the same id.
  const forwarded = { ...(envelope as Record<string, unknown>), id: event.id };

  const totals = { customers: 0, batches: 0, retried: 0, dropped: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const limit = Math.max(1, ports.concurrency ?? 4);
  const dispatch = async (customerIds: string[]) => {
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const entries = customerIds.map((customerId, index) => ({
      id: String(index),
      body: JSON.stringify({ customerId, event: forwarded }),
    }));
    totals.batches++;
    const sending = sendWithRetries(ports, entries)
      .then((result) => {
        totals.customers += entries.length - result.dropped;
        totals.retried += result.retried;
        totals.dropped += result.dropped;
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  // Customers are buffered across index pages so that every batch but the last holds 10.
  let buffer: string[] = [];
  try {
    for await (const page of ports.interestedCustomerPages(productId, ports.now())) {
      buffer.push(...page);
      while (buffer.length >= FANOUT_BATCH_SIZE && failure === undefined) {
        await dispatch(buffer.slice(0, FANOUT_BATCH_SIZE));
        buffer = buffer.slice(FANOUT_BATCH_SIZE);
      }
      if (failure !== undefined) break;
    }
    if (buffer.length > 0 && failure === undefined) await dispatch(buffer);
  } finally {
    await Promise.all(inFlight);
  }
  if (failure !== undefined) throw failure;
  return { outcome: "fanned_out", id: event.id, detailType: event.type, productId, ...totals };
}

async function sendWithRetries(
  ports: FanoutPorts,
  entries: FanoutEntry[],
): Promise<{ retried: number; dropped: number }> {
  const maxAttempts = ports.maxAttempts ?? 5;
  const sleep = ports.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let pending = entries;
  let retried = 0;
  let dropped = 0;
  for (let attempt = 1; ; attempt++) {
    const failed = await ports.sendBatch(pending);
    if (failed.length === 0) return { retried, dropped };
    const refused = failed.filter((entry) => entry.senderFault);
    if (refused.length > 0) {
      dropped += refused.length;
      ports.log.error("fan-out messages refused by SQS", {
        count: refused.length,
        codes: [...new Set(refused.map((entry) => entry.code))],
      });
    }
    const again = new Set(failed.filter((entry) => !entry.senderFault).map((entry) => entry.id));
    pending = pending.filter((entry) => again.has(entry.id));
    if (pending.length === 0) return { retried, dropped };
    if (attempt >= maxAttempts)
      throw new RetryableError(
        `SQS SendMessageBatch (fan-out): ${pending.length} message(s) still failing after ${maxAttempts} attempts (${[
          ...new Set(failed.map((entry) => entry.code)),
        ].join(", ")})`,
        "batch_entries_failed",
      );
    retried += pending.length;
    await sleep(Math.min(100 * 2 ** (attempt - 1), 2_000));
  }
}

import { PermanentError, RetryableError } from "../adapters/errors.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import type { EffectPorts } from "./effect-ports.ts";
import type { RuntimeLog } from "./runtime-log.ts";

export type OutboxResult = {
  /** Entries done, or dropped for a permanent reason: to remove from the state. */
  finished: Set<string>;
  delivered: number;
  dropped: number;
  /** The first retryable failure, if any: the entries it concerns stay for the next attempt. */
  retry?: RetryableError;
};

/** Performs every pending effect of a customer, each independently: one failure does not stop the rest. */
export async function performOutbox(
  ports: EffectPorts,
  state: CustomerState,
  now: number,
  log: RuntimeLog,
): Promise<OutboxResult> {
  const result: OutboxResult = { finished: new Set(), delivered: 0, dropped: 0 };
  for (const entry of state.outbox) {
    try {
      await perform(ports, state.customerId, entry, now);
      result.finished.add(entry.id);
      if (entry.kind === "message") result.delivered++;
    } catch (error) {
      if (error instanceof PermanentError) {
        result.finished.add(entry.id);
        result.dropped++;
        log.warn("effect dropped", {
          customerId: state.customerId,
          kind: entry.kind,
          entry: entry.id,
          reason: error.reason,
        });
      } else {
        const retry =
          error instanceof RetryableError
            ? error
            : new RetryableError(String((error as Error).message), "unexpected");
        result.retry ??= retry;
        log.warn("effect to retry", {
          customerId: state.customerId,
          kind: entry.kind,
          entry: entry.id,
          reason: retry.reason,
        });
      }
    }
  }
  return result;
}

function perform(ports: EffectPorts, customerId: string, entry: OutboxEntry, now: number): Promise<void> {
  if (entry.kind === "message") return ports.deliver(customerId, entry);
  if (entry.kind === "start") return ports.startJourney(customerId, entry.journeyId);
  return ports.recordInterest(customerId, entry.productIds, now);
}

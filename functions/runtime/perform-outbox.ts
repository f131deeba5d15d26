import { PermanentError, RetryableError } from "../adapters/errors.ts";
import type { OutboxEntry } from "../core/state/customer-state.ts";
import type { EffectPorts } from "./effect-ports.ts";
import type { RuntimeLog } from "./runtime-log.ts";

/** What became of one effect: done, refused for good by the provider (dropped), or to try again. */
export type EffectOutcome =
  | { outcome: "done" }
  | { outcome: "dropped" }
  | { outcome: "retry"; error: RetryableError };

/**
 * Performs one pending effect; never throws. `signal` aborts a send whose lease is lapsing
 * (EffectLease.during): that is always a retry, whatever error the aborted call ends with.
 */
export async function performEntry(
  ports: EffectPorts,
  customerId: string,
  entry: OutboxEntry,
  now: number,
  log: RuntimeLog,
  signal?: AbortSignal,
): Promise<EffectOutcome> {
  try {
    await perform(ports, customerId, entry, now, signal);
    return { outcome: "done" };
  } catch (error) {
    if (signal?.aborted) {
      log.warn("effect to retry", { customerId, kind: entry.kind, entry: entry.id, reason: "lease_lapsing" });
      return {
        outcome: "retry",
        error: new RetryableError(String((error as Error).message), "lease_lapsing"),
      };
    }
    if (error instanceof PermanentError) {
      log.warn("effect dropped", { customerId, kind: entry.kind, entry: entry.id, reason: error.reason });
      return { outcome: "dropped" };
    }
    const retry =
      error instanceof RetryableError
        ? error
        : new RetryableError(String((error as Error).message), "unexpected");
    log.warn("effect to retry", { customerId, kind: entry.kind, entry: entry.id, reason: retry.reason });
    return { outcome: "retry", error: retry };
  }
}

function perform(
  ports: EffectPorts,
  customerId: string,
  entry: OutboxEntry,
  now: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (entry.kind === "message") return ports.deliver(customerId, entry, signal);
  if (entry.kind === "start") {
    // finishEffects gives a start the journey's wake (startWithWake): the workflow begins with its Wait.
    if (entry.wakeAt === undefined)
      return Promise.reject(new PermanentError(`start ${entry.id} has no wake`, "no_wake"));
    return ports.startJourney(customerId, { ...entry, wakeAt: entry.wakeAt });
  }
  return ports.recordInterest(customerId, entry.productIds, now);
}

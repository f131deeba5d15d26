import type { CustomerStateStore } from "../adapters/customer-state-store.ts";
import { RetryableError } from "../adapters/errors.ts";
import type { Engine } from "../core/engine/compile.ts";
import type { Decision } from "../core/engine/decisions.ts";
import type { CustomerState } from "../core/state/customer-state.ts";
import { claimEffects } from "./claim-effects.ts";
import { type CampaignCount, campaignCounts } from "./decision-metrics.ts";
import type { EffectPorts } from "./effect-ports.ts";
import { performOutbox } from "./perform-outbox.ts";
import type { RuntimeLog } from "./runtime-log.ts";

export type RuntimeDeps = {
  engine: Engine;
  store: CustomerStateStore;
  ports: EffectPorts;
  /** Audit events for other tools (message.sent …); best effort, after the state is safe. */
  publishAudit?: (decisions: readonly Decision[]) => Promise<unknown>;
  count?: (counts: CampaignCount[]) => void;
  now: () => number;
  log: RuntimeLog;
};

const APPLIED_EVENTS_KEPT = 64;

/**
 * One decision about one customer, as DESIGN.md's "State" asks: load, decide, claim the effects
 * and write in one conditional write (retried on a version conflict), then perform the effects and
 * clear them. An event already applied (a redelivery after a crash) is not applied again, but its
 * unfinished effects are finished. Throws RetryableError if an effect must be tried again.
 */
export async function runForCustomer(
  deps: RuntimeDeps,
  customerId: string,
  eventId: string | undefined,
  decideFn: (state: CustomerState, now: number) => Decision[],
): Promise<{ decisions: Decision[]; state: CustomerState }> {
  const now = deps.now();
  const outcome = await deps.store.update(customerId, (state) => {
    if (eventId !== undefined && state.appliedEvents.includes(eventId)) return [];
    const decisions = decideFn(state, now);
    if (eventId !== undefined) {
      state.appliedEvents.push(eventId);
      if (state.appliedEvents.length > APPLIED_EVENTS_KEPT) state.appliedEvents.shift();
    }
    claimEffects(state, decisions, now);
    return decisions;
  });
  const decisions = outcome.result;
  deps.count?.(campaignCounts(decisions));
  let state = outcome.state;
  if (state.outbox.length > 0) state = await finishEffects(deps, customerId, state, now);
  if (deps.publishAudit && decisions.length > 0) {
    try {
      await deps.publishAudit(decisions);
    } catch (error) {
      deps.log.warn("audit events not published", { customerId, reason: (error as Error).name });
    }
  }
  return { decisions, state };
}

async function finishEffects(deps: RuntimeDeps, customerId: string, state: CustomerState, now: number) {
  const result = await performOutbox(deps.ports, state, now, deps.log);
  let latest = state;
  if (result.finished.size > 0) {
    const cleared = await deps.store.update(customerId, (fresh) => {
      fresh.outbox = fresh.outbox.filter((entry) => !result.finished.has(entry.id));
    });
    latest = cleared.state;
  }
  if (result.retry)
    throw new RetryableError(`customer ${customerId}: ${result.retry.message}`, result.retry.reason);
  return latest;
}

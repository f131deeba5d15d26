import type { CustomerStateStore } from "../adapters/customer-state-store.ts";
import { RetryableError } from "../adapters/errors.ts";
import type { Engine } from "../core/engine/compile.ts";
import type { Decision } from "../core/engine/decisions.ts";
import { rememberApplied } from "../core/state/applied-events.ts";
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

/**
 * How long an effect belongs to the run that claimed it. Another run for the same customer (a
 * concurrent redelivery, an ingest racing a journey step) leaves it alone meanwhile, or the effect
 * would be performed twice; after this the claimer is taken to have crashed and any run finishes it.
 * Shorter than the senders' function timeout (30 s), so the retry that follows a timeout takes over.
 */
export const EFFECT_LEASE_MS = 20_000;

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
  // The effects this run performs: those it claims now, and those a crashed or failed run left,
  // taken over in the same conditional write (so two runs cannot both take them).
  let claimed = new Set<string>();
  const outcome = await deps.store.update(customerId, (state) => {
    claimed = new Set();
    for (const entry of state.outbox)
      if (now - entry.claimedAt >= EFFECT_LEASE_MS) {
        entry.claimedAt = now;
        claimed.add(entry.id);
      }
    if (eventId !== undefined && state.appliedEvents.includes(eventId)) return [];
    const decisions = decideFn(state, now);
    // Nothing known of this customer and nothing decided (a fan-out to a stale index entry): no item.
    if (state.version === 0 && decisions.length === 0) return decisions;
    // decide() remembers a customer event by its own time; other ids (catalog, sweep, unsubscribe) by now.
    if (eventId !== undefined)
      rememberApplied(state, eventId, now, deps.engine.config.retention.appliedEvents);
    const before = state.outbox.length;
    claimEffects(state, decisions, now);
    for (const entry of state.outbox.slice(before)) claimed.add(entry.id);
    return decisions;
  });
  const decisions = outcome.result;
  deps.count?.(campaignCounts(decisions));
  let state = outcome.state;
  // The other entries belong to a run still performing them.
  const mine = state.outbox.filter((entry) => claimed.has(entry.id));
  if (mine.length > 0) state = await finishEffects(deps, customerId, { ...state, outbox: mine }, now);
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
  // Effects to retry are released (claim time 0): the next run takes them without waiting out the lease.
  const release = new Set(state.outbox.filter((entry) => !result.finished.has(entry.id)).map((e) => e.id));
  const cleared = await deps.store.update(customerId, (fresh) => {
    fresh.outbox = fresh.outbox.filter((entry) => !result.finished.has(entry.id));
    for (const entry of fresh.outbox) if (release.has(entry.id)) entry.claimedAt = 0;
  });
  const latest = cleared.state;
  if (result.retry)
    throw new RetryableError(`customer ${customerId}: ${result.retry.message}`, result.retry.reason);
  return latest;
}

import type { CustomerStateStore, FirstRead } from "../adapters/customer-state-store.ts";
import { type CampaignCount, campaignCounts } from "../core/engine/campaign-counts.ts";
import type { CompiledCampaigns } from "../core/engine/compile.ts";
import type { Decision } from "../core/engine/decisions.ts";
import { rememberApplied } from "../core/state/applied-events.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import { claimEffects, freeClaimTime } from "./claim-effects.ts";
import type { RepeatEvery } from "./effect-lease.ts";
import { canPerform, type EffectPorts } from "./effect-ports.ts";
import { deferred, EFFECT_LEASE_MS, finishEffects, publishAudit } from "./finish-effects.ts";
import { interestTouches, productsToIndex } from "./interest-refresh.ts";
import { performEntry } from "./perform-outbox.ts";
import type { RuntimeLog } from "./runtime-log.ts";

export type RuntimeDeps = {
  compiled: CompiledCampaigns;
  store: CustomerStateStore;
  ports: EffectPorts;
  /** Audit events for other tools (message.sent …); best effort, after the state is safe and the sends made. */
  publishAudit?: (decisions: readonly Decision[]) => Promise<unknown>;
  count?: (counts: CampaignCount[]) => void;
  now: () => number;
  log: RuntimeLog;
  /** Real-time interval of the lease checks while an effect is in flight (default a quarter of the lease). */
  leaseCheckMs?: number;
  /** Schedules those checks (default a real-time setInterval); a test's virtual clock replaces it. */
  leaseEvery?: RepeatEvery;
};

export { EFFECT_BUDGET_MS, EFFECT_LEASE_MS } from "./finish-effects.ts";

/**
 * One decision about one customer, as DESIGN.md's "State" asks: load, decide, claim the effects
 * and write in one conditional write (retried on a version conflict), then perform the effects and
 * record them (a receipt each, or a write when it must change the state). An event already applied (a
 * redelivery after a crash) is not applied again, but its unfinished effects are finished.
 * `finishLeftovers` (the sweep's backstop): take over lapsed claims even if nothing is decided.
 * `firstRead`: how the state is read first (FirstRead; consistent by default). `ownJourney`: the
 * journey whose workflow this run is (its Step), which ends by itself. `saved`: whether the state was
 * written. Throws RetryableError if an effect must be tried again.
 */
export async function runForCustomer(
  deps: RuntimeDeps,
  customerId: string,
  eventId: string | undefined,
  decideFn: (state: CustomerState, now: number) => Decision[],
  options: { finishLeftovers?: boolean; firstRead?: FirstRead; ownJourney?: string } = {},
): Promise<{ decisions: Decision[]; state: CustomerState; saved: boolean }> {
  const now = deps.now();
  // This run's claim time, its own among the customer's claims (receipts and their sweep filings are
  // keyed by it): another run's claim in the same millisecond would share them.
  let claimAt = now;
  // The effects this run performs: those it claims now, and those a crashed or failed run left,
  // taken over in the same conditional write (so two runs cannot both take them). Only effects this
  // function can perform: the others stay, unclaimed, for a function that can.
  let claimed = new Set<string>();
  // Interest-index upserts: idempotent, so done before the write rather than claimed in the outbox
  // (which would take a second write to clear). A crash before the write redoes them with the event.
  let upserts: OutboxEntry[] = [];
  // The journeys waiting before the decision, by id: the generation of their live workflow.
  let waiting = new Map<string, number | undefined>();
  const takeOver = (state: CustomerState, which: (entry: OutboxEntry) => boolean) => {
    for (const entry of state.outbox)
      if (
        which(entry) &&
        now - entry.claimedAt >= EFFECT_LEASE_MS &&
        canPerform(deps.ports, entry) &&
        !deferred(entry, now)
      ) {
        entry.claimedAt = claimAt;
        claimed.add(entry.id);
      }
  };
  const update = (state: CustomerState) => {
    claimed = new Set();
    upserts = [];
    claimAt = freeClaimTime(state.outbox, now);
    // Released entries (claim time 0) were not performed: taken at once. A lapsed claim may have been
    // performed and recorded in a receipt, read only before a write (CustomerStateStore.update): it is
    // not taken over by an event that decides nothing (a catalog candidate the change does not
    // concern), which would read the receipt at each such run and write nothing; the customer's next
    // deciding run, a redelivery or the sweep's backstop takes it.
    takeOver(state, (entry) => entry.claimedAt === 0);
    if (eventId !== undefined && state.appliedEvents.includes(eventId)) {
      takeOver(state, () => true);
      return [];
    }
    const version = state.version;
    const touchedBefore = interestTouches(state);
    waiting = new Map(state.journeys.map((journey) => [journey.id, journey.wakeGeneration]));
    const decisions = decideFn(state, now);
    // Nothing decided and the state left as it was (a catalog candidate the change does not concern):
    // not remembered, so nothing to write; a redelivery decides again on the state, as a late delivery.
    if (decisions.length === 0 && state.version === version) {
      if (eventId === undefined || options.finishLeftovers) takeOver(state, () => true);
      return decisions;
    }
    takeOver(state, () => true);
    // decide() remembers a customer event by its own time; other ids (catalog, sweep, unsubscribe) by now.
    if (eventId !== undefined)
      rememberApplied(state, eventId, now, deps.compiled.settings.retention.appliedEvents);
    const before = state.outbox.length;
    claimEffects(state, decisions, claimAt);
    const added = state.outbox.splice(before);
    for (const entry of added)
      if (!canPerform(deps.ports, entry)) {
        entry.claimedAt = 0; // released at once: the next capable run takes it without waiting
        state.outbox.push(entry);
      } else if (entry.kind === "interest") {
        // A product already touched today has its index entry: not written again.
        const productIds = productsToIndex(entry.productIds, touchedBefore, state);
        if (productIds.length > 0) upserts.push({ ...entry, productIds });
      } else {
        claimed.add(entry.id);
        state.outbox.push(entry);
      }
    return decisions;
  };
  const outcome = await deps.store.update(
    customerId,
    update,
    () => performUpserts(deps, customerId, upserts, now),
    options.firstRead !== undefined ? { firstRead: options.firstRead } : {},
  );
  const decisions = outcome.result;
  let state = outcome.state;
  // The other entries belong to a run still performing them.
  const mine = state.outbox.filter((entry) => claimed.has(entry.id));
  // A message's message.sent (and its Sent count) comes from the run that sends it, once sent
  // (finishEffects): a send left to a retry, the sweep or a later event is published there; one
  // dropped or suppressed, never.
  const audit = decisions.filter(
    (decision) => decision.type !== "message" || decision.line.status !== "sent",
  );
  deps.count?.(campaignCounts(audit));
  try {
    if (mine.length > 0) state = await finishEffects(deps, customerId, state, mine, claimAt, audit);
    else await publishAudit(deps, customerId, audit);
  } finally {
    // Also when an effect is left to a retry: the retry decides nothing again, so it would stop nothing.
    if (outcome.saved) await stopEndedWorkflows(deps, customerId, decisions, waiting, options.ownJourney);
  }
  return { decisions, state, saved: outcome.saved };
}

/**
 * A journey that ended while it waited (an exit event, a live edit, the awaited event ending it) has
 * a workflow asleep until its wake, which would then run a Step only to find it gone; so has the
 * older generation of a journey woken earlier by a newer one. Stopped now, that Step, its Choice and
 * the end are not run (three transitions, a Lambda call and a state read).
 */
async function stopEndedWorkflows(
  deps: RuntimeDeps,
  customerId: string,
  decisions: readonly Decision[],
  waiting: ReadonlyMap<string, number | undefined>,
  ownJourney: string | undefined,
): Promise<void> {
  const { stopJourney } = deps.ports;
  if (!stopJourney) return;
  const asleep = (journeyId: string) => journeyId !== ownJourney && waiting.has(journeyId);
  const stops = new Set<string>();
  for (const decision of decisions)
    if (
      (decision.type === "journey" &&
        (decision.change === "exited" || decision.change === "stopped" || decision.change === "completed") &&
        asleep(decision.journeyId)) ||
      (decision.type === "wake" &&
        decision.generation !== undefined &&
        asleep(decision.journeyId) &&
        waiting.get(decision.journeyId) !== decision.generation)
    )
      stops.add(decision.journeyId);
  await Promise.all(
    [...stops].map((journeyId) =>
      stopJourney(customerId, journeyId, waiting.get(journeyId)).catch((error: unknown) =>
        deps.log.warn("workflow not stopped", { customerId, journeyId, reason: (error as Error).name }),
      ),
    ),
  );
}

/** The interest-index upserts of a run, before its write: one that must be retried fails the run. */
async function performUpserts(
  deps: RuntimeDeps,
  customerId: string,
  entries: readonly OutboxEntry[],
  now: number,
): Promise<void> {
  for (const entry of entries) {
    const result = await performEntry(deps.ports, customerId, entry, now, deps.log);
    if (result.outcome === "retry") throw result.error;
  }
}

import { errorReason, RetryableError } from "../adapters/errors.ts";
import { SDK_CALL_BUDGET_MS } from "../adapters/sdk-client-settings.ts";
import { campaignCounts } from "../core/engine/campaign-counts.ts";
import type { Decision, MessageDecision } from "../core/engine/decisions.ts";
import { recheckSend, uncountSend } from "../core/engine/recheck-send.ts";
import type { SuppressionReason } from "../core/policies/judge-send.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import { type MessageEntry, startWithWake } from "./claim-effects.ts";
import type { RuntimeDeps } from "./customer-runner.ts";
import { EffectLease } from "./effect-lease.ts";
import { type EffectOutcome, performEntry } from "./perform-outbox.ts";

/**
 * How long an effect belongs to the run that claimed it. Another run for the same customer (a
 * concurrent redelivery, an ingest racing a journey step) leaves it alone meanwhile, or the effect
 * would be performed twice; after this the claimer is taken to have crashed and any run finishes it.
 * Shorter than the senders' function timeout (30 s), so the retry that follows a timeout takes over.
 * A run renews it while its effects take long (effect-lease.ts).
 */
export const EFFECT_LEASE_MS = 20_000;
/**
 * The longest one effect takes with the SDK limits (sdk-client-settings.ts): an email is two calls
 * (its link-signing key, cached after the first, then SES), the others one. Below the lease: an effect
 * started with this much lease left ends before another run may take it over.
 */
export const EFFECT_BUDGET_MS = 2 * SDK_CALL_BUDGET_MS;
/** An effect still running after this hangs (the function's timeout stops it): its lease is let lapse. */
const MAX_HOLD_MS = 60_000;
/** How long the write recording performed effects is retried (version conflicts, throttling). */
const RECORD_BUDGET_MS = 10_000;

/** Audit events (message.sent …) on the bus: best effort, once the state is safe. */
export async function publishAudit(deps: RuntimeDeps, customerId: string, decisions: readonly Decision[]) {
  if (!deps.publishAudit || decisions.length === 0) return;
  try {
    await deps.publishAudit(decisions);
  } catch (error) {
    deps.log.warn("audit events not published", { customerId, reason: (error as Error).name });
  }
}

/** A message deferred by quiet hours when judged again, not to be taken before its time. */
export const deferred = (entry: OutboxEntry, now: number) =>
  entry.kind === "message" && entry.notBefore !== undefined && entry.notBefore > now;

/** What the record write does besides removing finished entries and releasing failed ones. */
type HeldBack = {
  /** Suppressed when judged again: the cap count (at) to take back. */
  uncount: Map<string, number>;
  /** Deferred by quiet hours when judged again: until when. */
  defer: Map<string, number>;
};

/**
 * Performs the effects a run holds, each under its lease (re-checked before each, renewed while one is
 * in flight), judging again a message decided by an earlier run, and records what became of them.
 * Publishes the audit events `decided` (the deciding run's), each message sent (message.sent: by
 * the run that sent it, whichever decided it) and each dropped when judged again (message.suppressed),
 * also when it throws. Throws RetryableError if an effect must be tried again (it is released for the
 * next attempt).
 */
export async function finishEffects(
  deps: RuntimeDeps,
  customerId: string,
  state: CustomerState,
  entries: readonly OutboxEntry[],
  now: number,
  decided: readonly Decision[],
): Promise<CustomerState> {
  const lease = new EffectLease(
    deps,
    customerId,
    entries.map((entry) => entry.id),
    now,
    {
      leaseMs: EFFECT_LEASE_MS,
      effectBudgetMs: EFFECT_BUDGET_MS,
      maxHoldMs: MAX_HOLD_MS,
      checkEveryMs: deps.leaseCheckMs ?? EFFECT_LEASE_MS / 4,
      ...(deps.leaseEvery ? { every: deps.leaseEvery } : {}),
    },
  );
  // Performed or dropped, not yet recorded; and failed, to release for the next attempt.
  // Each with the claim time it carries in the stored state (the lease's when it was let go).
  const finished = new Map<string, number>();
  // Entries finished by this run, recorded or to be: all of them, and the claim's backstop can go.
  let finishedCount = 0;
  const release = new Set<string>();
  let retry: RetryableError | undefined;
  let latest = state;
  // Messages last: the idempotent effects (workflow starts, index writes) cannot fail after a send.
  const ordered = [...entries].sort((a, b) => Number(a.kind === "message") - Number(b.kind === "message"));
  const held: HeldBack = { uncount: new Map(), defer: new Map() };
  const suppressed: Decision[] = [];
  // Published with the message records: a message's event is lost only if the run dies before its record.
  let unpublished = [...decided];
  const publish = async () => {
    const events = unpublished;
    unpublished = [];
    await publishAudit(deps, customerId, events);
  };
  try {
    for (const [index, entry] of ordered.entries()) {
      if (performedNotRecorded.has(memoryKey(customerId, entry.id))) {
        lease.let(entry.id);
        finished.set(entry.id, lease.since);
        finishedCount++;
        continue;
      }
      // Decided by an earlier run: judged again on the state as it is now (after this run's event).
      if (entry.kind === "message" && entry.decidedAt !== now) {
        const verdict = recheckSend(deps.compiled, state, entry, now);
        if (verdict.outcome !== "send") {
          lease.let(entry.id);
          if (verdict.outcome === "defer") held.defer.set(entry.id, verdict.until);
          else {
            finished.set(entry.id, lease.since);
            finishedCount++;
            if (verdict.counted && entry.at !== undefined) held.uncount.set(entry.id, entry.at);
            suppressed.push(
              messageOf(customerId, entry, now, { status: "suppressed", reason: verdict.reason }),
            );
            deps.log.info("pending message not sent", {
              customerId,
              entry: entry.id,
              reason: verdict.reason,
            });
          }
          continue;
        }
      }
      if (!(await lease.mayPerform(entry.id))) {
        // Taken over by another run: its effect now. Lease not renewable: it lapses, a later run takes it.
        if (!lease.isLost(entry.id))
          retry ??= new RetryableError(`customer ${customerId}: lease not renewed`, "lease_not_renewed");
        continue;
      }
      // A start claimed without its wake (by code before starts kept it) takes the journey's; none if it ended.
      const effect = entry.kind === "start" ? startWithWake(state, entry) : entry;
      const result: EffectOutcome = effect
        ? await lease.during(entry.id, (signal) =>
            performEntry(deps.ports, customerId, effect, now, deps.log, signal),
          )
        : { outcome: "done" };
      lease.let(entry.id);
      if (result.outcome === "retry") {
        retry ??= result.error;
        release.add(entry.id);
        continue;
      }
      finished.set(entry.id, lease.since);
      finishedCount++;
      // A message dropped by its provider (a permanent refusal) was not sent: no message.sent, not counted.
      if (result.outcome === "done" && entry.kind === "message") {
        const sent = {
          ...messageOf(customerId, entry, entry.at ?? now, { status: "sent" }),
          sentAt: deps.now(),
        };
        deps.count?.(campaignCounts([sent]));
        unpublished.push(sent);
        // Recorded before the next message: nothing that fails later in the run sends it again.
        if (index < ordered.length - 1) {
          latest =
            (await recordEffects(deps, customerId, latest, finished, new Set(), lease.since)) ?? latest;
          finished.clear();
          await publish();
        }
      }
    }
    // Every entry finished: the last receipts complete their claims (a renewal settled the ones before).
    const completes = retry === undefined && finishedCount === entries.length;
    latest =
      (await recordEffects(deps, customerId, latest, finished, release, lease.since, held, completes)) ??
      latest;
    if (suppressed.length > 0) {
      deps.count?.(campaignCounts(suppressed));
      unpublished.push(...suppressed);
    }
  } finally {
    await publish();
  }
  if (retry) throw new RetryableError(`customer ${customerId}: ${retry.message}`, retry.reason);
  return latest;
}

/**
 * Records what became of the run's effects. Finished entries alone (the common case) get a receipt, by
 * the claim time they carry (CustomerStateStore.recordPerformed: one small write, not a write of the
 * whole state; the entries leave the item with its next write). Otherwise one write of the state removes the finished entries,
 * releases the failed ones (claim time 0: the next run takes them without waiting out the lease) unless
 * another run has claimed them since, and applies what `held` says. Retried on version conflicts and
 * throttling until it lands or RECORD_BUDGET_MS passes; a failure never turns into a retry of the
 * effects: they are remembered here as performed, and the error is logged. Returns the state as the
 * run leaves it, if it is known.
 */
async function recordEffects(
  deps: RuntimeDeps,
  customerId: string,
  state: CustomerState,
  finished: ReadonlyMap<string, number>,
  release: ReadonlySet<string>,
  claimedAt: number,
  held: HeldBack = { uncount: new Map(), defer: new Map() },
  completesClaim = false,
): Promise<CustomerState | undefined> {
  if (finished.size === 0 && release.size === 0 && held.defer.size === 0) return undefined;
  const receiptsOnly = release.size === 0 && held.defer.size === 0 && held.uncount.size === 0;
  const deadline = Date.now() + RECORD_BUDGET_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      if (receiptsOnly) {
        for (const claim of new Set(finished.values()))
          await deps.store.recordPerformed(
            customerId,
            claim,
            [...finished].flatMap(([id, at]) => (at === claim ? [id] : [])),
            deps.now(),
            { completesClaim },
          );
        return { ...state, outbox: state.outbox.filter((entry) => !finished.has(entry.id)) };
      }
      const { state: written } = await deps.store.update(customerId, (fresh) => {
        for (const entry of fresh.outbox) {
          const at = held.uncount.get(entry.id);
          if (at !== undefined) uncountSend(fresh, at);
        }
        fresh.outbox = fresh.outbox.filter((entry) => !finished.has(entry.id));
        for (const entry of fresh.outbox) {
          const until = held.defer.get(entry.id);
          if (until !== undefined && entry.kind === "message" && entry.claimedAt === claimedAt) {
            entry.notBefore = until;
            entry.claimedAt = 0;
          }
          if (release.has(entry.id) && entry.claimedAt === claimedAt) entry.claimedAt = 0;
        }
      });
      return written;
    } catch (error) {
      if (!(error instanceof RetryableError) || Date.now() >= deadline) {
        for (const id of finished.keys()) rememberPerformed(memoryKey(customerId, id));
        deps.log.error("effects performed but not recorded", {
          customerId,
          entries: [...finished.keys()],
          reason: errorReason(error),
        });
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
    }
  }
}

/**
 * Effects this container performed and could not record: a later run here (a retry often lands on
 * the same warm container) records them without performing them again. Bounded; best effort.
 */
const performedNotRecorded = new Set<string>();
const PERFORMED_REMEMBERED = 1_000;

function rememberPerformed(key: string): void {
  performedNotRecorded.add(key);
  if (performedNotRecorded.size > PERFORMED_REMEMBERED)
    performedNotRecorded.delete(performedNotRecorded.values().next().value as string);
}

/**
 * A message entry sent, or dropped when judged again, as the decision line the counts and audit
 * events report (auditEventOf): the same detail as the deciding run's line.
 */
function messageOf(
  customerId: string,
  entry: MessageEntry,
  at: number,
  outcome: { status: "sent" } | { status: "suppressed"; reason: SuppressionReason },
): MessageDecision {
  return {
    type: "message",
    journeyId: entry.journeyId,
    marketing: entry.marketing,
    topic: entry.topic,
    line: {
      at: new Date(at).toISOString(),
      campaign: entry.campaign,
      step: entry.step,
      customerId,
      channel: entry.channel,
      ...outcome,
      template: entry.template,
      productIds: entry.productIds,
      deferredFrom: entry.deferredFrom === undefined ? undefined : new Date(entry.deferredFrom).toISOString(),
    },
  };
}

const memoryKey = (customerId: string, entryId: string) => `${customerId}\u0000${entryId}`;

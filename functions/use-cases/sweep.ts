import type { DueIndex } from "../adapters/dynamodb-due-index.ts";
import type { ScannedCustomer, StateScan } from "../adapters/dynamodb-state-scan.ts";
import { errorReason, RetryableError } from "../adapters/errors.ts";
import type { CompiledCampaigns } from "../core/engine/compile.ts";
import { nextDueAt } from "../core/engine/due.ts";
import { dueDecisions } from "../core/engine/schedule.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import * as z from "../core/validation/zod.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { canPerform } from "../runtime/effect-ports.ts";
import { deferred } from "../runtime/finish-effects.ts";

const HOUR_MS = 3_600_000;
/** The longest a Lambda invocation lives: an entry claimed longer ago than this has no live claimant. */
export const MAX_INVOCATION_MS = 15 * 60_000;

export const SweepInputSchema = z.object({
  campaignId: z.string().check(z.minLength(1)),
  /**
   * Any instant of the hour to sweep; default: now. EventBridge Scheduler can fill it with
   * `<aws.scheduler.scheduled-time>`, so that a late retry still sweeps the hour it was meant for.
   */
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
});

/** What the sweep runs on: the common runtime, a scan of the state table, and tuning for tests. */
export type SweepRuntime = { deps: RuntimeDeps; scan: StateScan; options?: SweepOptions };

export type SweepOptions = {
  /** Parallel scan segments (default 4). */
  segments?: number;
  /** Customers of a page decided on at once (default 8). */
  concurrency?: number;
  /**
   * Read the due-time index instead of scanning the table; with `lastSwept` and `recordSwept`, the
   * catch-up window starts at the campaign's last completed sweep (catchUpFrom).
   */
  dueIndex?: Pick<DueIndex, "customersDue" | "refile"> &
    Partial<Pick<DueIndex, "claimsLapsed" | "lastSwept" | "recordSwept">>;
  /**
   * The most hours before this one whose index entries are read too (default 48): a customer filed
   * under an hour whose sweeps did not run (an outage) is still found, and filed again.
   */
  catchUpHours?: number;
};

/**
 * When the sweep should next read this customer, written with each state (the due-time index): the
 * first hour a swept campaign may decide something (nextDueAt, counted from the start of the current
 * hour, so that a write during an hour keeps the customer in that hour's sweeps, except for campaigns
 * whose sweep of this hour has run for it), or sooner when released effects wait in the outbox (this
 * hour, or when their quiet hours end). Claimed effects are not counted: a claim whose lapse comes before
 * this time has its own filing, its receipt's (the store's `claimLapseMs`). Undefined (not indexed) when
 * no campaign is swept and no released effect waits. `filedDueAt`, the time the item is filed under now,
 * is kept while it is early enough (dueAtToFile).
 */
export function sweepDueAt(
  compiled: CompiledCampaigns,
  state: CustomerState,
  now: number,
  filedDueAt?: number,
): number | undefined {
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const swept = sweptThisHour(state, hour);
  let due = compiled.scheduleTriggers.length > 0 ? nextDueAt(compiled, state, hour, swept) : undefined;
  for (const entry of state.outbox) {
    if (entry.claimedAt !== 0) continue;
    const at = Math.max(hour, (entry.kind === "message" && entry.notBefore) || 0);
    if (due === undefined || at < due) due = at;
  }
  // Filed under this hour by a sweep that has decided for the customer: what is left for this hour's
  // sweeps is in `due`, so a filed time before it would only be read for nothing and refiled (a whole-item
  // UpdateItem and an index move), where moving it now costs the index move only.
  return dueAtToFile(
    swept && filedDueAt !== undefined && filedDueAt < hour + HOUR_MS ? undefined : filedDueAt,
    due,
    hour,
  );
}

/** The event id of a campaign's sweep of an hour: a customer's run under it is remembered (applied). */
export function sweepEventId(campaignId: string, hour: number): string {
  return `sweep:${campaignId}:${new Date(hour).toISOString().slice(0, 13)}`;
}

/** The campaigns whose sweep of this hour has run for the customer: their occurrences before the next hour are decided. */
function sweptThisHour(state: CustomerState, hour: number): Map<string, number> | undefined {
  const suffix = sweepEventId("", hour).slice("sweep:".length);
  const swept = new Map<string, number>();
  for (const id of state.appliedEvents)
    if (id.startsWith("sweep:") && id.endsWith(suffix))
      swept.set(id.slice("sweep:".length, -suffix.length), hour + HOUR_MS);
  return swept.size > 0 ? swept : undefined;
}

/**
 * The due time to file: the one filed already while it is still early enough (not after the new one,
 * in this hour or later), else the new one. A write that does not move the due time earlier then leaves
 * the index attributes as they are (changing them rewrites the index entry: a delete and a put). Filed
 * early, a customer is merely swept early, finds nothing due and is filed again (refileIfPast); never late.
 */
export function dueAtToFile(filed: number | undefined, due: number | undefined, hour: number) {
  return filed !== undefined && due !== undefined && filed <= due && filed >= hour ? filed : due;
}

export type SweepCounts = {
  /** Customer items read. */
  scanned: number;
  /** Customers with an occurrence of the campaign in the hour whose conditions held. */
  due: number;
  /** Customers the run decided something for (a journey started, a message sent or suppressed). */
  applied: number;
  /** Messages sent (claimed and delivered). */
  messages: number;
  /** Customers this hour's sweep had already run for (a retried or repeated invocation). */
  alreadyApplied: number;
  /** Customers whose unfinished effects (a crashed earlier run) were finished. */
  finished: number;
  /** Customers that failed in a way a retry may mend (the invocation then fails, to be retried). */
  retryable: number;
  /** Customers that failed for good (corrupt or oversized state, a refused message). */
  failed: number;
  /** Customers read from the index whose due time had passed with nothing decided: filed again (a write). */
  refiled: number;
};

export type SweepOutcome =
  | ({ outcome: "swept"; campaignId: string; hour: string; eventId: string } & SweepCounts)
  | { outcome: "rejected"; campaignId: string | undefined; problems: string };

/**
 * The sends of one scheduled campaign due this hour, each customer's run under the event id
 * `sweep:<campaignId>:<hour>` so a retried invocation runs nothing twice. On AWS it reads only the
 * customers the due-time index files under this hour and its catch-up window (`options.dueIndex`);
 * without it, it scans the table. Why hourly, and the index: docs/architecture.md, docs/state.md.
 */
export async function sweepCampaign(
  deps: RuntimeDeps,
  scan: StateScan,
  input: unknown,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const parsed = SweepInputSchema.safeParse(input);
  if (!parsed.success) {
    const raw = (input as { campaignId?: unknown } | null)?.campaignId;
    return {
      outcome: "rejected",
      campaignId: typeof raw === "string" ? raw : undefined,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; "),
    };
  }
  const { campaignId, scheduledTime } = parsed.data;
  if (!deps.compiled.scheduleTriggers.some((bound) => bound.campaign.id === campaignId))
    return {
      outcome: "rejected",
      campaignId,
      problems: deps.compiled.campaigns.get(campaignId)?.enabled
        ? "the campaign has no schedule trigger"
        : "no such campaign (or it is disabled)",
    };

  const from = Math.floor((scheduledTime ? Date.parse(scheduledTime) : deps.now()) / HOUR_MS) * HOUR_MS;
  const to = from + HOUR_MS;
  const hour = new Date(from).toISOString().slice(0, 13);
  const eventId = sweepEventId(campaignId, from);
  const counts: SweepCounts = {
    scanned: 0,
    due: 0,
    applied: 0,
    messages: 0,
    alreadyApplied: 0,
    finished: 0,
    retryable: 0,
    failed: 0,
    refiled: 0,
  };
  const window = { campaignId, from, to, eventId, dueIndex: options.dueIndex };

  const { dueIndex } = options;
  let read = scan;
  if (dueIndex)
    read = dueIndex.customersDue(
      catchUpFrom(from, await dueIndex.lastSwept?.(campaignId), options.catchUpHours ?? 48),
      to,
    );
  await forEachScanned(read, options, (customer) => sweepCustomer(deps, window, customer, counts));

  if (counts.retryable > 0)
    throw new RetryableError(
      `sweep ${eventId}: ${counts.retryable} customer(s) to retry (${JSON.stringify(counts)})`,
      "customers_to_retry",
    );
  await dueIndex?.recordSwept?.(campaignId, from);
  return { outcome: "swept", campaignId, hour, eventId, ...counts };
}

/**
 * The first hour of the index a sweep of `hour` reads. Normally the two hours before it: a customer is
 * refiled only once the hour after its own has been swept too (refileIfPast), and a write after an hour's
 * sweep files the customer in that hour. After missed sweeps, from the hour before the last completed
 * one (`lastSwept`), so that whoever was filed while none ran is found; at most `maxHours` back, and that
 * far when no sweep is recorded (the one-off backfill files anyone older: docs/state.md).
 */
export function catchUpFrom(hour: number, lastSwept: number | undefined, maxHours: number): number {
  const earliest = hour - Math.max(0, maxHours) * HOUR_MS;
  if (lastSwept === undefined) return earliest;
  return Math.max(earliest, Math.min(lastSwept, hour - HOUR_MS) - HOUR_MS);
}

type SweepWindow = {
  campaignId: string;
  from: number;
  to: number;
  eventId: string;
  dueIndex: SweepOptions["dueIndex"];
};

async function sweepCustomer(
  deps: RuntimeDeps,
  window: SweepWindow,
  scanned: ScannedCustomer,
  counts: SweepCounts,
): Promise<void> {
  counts.scanned++;
  const { customerId } = scanned;
  const stored = scanned.state;
  if (!stored) {
    counts.failed++;
    deps.log.warn("sweep: stored state is invalid", { customerId, campaignId: window.campaignId });
    return;
  }
  const { compiled } = deps;
  const { campaignId, from, to, eventId } = window;
  const alreadyApplied = stored.appliedEvents.includes(eventId);
  if (alreadyApplied) counts.alreadyApplied++;
  // Decided on the scanned copy only to learn whether anything is due; runForCustomer decides again.
  const due = !alreadyApplied && dueDecisions(compiled, stored, campaignId, from, to).length > 0;
  const leftovers =
    !due &&
    hasLeftovers(
      deps,
      scanned,
      stored,
      window.dueIndex !== undefined,
      alreadyApplied ? campaignId : undefined,
    );
  if (!due && !leftovers) return refileIfPast(deps, window, scanned, stored, counts, from + HOUR_MS);
  if (due) counts.due++;
  try {
    const { decisions, saved } = due
      ? // Something is due, so the run almost always writes: an eventually consistent first read (half
        // the read units). A write decided on a stale copy fails its version check and is decided again
        // on a consistent read; "nothing to write" is believed only from a consistent read.
        await runForCustomer(
          deps,
          customerId,
          eventId,
          (fresh) => dueDecisions(compiled, fresh, campaignId, from, to),
          { finishLeftovers: true, firstRead: "eventual" },
        )
      : // The backstop. Entries found performed (receipts) are not worth a write of their own: they
        // leave the item with its next write. With nothing written, a past filing is renewed as for
        // anyone with nothing due.
        await runForCustomer(deps, customerId, undefined, () => [], { finishLeftovers: true });
    if (!due && !saved) return refileIfPast(deps, window, scanned, stored, counts, from + HOUR_MS);
    if (leftovers) counts.finished++;
    if (decisions.length > 0) counts.applied++;
    counts.messages += decisions.filter((d) => d.type === "message" && d.line.status === "sent").length;
  } catch (error) {
    if (error instanceof RetryableError) counts.retryable++;
    else counts.failed++;
    deps.log.warn("sweep: customer not swept", {
      customerId,
      campaignId,
      reason: errorReason(error),
    });
  }
}

/**
 * A customer filed under an hour before the last one, with nothing for this sweep: the hour's sweeps
 * have had their turn (a state written since would have been filed anew), so it is filed under its next
 * due time from this hour on (`orElse` when none), or it would stay in a past bucket until it drops out
 * of the window. The last hour is left alone: its sweeps of other campaigns may not have run yet.
 */
export async function refileIfPast(
  deps: RuntimeDeps,
  window: { from: number; dueIndex: SweepOptions["dueIndex"] },
  scanned: ScannedCustomer,
  stored: CustomerState,
  counts: Pick<SweepCounts, "refiled" | "retryable" | "failed">,
  orElse: number | undefined,
): Promise<void> {
  const { dueIndex, from } = window;
  if (!dueIndex || scanned.dueAt === undefined || scanned.version === undefined) return;
  if (!filedInPast(scanned.dueAt, from)) return;
  const next = sweepDueAt(deps.compiled, stored, from) ?? orElse;
  if (next === undefined) return;
  try {
    if (await dueIndex.refile(scanned.customerId, scanned.version, next)) counts.refiled++;
  } catch (error) {
    if (error instanceof RetryableError) counts.retryable++;
    else counts.failed++;
  }
}

/** Filed under an hour before the last one: the sweeps of its hour and of the next have run. */
export function filedInPast(dueAt: number, hour: number): boolean {
  return dueAt < hour - HOUR_MS;
}

/**
 * Effects left in the outbox that this sweep should finish: its own from an earlier attempt of the same
 * hour (`ownCampaign`: the campaign whose sweep of the hour has run for the customer), or any old enough
 * that whoever claimed them has stopped, or released (claim time 0: left by a function that could not
 * perform them, deferred by quiet hours, failed). This is the backstop that finishes an entry no later
 * run comes for. A fresh claim of another invocation is left to it, so the two do not deliver the same
 * message at once.
 * Read from the due-time index (`indexed`), a lapsed claim counts when the customer's own filing is at
 * its lapse or before (the store files it there, or the claim's receipt at the lapse: that is the claims'
 * sweep's, sweep-claims.ts). Otherwise it is the claims' sweep's, or was performed and leaves the item with its
 * next write: reading its receipt at every sweep that reads the customer would cost more than that.
 */
export function hasLeftovers(
  deps: RuntimeDeps,
  scanned: ScannedCustomer,
  state: CustomerState,
  indexed: boolean,
  ownCampaign?: string,
): boolean {
  const now = deps.now();
  const claimFiledHere = (claimedAt: number) =>
    !indexed ||
    claimedAt === 0 ||
    scanned.dueAt === undefined ||
    scanned.dueAt <= claimedAt + MAX_INVOCATION_MS;
  return state.outbox.some(
    (entry) =>
      canPerform(deps.ports, entry) &&
      !deferred(entry, now) &&
      ((now - entry.claimedAt > MAX_INVOCATION_MS && claimFiledHere(entry.claimedAt)) ||
        (ownCampaign !== undefined && campaignOfEntry(state, entry) === ownCampaign)),
  );
}

function campaignOfEntry(state: CustomerState, entry: OutboxEntry): string | undefined {
  if (entry.kind === "message") return entry.campaign;
  if (entry.kind === "start")
    return state.journeys.find((journey) => journey.id === entry.journeyId)?.campaign;
  return undefined;
}

/** Runs `finish` on each customer `read` yields: its segments in parallel, `concurrency` customers at a time in each. */
export async function forEachScanned(
  read: StateScan,
  options: Pick<SweepOptions, "segments" | "concurrency">,
  finish: (customer: ScannedCustomer) => Promise<void>,
): Promise<void> {
  const segments = Math.max(1, options.segments ?? 4);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const page of read(segment, segments)) await forEachLimited(page, concurrency, finish);
    }),
  );
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

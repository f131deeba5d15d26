import type { ScannedCustomer } from "../adapters/dynamodb-state-scan.ts";
import { errorReason, RetryableError } from "../adapters/errors.ts";
import type { OutboxEntry } from "../core/state/customer-state.ts";
import { describeIssues } from "../core/validation/describe-issue.ts";
import * as z from "../core/validation/zod.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { canPerform } from "../runtime/effect-ports.ts";
import { deferred } from "../runtime/finish-effects.ts";
import { forEachLimited, MAX_INVOCATION_MS, type SweepRuntime } from "./sweep.ts";

const HOUR_MS = 3_600_000;

/** The claims' sweep's input: `{ sweep: "claims" }`, and the hour as for a campaign's (SweepInputSchema). */
export const ClaimsSweepInputSchema = z.strictObject({
  sweep: z.literal("claims"),
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
});

/** An input meant for the claims' sweep (it names a sweep), valid or not. */
export function isClaimsSweepInput(input: unknown): boolean {
  return typeof input === "object" && input !== null && "sweep" in input;
}

export type ClaimsSweepCounts = {
  /** Customers read, found under a lapsed claim's filing whose receipt is not settled. */
  scanned: number;
  /** Customers whose lapsed claimed effects (a dead run's) were performed. */
  finished: number;
  /** Claims' filings found with nothing left to perform: settled, so they are not read for the customer again. */
  settled: number;
  /** Customers that failed in a way a retry may mend (the invocation then fails, to be retried). */
  retryable: number;
  /** Customers that failed for good (corrupt or oversized state, a refused message). */
  failed: number;
};

export type ClaimsSweepOutcome =
  | ({ outcome: "claims swept"; hour: string } & ClaimsSweepCounts)
  | { outcome: "rejected"; campaignId: undefined; problems: string };

/**
 * The backstop of claims whose run died: hourly, whatever campaigns are swept, it reads the claims
 * filed in the due-time index at a lapse since its last completed run (claimsFrom) and not settled, and
 * finishes each customer's lapsed claimed effects, deciding nothing (no campaign's occurrence: those are
 * the campaign sweeps'). Without the index, it scans the table for them. docs/state.md.
 */
export async function sweepClaims(runtime: SweepRuntime, input: unknown): Promise<ClaimsSweepOutcome> {
  const parsed = ClaimsSweepInputSchema.safeParse(input);
  if (!parsed.success)
    return {
      outcome: "rejected",
      campaignId: undefined,
      problems: describeIssues(parsed.error)
        .map((p) => `${p.path}: expected ${p.expected}`)
        .join("; "),
    };
  const { deps, scan, options = {} } = runtime;
  const { scheduledTime } = parsed.data;
  const from = Math.floor((scheduledTime ? Date.parse(scheduledTime) : deps.now()) / HOUR_MS) * HOUR_MS;
  const counts: ClaimsSweepCounts = { scanned: 0, finished: 0, settled: 0, retryable: 0, failed: 0 };
  const { dueIndex } = options;
  const read = dueIndex?.claimsLapsed
    ? dueIndex.claimsLapsed(
        claimsFrom(from, await dueIndex.lastSwept?.(CLAIMS_MARKER), options.catchUpHours ?? 48),
        from,
      )
    : scan;
  const segments = Math.max(1, options.segments ?? 4);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const page of read(segment, segments))
        await forEachLimited(page, concurrency, (customer) => finishClaims(deps, customer, counts));
    }),
  );
  const hour = new Date(from).toISOString().slice(0, 13);
  if (counts.retryable > 0)
    throw new RetryableError(
      `claims' sweep of ${hour}: ${counts.retryable} customer(s) to retry (${JSON.stringify(counts)})`,
      "customers_to_retry",
    );
  await dueIndex?.recordSwept?.(CLAIMS_MARKER, from);
  return { outcome: "claims swept", hour, ...counts };
}

/**
 * The claims' sweep's mark of its last completed run, beside the campaigns' (not a campaign id: those
 * are kebab-case); a mark recorded by the campaign sweep that read claims before this sweep existed is
 * read on from.
 */
export const CLAIMS_MARKER = "#claims";

/**
 * The first lapse the claims' sweep of `hour` reads: the hour of its last completed run, which read
 * the lapses before it (at most `maxHours` back, and that far with none recorded). Lapses of this hour
 * are left to the next run: they are read once they have passed.
 */
export function claimsFrom(hour: number, lastSwept: number | undefined, maxHours: number): number {
  const earliest = hour - Math.max(0, maxHours) * HOUR_MS;
  return lastSwept === undefined ? earliest : Math.max(earliest, Math.min(lastSwept, hour));
}

async function finishClaims(deps: RuntimeDeps, scanned: ScannedCustomer, counts: ClaimsSweepCounts) {
  counts.scanned++;
  const { customerId, state: stored } = scanned;
  if (!stored) {
    counts.failed++;
    deps.log.warn("claims' sweep: stored state is invalid", { customerId });
    return;
  }
  const now = deps.now();
  if (!stored.outbox.some((entry) => lapsed(deps, entry, now))) return;
  try {
    // Nothing decided: only the lapsed claims are taken over. Entries found performed (receipts) are
    // not worth a write of their own: they leave the item with its next write.
    const { saved, state } = await runForCustomer(deps, customerId, undefined, () => [], {
      finishLeftovers: true,
    });
    if (saved) {
      counts.finished++;
      return;
    }
    // Read consistently with nothing left to perform: the claims it was found under need no backstop.
    for (const claimedAt of scanned.claimsFiled ?? [])
      if (!state.outbox.some((entry) => entry.claimedAt === claimedAt)) {
        await deps.store.settleClaim(customerId, claimedAt);
        counts.settled++;
      }
  } catch (error) {
    if (error instanceof RetryableError) counts.retryable++;
    else counts.failed++;
    deps.log.warn("claims' sweep: customer not finished", { customerId, reason: errorReason(error) });
  }
}

/** A claimed entry whose claimant has stopped (the longest invocation is over), that this function can perform now. */
function lapsed(deps: RuntimeDeps, entry: OutboxEntry, now: number): boolean {
  return (
    entry.claimedAt !== 0 &&
    now - entry.claimedAt > MAX_INVOCATION_MS &&
    canPerform(deps.ports, entry) &&
    !deferred(entry, now)
  );
}

import type { ScannedCustomer, StateScan } from "../adapters/dynamodb-state-scan.ts";
import { errorReason, RetryableError } from "../adapters/errors.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import { describeIssues } from "../core/validation/describe-issue.ts";
import * as z from "../core/validation/zod.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { canPerform } from "../runtime/effect-ports.ts";
import { deferred } from "../runtime/finish-effects.ts";
import {
  catchUpFrom,
  forEachScanned,
  hasLeftovers,
  MAX_INVOCATION_MS,
  refileIfPast,
  type SweepOptions,
  type SweepRuntime,
} from "./sweep.ts";

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
  /** Customers read, found under a lapsed claim's filing whose receipt is not settled (without the index: scanned). */
  scanned: number;
  /** Customers read under their own filing: only with no swept campaign (the campaign sweeps read them otherwise). */
  filed: number;
  /** Customers whose lapsed claimed effects (a dead run's), or released ones whose time has come, were performed. */
  finished: number;
  /** Claims' filings found with nothing left to perform: settled, so they are not read for the customer again. */
  settled: number;
  /** Customers read under their own filing, past, with nothing to perform: filed again (a write). */
  refiled: number;
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
 * the campaign sweeps'). With no swept campaign, nobody else reads the customers' own filings (released
 * entries waiting: deferred by quiet hours, failed), so it then reads them too, in the campaign sweeps'
 * window (catchUpFrom) from its own mark, and finishes what has come due. Without the index, it scans
 * the table for them. docs/state.md.
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
  const counts: ClaimsSweepCounts = {
    scanned: 0,
    filed: 0,
    finished: 0,
    settled: 0,
    refiled: 0,
    retryable: 0,
    failed: 0,
  };
  const { dueIndex } = options;
  const ownFilings = deps.compiled.scheduleTriggers.length === 0;
  const claims = (customer: ScannedCustomer) => {
    counts.scanned++;
    return finishClaims(deps, customer, counts);
  };
  const passes: [StateScan, (customer: ScannedCustomer) => Promise<void>][] = [];
  if (dueIndex?.claimsLapsed) {
    // One mark for both reads: a run records it only once both are done, so each window reads on from it.
    const lastSwept = await dueIndex.lastSwept?.(CLAIMS_MARKER);
    const catchUpHours = options.catchUpHours ?? 48;
    passes.push([dueIndex.claimsLapsed(claimsFrom(from, lastSwept, catchUpHours), from), claims]);
    // After the claims: a customer found under both is read again with its claims finished.
    if (ownFilings)
      passes.push([
        dueIndex.customersDue(catchUpFrom(from, lastSwept, catchUpHours), from + HOUR_MS),
        (customer) => {
          counts.filed++;
          return finishFiled(deps, { from, dueIndex }, customer, counts);
        },
      ]);
  } else
    passes.push([
      scan,
      ownFilings
        ? (customer) => {
            counts.scanned++;
            return finishFiled(deps, { from, dueIndex: undefined }, customer, counts);
          }
        : claims,
    ]);
  for (const [read, finish] of passes) await forEachScanned(read, options, finish);
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

/** Runs `finish` on a customer's stored state, counting a customer that fails (retryable or not) instead of throwing. */
async function guarded(
  deps: RuntimeDeps,
  scanned: ScannedCustomer,
  counts: ClaimsSweepCounts,
  finish: (stored: CustomerState) => Promise<void>,
) {
  const { customerId, state: stored } = scanned;
  if (!stored) {
    counts.failed++;
    deps.log.warn("claims' sweep: stored state is invalid", { customerId });
    return;
  }
  try {
    await finish(stored);
  } catch (error) {
    if (error instanceof RetryableError) counts.retryable++;
    else counts.failed++;
    deps.log.warn("claims' sweep: customer not finished", { customerId, reason: errorReason(error) });
  }
}

function finishClaims(deps: RuntimeDeps, scanned: ScannedCustomer, counts: ClaimsSweepCounts) {
  const { customerId } = scanned;
  return guarded(deps, scanned, counts, async (stored) => {
    const now = deps.now();
    if (!stored.outbox.some((entry) => lapsed(deps, entry, now))) return;
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
  });
}

/**
 * A customer read under its own filing (or by the scan), with no swept campaign: its entries whose time
 * has come (released ones, claims filed with it) are performed, deciding nothing, as a campaign sweep's
 * backstop does. With nothing performed, a past filing is moved to the next time an entry waits for, or
 * left to drop out of the window when none does.
 */
function finishFiled(
  deps: RuntimeDeps,
  window: { from: number; dueIndex: SweepOptions["dueIndex"] },
  scanned: ScannedCustomer,
  counts: ClaimsSweepCounts,
) {
  const { customerId } = scanned;
  return guarded(deps, scanned, counts, async (stored) => {
    if (hasLeftovers(deps, scanned, stored, window.dueIndex !== undefined)) {
      const { saved } = await runForCustomer(deps, customerId, undefined, () => [], {
        finishLeftovers: true,
      });
      if (saved) {
        counts.finished++;
        return;
      }
    }
    await refileIfPast(deps, window, scanned, stored, counts, undefined);
  });
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

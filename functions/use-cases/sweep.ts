import * as z from "zod";
import type { ScannedCustomer, StateScan } from "../adapters/dynamodb-state-scan.ts";
import { RetryableError } from "../adapters/errors.ts";
import { dueDecisions } from "../core/engine/schedule.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { canPerform } from "../runtime/effect-ports.ts";
import { deferred } from "../runtime/finish-effects.ts";

const HOUR_MS = 3_600_000;
/** The longest a Lambda invocation lives: an entry claimed longer ago than this has no live claimant. */
const MAX_INVOCATION_MS = 15 * 60_000;

export const SweepInputSchema = z.object({
  campaignId: z.string().min(1),
  /**
   * Any instant of the hour to sweep; default: now. EventBridge Scheduler can fill it with
   * `<aws.scheduler.scheduled-time>`, so that a late retry still sweeps the hour it was meant for.
   */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/** What the sweep runs on: the common runtime, a scan of the state table, and tuning for tests. */
export type SweepRuntime = { deps: RuntimeDeps; scan: StateScan; options?: SweepOptions };

export type SweepOptions = {
  /** Parallel scan segments (default 4). */
  segments?: number;
  /** Customers of a page decided on at once (default 8). */
  concurrency?: number;
};

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
};

export type SweepOutcome =
  | ({ outcome: "swept"; campaignId: string; hour: string; eventId: string } & SweepCounts)
  | { outcome: "rejected"; campaignId: string | undefined; problems: string };

/**
 * The sends of one scheduled campaign due this hour, each customer's run under the event id
 * `sweep:<campaignId>:<hour>` so a retried invocation runs nothing twice. Why hourly, and the scan's
 * scale limit: docs/architecture.md, "Scheduled campaigns".
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
  if (!deps.engine.scheduleTriggers.some((bound) => bound.campaign.id === campaignId))
    return {
      outcome: "rejected",
      campaignId,
      problems: deps.engine.campaigns.has(campaignId)
        ? "the campaign has no schedule trigger"
        : "no such campaign (or it is disabled)",
    };

  const from = Math.floor((scheduledTime ? Date.parse(scheduledTime) : deps.now()) / HOUR_MS) * HOUR_MS;
  const to = from + HOUR_MS;
  const hour = new Date(from).toISOString().slice(0, 13);
  const eventId = `sweep:${campaignId}:${hour}`;
  const counts: SweepCounts = {
    scanned: 0,
    due: 0,
    applied: 0,
    messages: 0,
    alreadyApplied: 0,
    finished: 0,
    retryable: 0,
    failed: 0,
  };
  const window = { campaignId, from, to, eventId };

  const segments = Math.max(1, options.segments ?? 4);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const page of scan(segment, segments))
        await forEachLimited(page, concurrency, (customer) => sweepCustomer(deps, window, customer, counts));
    }),
  );

  if (counts.retryable > 0)
    throw new RetryableError(
      `sweep ${eventId}: ${counts.retryable} customer(s) to retry (${JSON.stringify(counts)})`,
      "customers_to_retry",
    );
  return { outcome: "swept", campaignId, hour, eventId, ...counts };
}

type SweepWindow = { campaignId: string; from: number; to: number; eventId: string };

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
  const { engine } = deps;
  const { campaignId, from, to, eventId } = window;
  const alreadyApplied = stored.appliedEvents.includes(eventId);
  if (alreadyApplied) counts.alreadyApplied++;
  // Decided on the scanned copy only to learn whether anything is due; runForCustomer decides again.
  const due = !alreadyApplied && dueDecisions(engine, stored, campaignId, from, to).length > 0;
  const leftovers = !due && hasLeftovers(deps, stored, window, alreadyApplied);
  if (!due && !leftovers) return;
  if (due) counts.due++;
  try {
    const { decisions } = due
      ? await runForCustomer(deps, customerId, eventId, (fresh) =>
          dueDecisions(engine, fresh, campaignId, from, to),
        )
      : await runForCustomer(deps, customerId, undefined, () => []);
    if (leftovers) counts.finished++;
    if (decisions.length > 0) counts.applied++;
    counts.messages += decisions.filter((d) => d.type === "message" && d.line.status === "sent").length;
  } catch (error) {
    if (error instanceof RetryableError) counts.retryable++;
    else counts.failed++;
    deps.log.warn("sweep: customer not swept", {
      customerId,
      campaignId,
      reason: (error as { reason?: string }).reason ?? (error as Error).name,
    });
  }
}

/**
 * Effects left in the outbox that this sweep should finish: its own from an earlier attempt of the same
 * hour, or any old enough that whoever claimed them has stopped, or left by a function that could not
 * perform them (claim time 0). This is the backstop that finishes an entry no later run comes for. A fresh claim of another invocation
 * is left to it, so the two do not deliver the same message at once.
 */
function hasLeftovers(
  deps: RuntimeDeps,
  state: CustomerState,
  window: SweepWindow,
  alreadyApplied: boolean,
): boolean {
  const now = deps.now();
  return state.outbox.some(
    (entry) =>
      canPerform(deps.ports, entry) &&
      !deferred(entry, now) &&
      (now - entry.claimedAt > MAX_INVOCATION_MS ||
        (alreadyApplied && campaignOfEntry(state, entry) === window.campaignId)),
  );
}

function campaignOfEntry(state: CustomerState, entry: OutboxEntry): string | undefined {
  if (entry.kind === "message") return entry.campaign;
  if (entry.kind === "start")
    return state.journeys.find((journey) => journey.id === entry.journeyId)?.campaign;
  return undefined;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

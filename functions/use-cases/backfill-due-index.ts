import type { DueIndex } from "../adapters/dynamodb-due-index.ts";
import type { CompiledCampaigns } from "../core/engine/compile.ts";
import { sweepDueAt } from "./sweep.ts";

const HOUR_MS = 3_600_000;

export type BackfillCounts = { read: number; refiled: number; skipped: number };

/**
 * Files in the due-time index every customer the sweep could not find through it: items written before
 * the index existed (no `dueAt`), and items filed before `before` (default: the hour before this one),
 * which an outage longer than the sweep's catch-up window leaves behind. One scan of the table; run once
 * after deploying the index (scripts/backfill-due-index.ts), before the first sweep that reads it.
 * A customer written meanwhile is skipped: its write filed it.
 */
export async function backfillDueIndex(
  compiled: CompiledCampaigns,
  index: Pick<DueIndex, "filedBefore" | "refile">,
  now: number,
  options: { before?: number; segments?: number } = {},
): Promise<BackfillCounts> {
  const before = options.before ?? Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;
  const segments = Math.max(1, options.segments ?? 4);
  const counts: BackfillCounts = { read: 0, refiled: 0, skipped: 0 };
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const page of index.filedBefore(before)(segment, segments))
        for (const { customerId, state, version } of page) {
          counts.read++;
          const dueAt = state && version !== undefined ? sweepDueAt(compiled, state, now) : undefined;
          if (dueAt !== undefined && (await index.refile(customerId, version!, dueAt))) counts.refiled++;
          else counts.skipped++;
        }
    }),
  );
  return counts;
}

import { setFlagsFromString } from "node:v8";

/**
 * V8's memory-saving mode while a simulation runs, and back after. Every customer's state is on the
 * heap and changes piece by piece, so the dead pieces are spread over every page of the old
 * generation: its committed memory was 2.5x the live heap at 986k events (1.28 GB peak RSS), and
 * V8's default compaction (a few MB per full GC) does not catch up. In this mode a full GC compacts
 * the most fragmented pages. Set at run time, not as a node flag: `--optimize-for-size` on the
 * command line also shrinks the young generation to 1 MB, which promotes short-lived objects.
 * The mode alone grows the heap by a tenth between full GCs, a third of the throughput; a growth of
 * 35 % keeps 986k events under 1 GB (50 %: just over) for about 5 % of it. See docs/performance.md.
 */
const DURING = ["--optimize-for-size", "--heap-growing-percent=35"];
const AFTER = ["--no-optimize-for-size", "--heap-growing-percent=0"];

/** Turns the mode on and returns what turns it off; leaves V8 alone if node was started with either flag. */
export function favourMemory(): () => void {
  const chosen = process.execArgv.some((arg) =>
    /^--(no-)?(optimize[-_]for[-_]size|heap[-_]growing[-_]percent)/.test(arg),
  );
  if (chosen) return () => {};
  for (const flag of DURING) setFlagsFromString(flag);
  return () => {
    for (const flag of AFTER) setFlagsFromString(flag);
  };
}

import { it } from "vitest";

/**
 * A promise of issue 7 that the code still breaks (docs/chaos.md): an expected failure (`it.fails`) in `npm test`, so
 * the suite stays green while the fixes land in other branches, and an ordinary test in
 * `npm run test:chaos` (CHAOS_EVENTS set) or with CHAOS_STRICT=1. When a fix lands, its test starts
 * "passing unexpectedly": replace failsToday with it.
 */
export const failsToday: typeof it.fails =
  process.env.CHAOS_EVENTS !== undefined || process.env.CHAOS_STRICT === "1" ? it : it.fails;

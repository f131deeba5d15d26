import type { CustomerState } from "../state/customer-state.ts";
import type { Engine } from "./compile.ts";
import type { Decision } from "./decisions.ts";
import { finishJourney, type Run } from "./journeys.ts";
import { pruneState } from "./prune.ts";

/**
 * Ends a journey whose workflow failed for good: it leaves the running journeys (its key is free for
 * the next trigger instance), is recorded as finished (this instance never runs again) and counted as
 * failed. A journey already gone (finished, exited, or never started) changes nothing.
 */
export function failJourney(engine: Engine, state: CustomerState, journeyId: string, at: number): Decision[] {
  const run: Run = { engine, state, decisions: [] };
  const journey = state.journeys.find((j) => j.id === journeyId);
  if (!journey) return run.decisions;
  finishJourney(run, journey, at, "failed");
  pruneState(engine, state, at);
  state.version++;
  return run.decisions;
}

import type { CustomerState } from "../state/customer-state.ts";
import type { CompiledCampaigns } from "./compile.ts";
import type { Decision } from "./decisions.ts";
import { type DecisionAccumulator, finishJourney, isStaleWorkflow } from "./journeys.ts";
import { pruneState } from "./prune.ts";

/**
 * Ends a journey whose workflow failed for good: it leaves the running journeys (its key is free for
 * the next journey of its trigger), is recorded as finished (this journey id never runs again) and counted as
 * failed. A journey already gone (finished, exited, or never started) changes nothing, and so does
 * the failure of a workflow older than the journey's live one (`workflow`: the failed execution's
 * generation, absent: the first; no `workflow` at all, as recorded before it was: ends the journey).
 */
export function failJourney(
  compiled: CompiledCampaigns,
  state: CustomerState,
  journeyId: string,
  at: number,
  workflow?: { generation?: number },
): Decision[] {
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const journey = state.journeys.find((j) => j.id === journeyId);
  if (!journey || (workflow && isStaleWorkflow(journey, workflow.generation))) return accumulator.decisions;
  finishJourney(accumulator, journey, at, "failed");
  pruneState(compiled, state, at);
  state.version++;
  return accumulator.decisions;
}

import type { CustomerState } from "../state/customer-state.ts";
import type { Engine } from "./compile.ts";

/** Keeps the customer item bounded: expired re-entry locks, old finished journeys and sends go. */
export function pruneState(engine: Engine, state: CustomerState, now: number): void {
  const { config } = engine;
  const capWindow = config.frequencyCap.window;
  if (state.marketingSends.length > 0 && state.marketingSends[0]! <= now - capWindow)
    state.marketingSends = state.marketingSends.filter((at) => at > now - capWindow);
  // The maps are scanned every 16th change: expired entries are harmless meanwhile (readers check times).
  if (state.version % 16 !== 0) return;
  for (const [key, until] of Object.entries(state.onceKeys))
    if (until !== -1 && until <= now) delete state.onceKeys[key];
  const keepFinished = now - config.retention.finishedJourneys;
  for (const [id, at] of Object.entries(state.finished)) if (at < keepFinished) delete state.finished[id];
}

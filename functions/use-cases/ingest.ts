import { decide, decideCatalog } from "../core/engine/decide.ts";
import { isCatalogEventType } from "../core/events/details.ts";
import type { CatalogEvent, CustomerEvent } from "../core/events/envelope.ts";
import { isExecutionStatusEnvelope, isJourneyFailedEnvelope } from "../core/events/journey-failed.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { eventAtEdge } from "../runtime/edge-event.ts";
import { executionEndedEvent, type JourneyFailedOutcome, journeyFailedEvent } from "./journey-failed.ts";

export type IngestOutcome = { outcome: "applied"; id: string; messages: number } | JourneyFailedOutcome;

/**
 * One customer event as EventBridge delivers it, or one catalog event addressed to one customer by
 * the fan-out. An unknown type is ignored and a bad event rejected, both reported, never thrown:
 * retrying cannot mend them, and they stay in the bus archive for a replay once the app is fixed.
 */
export async function ingestEvent(
  deps: RuntimeDeps,
  envelope: unknown,
  forCustomer?: string,
): Promise<IngestOutcome> {
  if (isJourneyFailedEnvelope(envelope) && forCustomer === undefined)
    return journeyFailedEvent(deps, envelope);
  if (isExecutionStatusEnvelope(envelope) && forCustomer === undefined)
    return executionEndedEvent(deps, envelope);
  const edge = eventAtEdge(envelope);
  if ("notRun" in edge) return edge.notRun;
  const { event } = edge;
  const latest = deps.now() + deps.compiled.settings.futureEventTolerance;
  if (event.at > latest)
    return {
      outcome: "rejected",
      id: event.id,
      detailType: event.type,
      problems: `time: expected at most ${new Date(latest).toISOString()} (futureEventTolerance after arrival), got ${new Date(event.at).toISOString()}`,
    };
  if (isCatalogEventType(event.type)) {
    if (forCustomer === undefined)
      return {
        outcome: "rejected",
        id: event.id,
        detailType: event.type,
        problems: "a catalog event reaches ingest through the fan-out queue only",
      };
    // A candidate from the interest index: deciding on a read a moment old is as if the catalog change
    // had come a moment earlier, and most candidates decide nothing (half the read units).
    const { decisions } = await runForCustomer(
      deps,
      forCustomer,
      event.id,
      (state) => decideCatalog(deps.compiled, state, event as CatalogEvent),
      { firstRead: "lagging" },
    );
    return {
      outcome: "applied",
      id: event.id,
      messages: decisions.filter((d) => d.type === "message").length,
    };
  }
  const customerEvent = event as CustomerEvent;
  // Almost every customer event writes (its id is remembered): an eventually consistent first read.
  const { decisions } = await runForCustomer(
    deps,
    customerEvent.detail.customerId,
    event.id,
    (state) => decide(deps.compiled, state, customerEvent),
    { firstRead: "eventual" },
  );
  return { outcome: "applied", id: event.id, messages: decisions.filter((d) => d.type === "message").length };
}

import type { Decision } from "../core/engine/decisions.ts";
import type { CustomerState, OutboxEntry } from "../core/state/customer-state.ts";

/**
 * Records in the state the side effects the decisions call for, so they are claimed by the same
 * conditional write: a sent message to deliver, a workflow to start for each journey that began and
 * still waits (a journey with no wait needs none), a new one when an event moved a journey's wake
 * earlier than its workflow sleeps, the products to index for catalog fan-out.
 */
export function claimEffects(state: CustomerState, decisions: readonly Decision[], now: number): void {
  const started = new Set<string>();
  const rewoken = new Map<string, number>();
  for (const decision of decisions) {
    const to = decision.type === "message" && decision.line.status === "sent" ? decision.line.to : undefined;
    if (decision.type === "message" && to !== undefined) {
      const { line } = decision;
      state.outbox.push({
        kind: "message",
        id: `${decision.journeyId}|${line.step}|${line.at}`,
        journeyId: decision.journeyId,
        campaign: line.campaign,
        step: line.step,
        template: line.template,
        channel: line.channel,
        to,
        ...(line.subject !== undefined ? { subject: line.subject } : {}),
        body: decision.body ?? "",
        marketing: decision.marketing,
        ...(decision.topic !== undefined ? { topic: decision.topic } : {}),
        claimedAt: now,
        decidedAt: now,
        at: Date.parse(line.at),
        ...(line.productIds !== undefined ? { productIds: line.productIds } : {}),
        ...(line.deferredFrom !== undefined ? { deferredFrom: Date.parse(line.deferredFrom) } : {}),
      });
    } else if (decision.type === "journey" && decision.change === "started") started.add(decision.journeyId);
    else if (decision.type === "wake" && decision.generation !== undefined)
      rewoken.set(decision.journeyId, decision.generation);
    else if (decision.type === "interest")
      state.outbox.push({
        kind: "interest",
        id: `interest|${now}|${state.outbox.length}`,
        productIds: decision.productIds,
        claimedAt: now,
      });
  }
  // With the journey's wake as decided: its workflow sleeps until then (rewakeIfEarlier counts on it).
  for (const journeyId of started) {
    const wake = journeyWake(state, journeyId);
    if (wake)
      state.outbox.push({ kind: "start", id: `start|${journeyId}`, journeyId, ...wake, claimedAt: now });
  }
  // The id names the generation: a redelivered event claims the same entry, so the same execution.
  for (const [journeyId, generation] of rewoken) {
    const wake = journeyWake(state, journeyId);
    if (wake)
      state.outbox.push({
        kind: "start",
        id: `start|${journeyId}|${generation}`,
        journeyId,
        generation,
        ...wake,
        claimedAt: now,
      });
  }
}

function journeyWake(state: CustomerState, journeyId: string) {
  const journey = state.journeys.find((j) => j.id === journeyId);
  if (!journey) return undefined;
  return { wakeAt: journey.wakeAt, ...(typeof journey.step === "string" ? { step: journey.step } : {}) };
}

export type MessageEntry = Extract<OutboxEntry, { kind: "message" }>;
export type StartEntry = Extract<OutboxEntry, { kind: "start" }>;
/** A start the workflow can take: it begins by waiting until `wakeAt`. */
export type WakingStart = StartEntry & { wakeAt: number };

/**
 * The start to perform for an entry: as claimed, or, for one claimed by code that did not keep the
 * wake in the entry, with the journey's wake; undefined when that journey has ended (nothing to wake).
 */
export function startWithWake(state: CustomerState, entry: StartEntry): WakingStart | undefined {
  if (entry.wakeAt !== undefined) return { ...entry, wakeAt: entry.wakeAt };
  const wake = journeyWake(state, entry.journeyId);
  return wake && { ...entry, ...wake };
}

/** The first time from `from` on that no entry is claimed at: a run's claim time is its own. */
export function freeClaimTime(outbox: readonly OutboxEntry[], from: number): number {
  const taken = new Set(outbox.map((entry) => entry.claimedAt));
  let at = from;
  while (taken.has(at)) at++;
  return at;
}

import { addressFor, isMarketing } from "../policies/judge-send.ts";
import { advanceJourney, type DecisionAccumulator } from "./journeys.ts";

/**
 * A transactional message held for a missing address (judgeSend defers it, up to addressWait) goes
 * out with the event that brings the address, not at the journey's next look: the journey runs on
 * from the event's time (from when it was due, if the event is older: a sign-up delivered after the
 * order it came before). Only transactional sends wait for an address, so a deferred one waits for
 * nothing else.
 */
export function resumeHeldForAddress(accumulator: DecisionAccumulator, now: number): void {
  const { compiled, state } = accumulator;
  for (const journey of [...state.journeys]) {
    if (journey.deferredFrom === undefined || typeof journey.step !== "string") continue;
    const campaign = compiled.campaigns.get(journey.campaign);
    const index = compiled.stepIndex.get(journey.campaign)?.get(journey.step);
    const step = campaign && index !== undefined ? campaign.steps[index] : undefined;
    if (!campaign || step?.type !== "send" || isMarketing(campaign, step)) continue;
    if (addressFor(state, step.channel) === undefined || !state.journeys.includes(journey)) continue;
    const at = Math.max(now, journey.deferredFrom);
    journey.wakeAt = Math.min(journey.wakeAt, at);
    advanceJourney(accumulator, journey, at);
  }
}

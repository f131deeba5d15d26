import type { Campaign } from "../config/campaign.ts";
import type { Journey } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import type { CompiledCampaigns } from "./compile.ts";

/** Why a journey ended before its steps did, other than an exit event: each is counted (Stopped). */
export type StopReason = "campaign_changed" | "campaign_disabled" | "campaign_deleted";

/** The journey.step of a journey past its last step (in a trailing wait): not a step id (kebab-case). */
export const PAST_LAST_STEP = "(end)";

/**
 * Where a journey stands in its campaign as deployed now: at a step (its index), past the last step,
 * or to be stopped. A journey whose step is still in the file continues from it, whatever moved
 * around it; one whose step was removed goes where the file's onEdit.removedSteps says, else stops.
 */
export type JourneyPosition =
  | { kind: "step"; campaign: Campaign; index: number; movedFrom?: string }
  | { kind: "past_last"; campaign: Campaign }
  | { kind: "stop"; reason: StopReason; removedStep?: string };

/**
 * Reads the journey's position and writes it back as a step id (migrating items that hold an index,
 * and journeys moved by onEdit); a journey with no version gets the deployed one, the only one known.
 */
export function journeyPosition(compiled: CompiledCampaigns, journey: Journey): JourneyPosition {
  const campaign = compiled.campaigns.get(journey.campaign);
  if (!campaign) return { kind: "stop", reason: "campaign_deleted" };
  if (!campaign.enabled && campaign.whenDisabled === "stop")
    return { kind: "stop", reason: "campaign_disabled" };
  journey.version ??= compiled.versions.get(campaign.id);
  if (typeof journey.step === "number") journey.step = campaign.steps[journey.step]?.id ?? PAST_LAST_STEP;
  if (journey.step === PAST_LAST_STEP) return { kind: "past_last", campaign };
  const stepIndex = compiled.stepIndex.get(campaign.id)!;
  const index = stepIndex.get(journey.step);
  if (index !== undefined) {
    if (campaign.steps[index]!.type !== "waitForEvent") journey.awaitingSince = undefined;
    return { kind: "step", campaign, index };
  }
  const removed = journey.step;
  const target = campaign.onEdit ? getOwn(campaign.onEdit.removedSteps, removed) : undefined;
  const targetIndex = target === undefined ? undefined : stepIndex.get(target);
  if (targetIndex === undefined) return { kind: "stop", reason: "campaign_changed", removedStep: removed };
  journey.step = target!;
  // The step it waited for is gone: whatever it awaited, it now waits for the new step's time.
  journey.awaitingSince = undefined;
  return { kind: "step", campaign, index: targetIndex, movedFrom: removed };
}

/** The id to store for the step at `index` (past the end: PAST_LAST_STEP). */
export function stepIdAt(campaign: Campaign, index: number): string {
  return campaign.steps[index]?.id ?? PAST_LAST_STEP;
}

/** A journey that crossed an edit never decides the same send step twice (a loop in one version may). */
export function alreadySentAcrossEdit(
  compiled: CompiledCampaigns,
  journey: Journey,
  stepId: string,
): boolean {
  return (
    journey.version !== compiled.versions.get(journey.campaign) &&
    (journey.sentSteps?.includes(stepId) ?? false)
  );
}

export function recordSentStep(journey: Journey, stepId: string): void {
  // Distinct ids of decided sends: no more than the journey's messages, which maxSendsPerJourney bounds.
  if (!journey.sentSteps) journey.sentSteps = [stepId];
  else if (!journey.sentSteps.includes(stepId)) journey.sentSteps.push(stepId);
}

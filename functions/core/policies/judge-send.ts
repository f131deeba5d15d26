import type { Campaign, Channel, SendStep } from "../config/campaign.ts";
import type { EngineSettings } from "../config/engine.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import { bestSendHour } from "../state/traits.ts";
import { capAllows, capClassOf, capFor } from "./cap.ts";
import { inHoldout } from "./holdout.ts";
import { bestSendAt, nextSendableAt, sendHoursOf } from "./send-time.ts";

/**
 * How often a transactional message waiting for an address looks again: every minute while the
 * profile event is likely just shuffled behind it, then hourly (a sign-up parked in a dead-letter
 * queue until ops redrive it: only a customer with no sign-up applied waits past 15 minutes). The event that brings the address sends it at once (decide.ts); the
 * looks bound how late the journey's later steps run after that, and end the wait at addressWait.
 */
const ADDRESS_RETRY_MS = 60_000;
const ADDRESS_RETRY_SOON_FOR_MS = 15 * 60_000;
const ADDRESS_RETRY_LATER_MS = 3_600_000;

export const suppressionReasons = [
  "opted_out",
  "not_opted_in",
  "frequency_cap",
  "holdout",
  "support_ticket_open",
  "suppressed_address",
  "no_address",
  "render_failed",
  "expired",
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export type SendVerdict =
  | { outcome: "send"; to: string }
  | { outcome: "suppress"; reason: SuppressionReason }
  | { outcome: "defer"; until: number };

export type SendRequest = {
  state: CustomerState;
  campaign: Campaign;
  step: SendStep;
  now: number;
  zone: string;
  settings: EngineSettings;
  /** When the step first became due: a "best" send time is counted from it (absent: not moved). */
  dueAt?: number;
};

export function isMarketing(campaign: Campaign, step: SendStep): boolean {
  return (step.kind ?? campaign.kind) === "marketing";
}

export function addressFor(state: CustomerState, channel: Channel): string | undefined {
  if (channel === "email") return state.profile.email;
  if (channel === "sms") return state.profile.phone;
  return state.profile.pushToken;
}

/**
 * The policies of CAMPAIGNS.md, at the moment of sending. Transactional messages meet only the
 * hard ones (no address, suppressed address). Order matters for the reason reported: holdout
 * first (an assignment, not a state), then address, consent, support, cap; the send time (best hour, send window, quiet hours) defers last.
 */
export function judgeSend({ state, campaign, step, now, zone, settings, dueAt }: SendRequest): SendVerdict {
  const marketing = isMarketing(campaign, step);
  const overrides = campaign.policies;
  if (
    marketing &&
    inHoldout(state.customerId, campaign.id, overrides.holdoutPercent ?? settings.holdoutPercent)
  )
    return { outcome: "suppress", reason: "holdout" };

  const to = addressFor(state, step.channel);
  if (!to) {
    // Events can arrive out of order: the profile event carrying the address may come a little later.
    // A customer whose sign-up was applied and has no address for the channel (no phone for an SMS)
    // will likely never have one: only the first 15 minutes, for an update shuffled behind.
    const wait = state.profile.signedUpAt === undefined ? settings.addressWait : ADDRESS_RETRY_SOON_FOR_MS;
    const waitUntil = dueAt === undefined ? now : dueAt + Math.min(wait, settings.addressWait);
    if (!marketing && dueAt !== undefined && now < waitUntil) {
      const every = now - dueAt < ADDRESS_RETRY_SOON_FOR_MS ? ADDRESS_RETRY_MS : ADDRESS_RETRY_LATER_MS;
      return { outcome: "defer", until: Math.min(waitUntil, now + every) };
    }
    return { outcome: "suppress", reason: "no_address" };
  }
  if (state.suppressedAddresses.includes(to.toLowerCase()))
    return { outcome: "suppress", reason: "suppressed_address" };
  if (!marketing) return { outcome: "send", to };

  const consentReason = consentProblem(state, step);
  if (consentReason) return { outcome: "suppress", reason: consentReason };
  if (state.openTickets.length > 0) return { outcome: "suppress", reason: "support_ticket_open" };

  const capClass = capClassOf(campaign, step);
  const own = overrides.frequencyCap;
  const allowed = own === false || capAllows(state, capFor(settings, capClass, own), capClass, settings, now);
  if (!allowed) return { outcome: "suppress", reason: "frequency_cap" };

  const hours = sendHoursOf(campaign, step, settings);
  const earliest =
    step.sendTime === "best" && dueAt !== undefined
      ? bestSendAt(dueAt, zone, hours, bestSendHour(state, settings), settings)
      : now;
  const sendAt = nextSendableAt(Math.max(earliest, now), zone, hours);
  if (sendAt > now) return { outcome: "defer", until: sendAt };
  return { outcome: "send", to };
}

function consentProblem(state: CustomerState, step: SendStep): SuppressionReason | undefined {
  const status = state.consent[step.channel];
  if (status === "opted_out") return "opted_out";
  if (step.channel === "sms" && status !== "opted_in") return "not_opted_in";
  if (step.topic) {
    const topicStatus = getOwn(state.consent.topics, step.topic);
    if (topicStatus === "opted_out") return "opted_out";
    if (topicStatus !== "opted_in") return "not_opted_in";
  }
  return undefined;
}

/** Whether a send of this campaign counts toward (and is held to) the frequency cap. */
export function countsTowardCap(campaign: Campaign, step: SendStep): boolean {
  return isMarketing(campaign, step) && campaign.policies.frequencyCap !== false;
}

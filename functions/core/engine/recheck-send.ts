import type { CapClass } from "../config/policies.ts";
import { capClassOf, uncountSendOf } from "../policies/cap.ts";
import { countsTowardCap, judgeSend, type SuppressionReason } from "../policies/judge-send.ts";
import { customerZone } from "../state/apply-event.ts";
import type { CustomerState, OutboxEntry } from "../state/customer-state.ts";
import { mergedRecord } from "../state/data-record.ts";
import type { CompiledCampaigns } from "./compile.ts";

type MessageEntry = Extract<OutboxEntry, { kind: "message" }>;

export type Recheck =
  | { outcome: "send" }
  /** `counted`: the message was counted toward the frequency cap when decided; take it back (uncountSend). */
  | { outcome: "suppress"; reason: SuppressionReason; counted: boolean }
  | { outcome: "defer"; until: number };

/**
 * A message performed later than it was decided (a failed send retried, a crashed run's entry taken
 * over) is judged again, on the customer's state as it is now, by the policies of the decision
 * (judgeSend): an opt-out, a bounce, a support ticket, the cap, quiet hours or the send window that
 * came since hold it back (not the best hour: it was decided at it). A marketing message decided
 * more than `outbox.marketingExpiry` ago is dropped as expired; a transactional one never expires.
 * Its own count toward the cap is left out of the judgement.
 */
export function recheckSend(
  compiled: CompiledCampaigns,
  state: CustomerState,
  entry: MessageEntry,
  now: number,
): Recheck {
  const { settings } = compiled;
  const campaign = compiled.campaigns.get(entry.campaign);
  const step = campaign?.steps.find((s) => s.id === entry.step);
  const send = step?.type === "send" ? step : undefined;
  const counted =
    campaign !== undefined && send !== undefined && entry.at !== undefined && countsTowardCap(campaign, send);
  const suppress = (reason: SuppressionReason): Recheck => ({ outcome: "suppress", reason, counted });

  if (
    entry.marketing &&
    entry.decidedAt !== undefined &&
    now - entry.decidedAt > settings.outbox.marketingExpiry
  )
    return suppress("expired");
  if (state.suppressedAddresses.includes(entry.to.toLowerCase())) return suppress("suppressed_address");
  // A campaign or step removed since: only the hard check above applies.
  if (campaign === undefined || send === undefined) return { outcome: "send" };
  const judged = counted ? withoutCount(state, entry.at!, capClassOf(campaign, send)) : state;
  const verdict = judgeSend({
    state: judged,
    campaign,
    step: send,
    now,
    zone: customerZone(state, settings),
    settings,
  });
  if (verdict.outcome === "send") return { outcome: "send" };
  if (verdict.outcome === "defer") return verdict;
  return suppress(verdict.reason);
}

/** Takes back a suppressed message's count toward the frequency cap: it was never sent. */
export function uncountSend(state: CustomerState, at: number, capClass?: CapClass): void {
  uncountSendOf(state, at, capClass);
}

/** The state as if the send counted at `at` had not been: a copy, the state is left as is. */
function withoutCount(state: CustomerState, at: number, capClass: CapClass): CustomerState {
  const copy = {
    ...state,
    marketingSends: [...state.marketingSends],
    classSends: mergedRecord(state.classSends, {}),
  };
  uncountSendOf(copy, at, capClass);
  return copy;
}

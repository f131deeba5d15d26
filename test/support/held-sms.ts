import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import type { MessageEntry } from "../../functions/runtime/claim-effects.ts";

/** A cart reminder SMS released to the outbox at `decided` (not claimed), held until `notBefore` when given. */
export function heldSmsEntry(customerId: string, decided: number, notBefore?: number): MessageEntry {
  return {
    kind: "message",
    id: `j|second-reminder-sms|${customerId}`,
    journeyId: "j",
    campaign: "cart-abandonment",
    step: "second-reminder-sms",
    template: "second-reminder-sms",
    channel: "sms",
    to: "+33612345678",
    body: "Your cart. Reply STOP to opt out.",
    marketing: true,
    claimedAt: 0,
    decidedAt: decided,
    at: decided,
    ...(notBefore === undefined ? {} : { notBefore }),
  };
}

/** A customer in Paris, opted in to SMS, with that SMS in the outbox (deferred by quiet hours when `notBefore` is given). */
export function heldSmsState(customerId: string, decided: number, notBefore?: number): CustomerState {
  return {
    ...emptyCustomerState(customerId),
    profile: { phone: "+33612345678", timezone: "Europe/Paris" },
    consent: { sms: "opted_in", topics: {} },
    marketingSends: [decided],
    outbox: [heldSmsEntry(customerId, decided, notBefore)],
  };
}

import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";

/**
 * A customer in Paris with a cart reminder SMS released to the outbox at `decided` (not claimed), and
 * held until `notBefore` when given (deferred by quiet hours).
 */
export function heldSmsState(customerId: string, decided: number, notBefore?: number): CustomerState {
  return {
    ...emptyCustomerState(customerId),
    profile: { phone: "+33612345678", timezone: "Europe/Paris" },
    consent: { sms: "opted_in", topics: {} },
    marketingSends: [decided],
    outbox: [
      {
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
      },
    ],
  };
}

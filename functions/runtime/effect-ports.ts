import type { MessageEntry } from "./claim-effects.ts";

/** The side effects the runtime performs, one port each; AWS adapters behind them in Lambda. */
export type EffectPorts = {
  deliver(customerId: string, message: MessageEntry): Promise<void>;
  startJourney(customerId: string, journeyId: string): Promise<void>;
  recordInterest(customerId: string, productIds: string[], now: number): Promise<void>;
};

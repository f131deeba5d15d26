import { CHANNELS } from "../core/events/channels.ts";
import type { OutboxEntry } from "../core/state/customer-state.ts";
import type { MessageEntry, WakingStart } from "./claim-effects.ts";

/** The side effects the runtime performs, one port each; AWS adapters behind them in Lambda. */
export type EffectPorts = {
  /** `signal`: abort the send (its lease is lapsing); the provider may still have accepted it. */
  deliver(customerId: string, message: MessageEntry, signal?: AbortSignal): Promise<void>;
  /** The journey's workflow; `start.generation`: a later one of the same journey (absent: the first). */
  startJourney(customerId: string, start: WakingStart): Promise<void>;
  recordInterest(customerId: string, productIds: string[], now: number): Promise<void>;
  /**
   * Stops the workflow of a journey that ended while it waited (absent: not stopped; it wakes, finds
   * the journey gone and ends). Best effort, not claimed: a stop lost only costs that wake-up.
   */
  stopJourney?(customerId: string, journeyId: string, generation?: number): Promise<void>;
  /**
   * Whether this function is configured and permitted to perform the entry (default: every entry).
   * A run takes over only the entries it can perform and leaves the others, untouched, to one that can.
   */
  canPerform?(entry: OutboxEntry): boolean;
};

/** The kinds of effect a function may be given: one per channel, workflow starts, interest-index writes. */
export const effectKinds = [...CHANNELS, "start", "interest"] as const;
export type EffectKind = (typeof effectKinds)[number];

export function effectKind(entry: OutboxEntry): EffectKind {
  return entry.kind === "message" ? entry.channel : entry.kind;
}

export function canPerform(ports: EffectPorts, entry: OutboxEntry): boolean {
  return ports.canPerform?.(entry) ?? true;
}

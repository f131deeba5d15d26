import type { EngineConfig } from "../config/engine.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { computeTraits, type Traits } from "../state/traits.ts";

/** What conditions, keys and templates can read, by root: event, profile, traits, consent, journey, loyalty, order, item, trigger. */
export type Facts = {
  event?: Record<string, unknown>;
  profile: CustomerState["profile"];
  consent: Record<string, unknown>;
  readonly traits: Traits;
  journey?: Record<string, unknown>;
  loyalty: CustomerState["loyalty"];
  order?: unknown;
  item?: unknown;
  trigger?: { id: string };
};

export type FactsInput = {
  state: CustomerState;
  now: number;
  config: EngineConfig;
  event?: { type: string; detail: Record<string, unknown> } | undefined;
  journey?: Record<string, unknown> | undefined;
  triggerId?: string | undefined;
};

export function buildFacts({ state, now, config, event, journey, triggerId }: FactsInput): Facts {
  let traits: Traits | undefined;
  const orderId = (event?.detail.orderId ?? journey?.orderId) as string | undefined;
  return {
    event: event ? { ...event.detail, type: event.type } : undefined,
    profile: state.profile,
    consent: {
      ...state.consent.topics,
      email: state.consent.email,
      sms: state.consent.sms,
      push: state.consent.push,
    },
    get traits() {
      traits ??= computeTraits(state, now, config);
      return traits;
    },
    journey,
    loyalty: state.loyalty,
    order: orderId ? state.orders.recent.find((o) => o.orderId === orderId) : undefined,
    trigger: triggerId ? { id: triggerId } : undefined,
  };
}

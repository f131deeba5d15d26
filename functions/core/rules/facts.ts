import type { EngineSettings } from "../config/engine.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { mergedRecord } from "../state/data-record.ts";
import { computeTraits, type Traits } from "../state/traits.ts";

/** What conditions, keys and templates can read, by root: event, profile, traits, consent, journey, loyalty, order, item, trigger. */
export type Facts = {
  /** The event's detail, with its `type` and `eventId`. */
  readonly event?: Record<string, unknown> | undefined;
  readonly profile: CustomerState["profile"];
  readonly consent: Record<string, unknown>;
  readonly traits: Traits;
  journey?: Record<string, unknown> | undefined;
  readonly loyalty: CustomerState["loyalty"];
  readonly order?: unknown;
  item?: unknown;
  trigger?: { id: string } | undefined;
};

export type FactsInput = {
  state: CustomerState;
  now: number;
  settings: EngineSettings;
  event?: { type: string; detail: Record<string, unknown> } | undefined;
  journey?: Record<string, unknown> | undefined;
  triggerId?: string | undefined;
};

/** Built per condition scope: reads are lazy, since most conditions touch one or two roots. */
export function buildFacts({ state, now, settings, event, journey, triggerId }: FactsInput): Facts {
  return new FactsView(state, now, settings, event?.detail, journey, triggerId);
}

class FactsView implements Facts {
  item?: unknown;
  trigger?: { id: string };
  private traitView?: Traits;
  private consentView?: Record<string, unknown>;

  constructor(
    private readonly state: CustomerState,
    private readonly now: number,
    private readonly settings: EngineSettings,
    readonly event: Record<string, unknown> | undefined,
    readonly journey: Record<string, unknown> | undefined,
    triggerId: string | undefined,
  ) {
    if (triggerId) this.trigger = { id: triggerId };
  }

  get profile() {
    return this.state.profile;
  }
  get loyalty() {
    return this.state.loyalty;
  }
  get traits(): Traits {
    this.traitView ??= computeTraits(this.state, this.now, this.settings);
    return this.traitView;
  }
  get consent(): Record<string, unknown> {
    const { topics, email, sms, push } = this.state.consent;
    this.consentView ??= mergedRecord<unknown>(topics, { email, sms, push });
    return this.consentView;
  }
  get order(): unknown {
    const orderId = (this.event?.orderId ?? this.journey?.orderId) as string | undefined;
    return orderId ? this.state.orders.recent.find((o) => o.orderId === orderId) : undefined;
  }
}

import type { Campaign, Trigger } from "../config/campaign.ts";
import type { EngineConfig } from "../config/engine.ts";
import type { EventType } from "../events/details.ts";
import { type CompiledTemplate, compileTemplates } from "../templates/templates.ts";

export type TriggerOf<T extends Trigger["type"]> = Extract<Trigger, { type: T }>;
export type Bound<T extends Trigger["type"]> = { campaign: Campaign; trigger: TriggerOf<T> };

/** Campaigns compiled once: dispatch by event type, templates parsed, step ids indexed. */
export type Engine = {
  config: EngineConfig;
  campaigns: Map<string, Campaign>;
  stepIndex: Map<string, Map<string, number>>;
  templates: Map<string, Map<string, CompiledTemplate>>;
  eventTriggers: Map<EventType, Bound<"event">[]>;
  /** Event type -> event triggers whose running journeys it refreshes (refreshOn), with the key paths to use. */
  refreshTriggers: Map<EventType, (Bound<"event"> & { key: string[] })[]>;
  catalogTriggers: Map<EventType, Bound<"catalog">[]>;
  traitTriggers: Bound<"trait">[];
  /** Traits some trait trigger watches: only these are computed around each event. */
  traitsUsed: Set<string>;
  scheduleTriggers: Bound<"schedule">[];
  /** Event type -> campaigns whose journeys it can end or resume; other journeys are not looked at. */
  journeyEventTypes: Map<EventType, Set<string>>;
  renderBodies: boolean;
};

export function compileEngine(
  campaigns: Campaign[],
  config: EngineConfig,
  options: { renderBodies?: boolean } = {},
): Engine {
  const engine: Engine = {
    config,
    campaigns: new Map(),
    stepIndex: new Map(),
    templates: new Map(),
    eventTriggers: new Map(),
    refreshTriggers: new Map(),
    catalogTriggers: new Map(),
    traitTriggers: [],
    traitsUsed: new Set(),
    scheduleTriggers: [],
    journeyEventTypes: new Map(),
    // Every message the engine decides has its body rendered, so a template that fails at render fails there.
    renderBodies: options.renderBodies ?? true,
  };
  for (const campaign of campaigns) {
    if (!campaign.enabled) continue;
    engine.campaigns.set(campaign.id, campaign);
    engine.stepIndex.set(campaign.id, new Map(campaign.steps.map((step, index) => [step.id, index])));
    engine.templates.set(campaign.id, compileTemplates(campaign));
    for (const trigger of campaign.triggers) {
      if (trigger.type === "event") {
        push(engine.eventTriggers, trigger.event, { campaign, trigger });
        for (const refresh of trigger.refreshOn)
          push(engine.refreshTriggers, refresh.event, { campaign, trigger, key: refresh.key });
      } else if (trigger.type === "catalog")
        push(engine.catalogTriggers, trigger.event, { campaign, trigger });
      else if (trigger.type === "trait") {
        engine.traitTriggers.push({ campaign, trigger });
        engine.traitsUsed.add(trigger.trait);
      } else engine.scheduleTriggers.push({ campaign, trigger });
    }
    const listen = (type: EventType) => {
      const campaigns = engine.journeyEventTypes.get(type) ?? new Set<string>();
      campaigns.add(campaign.id);
      engine.journeyEventTypes.set(type, campaigns);
    };
    for (const rule of campaign.exitOn) listen(rule.event);
    for (const step of campaign.steps) if (step.type === "waitForEvent") listen(step.event);
  }
  return engine;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

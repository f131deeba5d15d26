import type { Campaign, Trigger } from "../config/campaign.ts";
import type { EngineSettings } from "../config/engine.ts";
import type { EventType } from "../events/details.ts";
import { comparePriority } from "../policies/cap.ts";
import { type CompiledTemplate, compileTemplates } from "../templates/templates.ts";
import { campaignVersion } from "./campaign-version.ts";

export type TriggerOf<T extends Trigger["type"]> = Extract<Trigger, { type: T }>;
export type Bound<T extends Trigger["type"]> = { campaign: Campaign; trigger: TriggerOf<T> };

/** Campaigns compiled once: dispatch by event type, templates parsed, step ids indexed. */
export type CompiledCampaigns = {
  settings: EngineSettings;
  /** Every campaign, disabled ones too (their running journeys finish or stop); only enabled ones have triggers. */
  campaigns: Map<string, Campaign>;
  /** Campaign -> its content hash (campaignVersion): journeys started on another version crossed an edit. */
  versions: Map<string, string>;
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
  /** Campaign -> what its conditions and templates read of a journey's context (undefined: all of it). */
  journeyFields: Map<string, JourneyFields | undefined>;
  /** Consent topics some send step needs: never dropped from a customer's state. */
  topicsUsed: Set<string>;
  renderBodies: boolean;
};

export function compileCampaigns(
  campaigns: Campaign[],
  settings: EngineSettings,
  options: {
    renderBodies?: boolean;
    /** Campaign -> campaignVersion, computed when the campaigns were bundled (a cold start skips the hashing). */
    versions?: Readonly<Record<string, string>>;
  } = {},
): CompiledCampaigns {
  const compiled: CompiledCampaigns = {
    settings,
    campaigns: new Map(),
    versions: new Map(),
    stepIndex: new Map(),
    templates: undefined as never,
    eventTriggers: new Map(),
    refreshTriggers: new Map(),
    catalogTriggers: new Map(),
    traitTriggers: [],
    traitsUsed: new Set(),
    scheduleTriggers: [],
    journeyEventTypes: new Map(),
    topicsUsed: new Set(),
    journeyFields: new Map(),
    // Every message the engine decides has its body rendered, so a template that fails at render fails there.
    renderBodies: options.renderBodies ?? true,
  };
  compiled.templates = new TemplatesOnFirstUse(compiled.campaigns);
  // In priority order, so every trigger list is: what one event or sweep starts is judged highest first.
  for (const campaign of [...campaigns].sort((a, b) => comparePriority({ campaign: a }, { campaign: b }))) {
    compiled.campaigns.set(campaign.id, campaign);
    compiled.versions.set(campaign.id, options.versions?.[campaign.id] ?? campaignVersion(campaign));
    compiled.stepIndex.set(campaign.id, new Map(campaign.steps.map((step, index) => [step.id, index])));
    compiled.journeyFields.set(campaign.id, journeyFieldsOf(campaign));
    // A paused campaign starts nothing; its exits and awaited events still reach its running journeys.
    for (const trigger of campaign.enabled ? campaign.triggers : []) {
      if (trigger.type === "event") {
        push(compiled.eventTriggers, trigger.event, { campaign, trigger });
        for (const refresh of trigger.refreshOn)
          push(compiled.refreshTriggers, refresh.event, { campaign, trigger, key: refresh.key });
      } else if (trigger.type === "catalog")
        push(compiled.catalogTriggers, trigger.event, { campaign, trigger });
      else if (trigger.type === "trait") {
        compiled.traitTriggers.push({ campaign, trigger });
        compiled.traitsUsed.add(trigger.trait);
      } else compiled.scheduleTriggers.push({ campaign, trigger });
    }
    const listen = (type: EventType) => {
      const campaigns = compiled.journeyEventTypes.get(type) ?? new Set<string>();
      campaigns.add(campaign.id);
      compiled.journeyEventTypes.set(type, campaigns);
    };
    for (const rule of campaign.exitOn) listen(rule.event);
    for (const step of campaign.steps) {
      if (step.type === "waitForEvent") listen(step.event);
      if (step.type === "send" && step.topic) compiled.topicsUsed.add(step.topic);
    }
  }
  return compiled;
}

export type JourneyFields = { top: Set<string>; awaited: Set<string> | undefined };

/**
 * The context fields a campaign reads (`journey.x`, `journey.awaited.y` in its conditions, paths and
 * templates), so a journey keeps those of its trigger event rather than a copy of the whole event.
 * Any other use of `journey` (the whole object, brackets) keeps everything.
 */
// `journey` not read as a property (`x.journey`), but a Liquid range `(1..journey.n)` is a read.
function journeyFieldsOf(campaign: Campaign): JourneyFields | undefined {
  const { triggers, steps, exitOn, templates } = campaign;
  const text = JSON.stringify({ triggers, steps, exitOn, templates });
  const fields: JourneyFields = { top: new Set(), awaited: new Set() };
  for (const use of text.matchAll(
    /(?<![\w$])(?<!(?<!\.)\.)journey\b(\.[A-Za-z_$][\w$]*)?(\.[A-Za-z_$][\w$]*)?/g,
  )) {
    const top = use[1]?.slice(1);
    if (top === undefined) return undefined;
    fields.top.add(top);
    if (top === "awaited") {
      const sub = use[2]?.slice(1);
      if (sub === undefined) fields.awaited = undefined;
      else fields.awaited?.add(sub);
    }
  }
  return fields;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Each campaign's templates, parsed when first asked for: a cold start parses none of the campaigns it
 * sends nothing for (the files were checked on load: campaign-files/load.ts, templateProblems).
 */
class TemplatesOnFirstUse extends Map<string, Map<string, CompiledTemplate>> {
  constructor(private readonly campaigns: ReadonlyMap<string, Campaign>) {
    super();
  }

  override get(campaignId: string): Map<string, CompiledTemplate> | undefined {
    let templates = super.get(campaignId);
    const campaign = templates ? undefined : this.campaigns.get(campaignId);
    if (campaign) {
      templates = compileTemplates(campaign);
      this.set(campaignId, templates);
    }
    return templates;
  }
}

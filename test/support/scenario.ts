import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Campaign, type CampaignInput, CampaignSchema } from "../../functions/core/config/campaign.ts";
import { type EngineSettings, EngineSettingsSchema } from "../../functions/core/config/engine.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { MessageDecision, MessageLine } from "../../functions/core/engine/decisions.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { type SimulationReport, simulate } from "../../local/simulator.ts";

export const CAMPAIGNS_DIR = join(import.meta.dirname, "..", "..", "campaigns");
const engineSettings = EngineSettingsSchema.parse(
  JSON.parse(readFileSync(join(CAMPAIGNS_DIR, "engine.json"), "utf8")),
);
const campaignCache = new Map<string, Campaign>();

/** A test event: detail-type, time and detail; the id defaults to the event's position. */
export type TestEvent = {
  type: string;
  at: string;
  detail: Record<string, unknown>;
  id?: string;
  source?: string;
};

export type ScenarioOptions = {
  until?: string;
  /** Changes to the shipped engine.json, merged shallowly. */
  settings?: Partial<EngineSettings>;
  /** Changes to the shipped campaigns, by id, merged shallowly. */
  campaigns?: Record<string, Partial<Campaign>>;
  /** Sees each message with the decision behind it (journey id, marketing or not). */
  onMessage?: (line: MessageLine, decision: MessageDecision) => void;
};

/** One shipped campaign file, validated; read alone so a broken sibling file does not break every test. */
export function shippedCampaign(id: string): Campaign {
  let campaign = campaignCache.get(id);
  if (!campaign) {
    campaign = CampaignSchema.parse(JSON.parse(readFileSync(join(CAMPAIGNS_DIR, `${id}.json`), "utf8")));
    campaignCache.set(id, campaign);
  }
  return campaign;
}

export function toJsonLines(events: TestEvent[]): string[] {
  return events.map((event, index) =>
    JSON.stringify({
      id: event.id ?? `e${index + 1}`,
      source: event.source ?? "test",
      "detail-type": event.type,
      time: event.at,
      detail: event.detail,
    }),
  );
}

/** Runs the given shipped campaigns over the events on the simulator; returns message lines as the CLI writes them. */
export function runScenario(
  campaignIds: string[],
  events: TestEvent[] | string[],
  options: ScenarioOptions = {},
) {
  const campaigns = campaignIds.map(
    (id) => ({ ...shippedCampaign(id), ...options.campaigns?.[id] }) as Campaign,
  );
  return runCampaigns(campaigns, events, options);
}

/** Campaigns written in the test itself (validated by the schema), run like shipped ones. */
export function defineCampaign(input: CampaignInput): Campaign {
  return CampaignSchema.parse(input);
}

/** A transactional "greeting" campaign: one email with this body to each customer who signs up. */
export function greetingOnSignup(body: string): Campaign {
  return defineCampaign({
    id: "greeting",
    name: "greeting",
    kind: "transactional",
    triggers: [{ type: "event", event: "customer.signed_up" }],
    steps: [{ id: "greeting-email", type: "send", channel: "email", template: "greeting" }],
    templates: { greeting: { subject: "Hello", body } },
  });
}

export function runCampaigns(
  campaigns: Campaign[],
  events: TestEvent[] | string[],
  options: ScenarioOptions = {},
) {
  const compiled = compileCampaigns(campaigns, { ...engineSettings, ...options.settings });
  const lines: MessageLine[] = [];
  const input = typeof events[0] === "string" ? (events as string[]) : toJsonLines(events as TestEvent[]);
  const report: SimulationReport = simulate(compiled, input, {
    ...(options.until ? { until: Date.parse(options.until) } : {}),
    onMessage: (line, decision) => {
      lines.push(JSON.parse(formatMessageLine(line)) as MessageLine);
      options.onMessage?.(line, decision);
    },
  });
  return { lines, report };
}

/** Message lines only, for `expect(...).toEqual([...])`. */
export function messages(
  campaignIds: string[],
  events: TestEvent[] | string[],
  options: ScenarioOptions = {},
) {
  return runScenario(campaignIds, events, options).lines;
}

export const customer = (id: string, extra: Record<string, unknown> = {}) => ({
  customerId: id,
  email: `${id}@example.com`,
  timezone: "Europe/Paris",
  ...extra,
});

export function shippedEngineSettings(): EngineSettings {
  return engineSettings;
}

import { join } from "node:path";
import type { Campaign } from "../../functions/core/config/campaign.ts";
import type { EngineConfig } from "../../functions/core/config/engine.ts";
import { compileEngine } from "../../functions/core/engine/compile.ts";
import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import { loadCampaignDirectory } from "../../local/campaign-files.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { type SimulationReport, simulate } from "../../local/simulator.ts";

export const CAMPAIGNS_DIR = join(import.meta.dirname, "..", "..", "campaigns");
const shipped = loadCampaignDirectory(CAMPAIGNS_DIR);

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
  engine?: Partial<EngineConfig>;
  /** Changes to the shipped campaigns, by id, merged shallowly. */
  campaigns?: Record<string, Partial<Campaign>>;
};

export function shippedCampaign(id: string): Campaign {
  const campaign = shipped.campaigns.find((c) => c.id === id);
  if (!campaign) throw new Error(`no shipped campaign ${id}`);
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
  const engine = compileEngine(campaigns, { ...shipped.engine, ...options.engine });
  const lines: MessageLine[] = [];
  const input = typeof events[0] === "string" ? (events as string[]) : toJsonLines(events as TestEvent[]);
  const report: SimulationReport = simulate(engine, input, {
    ...(options.until ? { until: Date.parse(options.until) } : {}),
    onMessage: (line) => lines.push(JSON.parse(formatMessageLine(line)) as MessageLine),
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

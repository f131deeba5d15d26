import type { CompiledCampaigns } from "../functions/core/engine/compile.ts";
import { journeyPosition } from "../functions/core/engine/live-edits.ts";
import {
  type CustomerState,
  CustomerStateSchema,
  type Journey,
} from "../functions/core/state/customer-state.ts";
import { DAY } from "../functions/core/time/local-time.ts";
import type { EventStream } from "./event-source.ts";
import { simulate } from "./simulator.ts";
import { formatTable } from "./text-table.ts";

/** How long after the stream the running journeys are followed: longer than any wait a file may hold. */
const FOLLOW_FOR = 400 * DAY;
const EXAMPLES = 3;

/** Journeys of one campaign at one step, and what the new campaigns do to them. */
export type JourneyRow = {
  campaign: string;
  step: string;
  outcome: string;
  journeys: number;
  examples: string[];
};
/** Messages of one campaign and step the running journeys would still send, before and after the change. */
export type MessageRow = {
  campaign: string;
  step: string;
  before: number;
  after: number;
  /** Customers with a message only before the change, or only after it. */
  examples: string[];
};
export type CampaignDiff = {
  endOfStream: number;
  customers: number;
  running: number;
  journeys: JourneyRow[];
  messages: MessageRow[];
};

/**
 * What deploying `after` in place of `before` does: the stream runs through `before` to its last event;
 * the journeys then running are followed to their end once under `before` and once under `after`
 * (no new event, so only the change tells the two apart).
 */
export function diffCampaigns(
  before: CompiledCampaigns,
  after: CompiledCampaigns,
  stream: EventStream,
): CampaignDiff {
  const states = new Map<string, CustomerState>();
  const endOfStream = stream.lastAt ?? 0;
  simulate(before, stream, { until: endOfStream, states });

  const journeyRows = new Map<string, JourneyRow>();
  let running = 0;
  for (const state of states.values())
    for (const journey of state.journeys) {
      running++;
      const step = stepLabel(journeyPosition(before, copy(journey)), journey);
      const outcome = outcomeUnder(after, copy(journey));
      const key = `${journey.campaign}\u0000${step}\u0000${outcome}`;
      const row = journeyRows.get(key) ?? {
        campaign: journey.campaign,
        step,
        outcome,
        journeys: 0,
        examples: [],
      };
      row.journeys++;
      if (row.examples.length < EXAMPLES) row.examples.push(state.customerId);
      journeyRows.set(key, row);
    }

  const sentBefore = followJourneys(before, states, endOfStream);
  const sentAfter = followJourneys(after, states, endOfStream);
  const messageRows = new Map<string, MessageRow>();
  const rowOf = (campaign: string, step: string) => {
    const key = `${campaign}\u0000${step}`;
    let row = messageRows.get(key);
    if (!row) {
      row = { campaign, step, before: 0, after: 0, examples: [] };
      messageRows.set(key, row);
    }
    return row;
  };
  for (const [key, sent] of sentBefore) {
    const row = rowOf(sent.campaign, sent.step);
    row.before++;
    if (!sentAfter.has(key) && row.examples.length < EXAMPLES) row.examples.push(sent.customerId);
  }
  for (const [key, sent] of sentAfter) {
    const row = rowOf(sent.campaign, sent.step);
    row.after++;
    if (!sentBefore.has(key) && row.examples.length < EXAMPLES) row.examples.push(sent.customerId);
  }
  return {
    endOfStream,
    customers: states.size,
    running,
    journeys: [...journeyRows.values()].sort(byCampaignAndStep),
    messages: [...messageRows.values()].sort(byCampaignAndStep),
  };
}

type Sent = { campaign: string; step: string; customerId: string };

/** The messages the running journeys send until they end, under these campaigns, on a copy of the states. */
function followJourneys(
  compiled: CompiledCampaigns,
  states: Map<string, CustomerState>,
  from: number,
): Map<string, Sent> {
  const copies = new Map(
    [...states].map(([id, state]) => [id, CustomerStateSchema.parse(JSON.parse(JSON.stringify(state)))]),
  );
  const sent = new Map<string, Sent>();
  simulate(compiled, [], {
    until: from + FOLLOW_FOR,
    states: copies,
    onMessage: (line, decision) => {
      if (line.status === "sent")
        sent.set(`${decision.journeyId}|${line.step}`, {
          campaign: line.campaign,
          step: line.step,
          customerId: line.customerId,
        });
    },
  });
  return sent;
}

function outcomeUnder(compiled: CompiledCampaigns, journey: Journey): string {
  const position = journeyPosition(compiled, journey);
  switch (position.kind) {
    case "stop":
      return `stops: ${position.reason}`;
    case "past_last":
      return "completes";
    case "step": {
      const disabled = position.campaign.enabled ? "" : " (campaign disabled: finishes)";
      return position.movedFrom ? `moves to ${journey.step} (onEdit)${disabled}` : `continues${disabled}`;
    }
  }
}

function stepLabel(position: ReturnType<typeof journeyPosition>, journey: Journey): string {
  if (position.kind === "past_last") return "(after the last step)";
  return typeof journey.step === "string" ? journey.step : `#${journey.step}`;
}

function copy(journey: Journey): Journey {
  return JSON.parse(JSON.stringify(journey)) as Journey;
}

function byCampaignAndStep(
  a: { campaign: string; step: string },
  b: { campaign: string; step: string },
): number {
  return a.campaign.localeCompare(b.campaign) || a.step.localeCompare(b.step);
}

/** The report as a person reads it: two tables, customer ids as examples (no address, no name). */
export function formatCampaignDiff(diff: CampaignDiff): string {
  const at = new Date(diff.endOfStream).toISOString();
  const journeys = table(
    ["campaign", "step", "journeys", "under the new campaigns", "examples"],
    diff.journeys.map((r) => [r.campaign, r.step, String(r.journeys), r.outcome, r.examples.join(" ")]),
  );
  const changed = diff.messages.filter((r) => r.before !== r.after || r.examples.length > 0);
  const messages = table(
    ["campaign", "step", "before", "after", "change", "examples"],
    diff.messages.map((r) => [
      r.campaign,
      r.step,
      String(r.before),
      String(r.after),
      r.after === r.before
        ? r.examples.length > 0
          ? "other customers"
          : "same"
        : signed(r.after - r.before),
      r.examples.join(" ") || "-",
    ]),
  );
  return [
    `${diff.running} journeys of ${diff.customers} customers running at the end of the stream (${at})`,
    "",
    diff.journeys.length > 0 ? journeys : "(no journey running)",
    "",
    `messages those journeys would still send, before and after the change (${changed.length} of ${diff.messages.length} campaign steps change)`,
    "",
    diff.messages.length > 0 ? messages : "(none)",
  ].join("\n");
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function table(header: string[], rows: string[][]): string {
  return formatTable([header, ...rows]);
}

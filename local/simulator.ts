import type { CompiledCampaigns } from "../functions/core/engine/compile.ts";
import { advance, decide, decideCatalog } from "../functions/core/engine/decide.ts";
import type { Decision, MessageDecision, MessageLine } from "../functions/core/engine/decisions.ts";
import { isCatalogEventType } from "../functions/core/events/details.ts";
import {
  type CatalogEvent,
  type CustomerEvent,
  describeProblems,
} from "../functions/core/events/envelope.ts";
import { keepItemsWith } from "../functions/core/state/compact-item.ts";
import { type CustomerState, emptyCustomerState } from "../functions/core/state/customer-state.ts";
import { DAY } from "../functions/core/time/local-time.ts";
import { type EventStream, type Rejection, streamFromLines } from "./event-source.ts";
import { favourMemory } from "./memory-mode.ts";
import { SharedItems } from "./shared-items.ts";
import { SharedTexts } from "./shared-texts.ts";
import { SimulatedSweep, SWEEP_INTERVAL } from "./simulated-sweep.ts";
import { CampaignSummary } from "./summary.ts";
import { TimerQueue } from "./timer-queue.ts";

export type SimulationReport = {
  summary: CampaignSummary;
  events: number;
  duplicates: number;
  ignored: Map<string, number>;
  /** The first rejected lines (see MAX_REJECTION_DETAILS); rejectedCount counts them all. */
  rejected: Rejection[];
  rejectedCount: number;
  messages: number;
  customers: number;
  until: number;
  /** Customer-hours the hourly sweeps decided on (the sweeps' work). */
  sweptCustomerHours: number;
};

export type SimulationOptions = {
  /** Virtual end time (epoch ms); default 30 days after the last event. */
  until?: number;
  /**
   * Receives each message line, in the order decided, with the decision it comes from: in time order,
   * except that an hour's sweep decides the hour's scheduled sends at its start, as on AWS.
   */
  onMessage?: (line: MessageLine, decision: MessageDecision) => void;
  /** Sweep every customer every hour instead of those the due-time queue names (same outcome, slower). */
  fullSweep?: boolean;
  /**
   * Customers' states to continue from (changed in place; new customers are added): their running
   * journeys wake as they would have. How a run with other campaigns picks up where one left off.
   */
  states?: Map<string, CustomerState>;
};

type Timer = { kind: "wake"; customerId: string; journeyId: string } | { kind: "sweep" };

const DEFAULT_RUN_ON = 30 * DAY;

/**
 * Runs the engine over a stream on a virtual clock: events in time order, journey wake-ups and
 * the hourly sweeps of scheduled campaigns at their virtual times, up to `until`.
 */
export function simulate(
  compiled: CompiledCampaigns,
  input: Iterable<string> | EventStream,
  options: SimulationOptions = {},
): SimulationReport {
  // Many customers' states at once, keeping the same items: each distinct item is kept once.
  const items = new SharedItems();
  const replaced = keepItemsWith((item) => items.share(item));
  const restoreMemoryMode = favourMemory();
  try {
    return run(compiled, input, options);
  } finally {
    restoreMemoryMode();
    keepItemsWith(replaced);
  }
}

function run(
  compiled: CompiledCampaigns,
  input: Iterable<string> | EventStream,
  options: SimulationOptions,
): SimulationReport {
  const stream = "events" in input ? input : streamFromLines(input);
  const { ignored, rejected } = stream;
  const lastAt = stream.lastAt ?? 0;
  const until = options.until ?? lastAt + DEFAULT_RUN_ON;
  const summary = new CampaignSummary(compiled.campaigns.keys());
  const states = options.states ?? new Map<string, CustomerState>();
  const interestIndex = new Map<string, Map<string, number>>();
  const timers = new TimerQueue<Timer>();
  const scheduledWake = new Map<string, number>();
  let messages = 0;
  const sweep = new SimulatedSweep(compiled, states, options.fullSweep);

  function stateOf(customerId: string) {
    let state = states.get(customerId);
    if (!state) {
      state = emptyCustomerState(customerId);
      states.set(customerId, state);
    }
    return state;
  }

  function apply(decisions: Decision[]) {
    for (const decision of decisions) {
      summary.record(decision);
      if (decision.type === "message") {
        messages++;
        options.onMessage?.(decision.line, decision);
      } else if (decision.type === "wake") {
        if (scheduledWake.get(decision.journeyId) === decision.at) continue;
        scheduledWake.set(decision.journeyId, decision.at);
        timers.push(decision.at, {
          kind: "wake",
          customerId: decision.customerId,
          journeyId: decision.journeyId,
        });
      } else if (decision.type === "interest") {
        const until = decision.until ?? Number.POSITIVE_INFINITY;
        for (const productId of decision.productIds) {
          let customers = interestIndex.get(productId);
          if (!customers) {
            customers = new Map();
            interestIndex.set(productId, customers);
          }
          // Interest lasts as long as its longest reason: a view must not shorten a wishlist's.
          customers.set(decision.customerId, Math.max(customers.get(decision.customerId) ?? 0, until));
        }
      } else if (decision.change !== "started") scheduledWake.delete(decision.journeyId);
    }
  }

  function runTimer(at: number, timer: Timer) {
    if (timer.kind === "sweep") {
      sweep.run(at, apply);
      if (at + SWEEP_INTERVAL <= until) timers.push(at + SWEEP_INTERVAL, { kind: "sweep" });
      return;
    }
    const state = states.get(timer.customerId);
    if (!state) return;
    if (scheduledWake.get(timer.journeyId) !== at) return;
    sweep.stateChanged(timer.customerId);
    scheduledWake.delete(timer.journeyId);
    apply(advance(compiled, state, timer.journeyId, at));
  }

  function runTimersUpTo(time: number) {
    for (let next = timers.peekTime(); next !== undefined && next <= time; next = timers.peekTime()) {
      const { at, value } = timers.pop()!;
      runTimer(at, value);
    }
  }

  for (const state of states.values())
    for (const journey of state.journeys) {
      scheduledWake.set(journey.id, journey.wakeAt);
      timers.push(journey.wakeAt, { kind: "wake", customerId: state.customerId, journeyId: journey.id });
    }
  // The first hour with a customer in it; the sweeps then run every hour, as the schedules do.
  if (stream.firstAt !== undefined && sweep.active)
    timers.push(Math.floor(stream.firstAt / SWEEP_INTERVAL) * SWEEP_INTERVAL, { kind: "sweep" });

  const texts = new SharedTexts();
  let eventCount = 0;
  for (const event of stream.events) {
    eventCount++;
    if (event.at > until) break;
    texts.shareItems(event);
    runTimersUpTo(event.at);
    if (isCatalogEventType(event.type)) {
      const candidates = interestIndex.get((event as CatalogEvent).detail.product.productId);
      for (const [customerId, until] of candidates ?? []) {
        if (until < event.at) candidates?.delete(customerId);
        else {
          sweep.stateChanged(customerId);
          apply(decideCatalog(compiled, stateOf(customerId), event as CatalogEvent));
        }
      }
    } else {
      const customerEvent = event as CustomerEvent;
      sweep.stateChanged(customerEvent.detail.customerId);
      apply(decide(compiled, stateOf(customerEvent.detail.customerId), customerEvent));
    }
  }
  runTimersUpTo(until);

  return {
    summary,
    events: eventCount,
    duplicates: stream.duplicates(),
    ignored,
    rejected,
    rejectedCount: stream.rejectedCount,
    messages,
    customers: states.size,
    until,
    sweptCustomerHours: sweep.swept,
  };
}

export function describeRejection(rejection: Rejection): string {
  const what = [rejection.id, rejection.detailType].filter(Boolean).join(" ");
  return `line ${rejection.line}${what ? ` (${what})` : ""}: ${describeProblems(rejection.problems)}`;
}

export type { Rejection };

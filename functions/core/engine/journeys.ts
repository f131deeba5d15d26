import type { Campaign, Reentry, SendStep, Step, Trigger } from "../config/campaign.ts";
import { MAX_DURATION_MS } from "../config/duration-values.ts";
import type { Item } from "../events/item.ts";
import { capClassOf, countSend } from "../policies/cap.ts";
import { countsTowardCap, isMarketing, judgeSend } from "../policies/judge-send.ts";
import { type ConditionScope, holds } from "../rules/conditions.ts";
import { buildFacts } from "../rules/facts.ts";
import { readPath, readValues } from "../rules/paths.ts";
import { customerZone } from "../state/apply-event.ts";
import { compactItem } from "../state/compact-item.ts";
import type { CustomerState, Journey } from "../state/customer-state.ts";
import { dataRecord, getOwn, setOwn } from "../state/data-record.ts";
import { anyFinished, foreverLock, setCounted } from "../state/key-bounds.ts";
import { type CompiledTemplate, renderBody, renderSubject } from "../templates/templates.ts";
import type { CompiledCampaigns } from "./compile.ts";
import type { Decision, JourneyDecision, MessageLine } from "./decisions.ts";
import {
  alreadySentAcrossEdit,
  journeyPosition,
  recordSentStep,
  type StopReason,
  stepIdAt,
} from "./live-edits.ts";
import { mergeProducts } from "./products.ts";

/** One call into the core: the compiled campaigns, the customer's state it may change, the decisions so far. */
export type DecisionAccumulator = {
  compiled: CompiledCampaigns;
  state: CustomerState;
  decisions: Decision[];
};

const MAX_STEPS_PER_ADVANCE = 64;
/** Stands in a rendered body for the signed one-click link, which only the sender can sign. */
export const UNSUBSCRIBE_URL_PLACEHOLDER = "%UNSUBSCRIBE_URL%";
const HOUR = 3_600_000;

/** The key of a journey: the values at the trigger's key paths ("" for one journey per customer). */
export function journeyKey(facts: object, keyPaths: readonly string[]): string {
  return keyPaths.map((path) => readValues(facts, path).join("+")).join(":");
}

/** The journey of this campaign, trigger and key that is running, if one is. */
export function runningJourney(
  state: CustomerState,
  campaignId: string,
  triggerId: string,
  key: string,
): Journey | undefined {
  return state.journeys.find((j) => j.campaign === campaignId && j.trigger === triggerId && j.key === key);
}

export function journeyId(campaignId: string, customerId: string, triggerId: string, key: string): string {
  return `${campaignId}:${customerId}:${triggerId}:${key}`;
}

export function scopeAt(
  accumulator: DecisionAccumulator,
  now: number,
  journey?: Journey,
  event?: ScopeEvent,
): ConditionScope {
  const { state, compiled } = accumulator;
  return {
    facts: buildFacts({
      state,
      now,
      settings: compiled.settings,
      event,
      journey: journey?.context,
      triggerId: journey?.trigger,
    }),
    state,
    now,
    zone: customerZone(state, compiled.settings),
    settings: compiled.settings,
  };
}
export type ScopeEvent = { type: string; detail: Record<string, unknown> };

export type StartRequest = {
  campaign: Campaign;
  trigger: Trigger;
  key: string;
  at: number;
  context: Record<string, unknown>;
};

/**
 * Starts a journey unless one runs for this key, a journey of the same id ran, or re-entry forbids it.
 * Under a re-entry window (not "forever") the same key may run again once the window allows: each run
 * is its own journey, its id suffixed with its start time (a redelivery starts nothing).
 */
export function startJourney(accumulator: DecisionAccumulator, request: StartRequest): Journey | undefined {
  const { state, decisions } = accumulator;
  const { campaign, trigger, key, at } = request;
  if (!campaign.enabled) return undefined;
  const context = keptContext(accumulator, campaign.id, request.context);
  const reentry = trigger.reentry ?? campaign.reentry;
  const base = journeyId(campaign.id, state.customerId, trigger.id, key);
  const id = reentry !== undefined && reentry.window !== "forever" ? `${base}@${at}` : base;
  if (getOwn(state.finished, id) !== undefined || runningJourney(state, campaign.id, trigger.id, key))
    return undefined;
  const startIndex = trigger.startAt
    ? (accumulator.compiled.stepIndex.get(campaign.id)?.get(trigger.startAt) ?? 0)
    : 0;
  // The lock is judged when the first message could go: a lock that ends before then does not block.
  const firstSendAt = at + leadTime(campaign, startIndex);
  if (reentry && isLocked(state, reentryLockKey(campaign.id, trigger.id, key, reentry), firstSendAt))
    return undefined;
  const journey: Journey = {
    id,
    campaign: campaign.id,
    trigger: trigger.id,
    key,
    startedAt: at,
    lastTriggerAt: at,
    step: stepIdAt(campaign, startIndex),
    version: accumulator.compiled.versions.get(campaign.id),
    wakeAt: at,
    reachedSend: false,
    context,
  };
  state.journeys.push(journey);
  decisions.push({
    type: "journey",
    change: "started",
    campaign: campaign.id,
    journeyId: id,
    customerId: state.customerId,
    at,
  });
  advanceJourney(accumulator, journey, at);
  return journey;
}

/** A repeat of a debounced trigger: waits anchored to the last trigger move, the context takes the news. */
export function refreshJourney(
  accumulator: DecisionAccumulator,
  journey: Journey,
  at: number,
  context: Record<string, unknown>,
  maxProducts: number | undefined,
): void {
  const previous = journey.context.products as Item[] | undefined;
  const incoming = context.products as Item[] | undefined;
  journey.context = { ...journey.context, ...keptContext(accumulator, journey.campaign, context) };
  if (maxProducts !== undefined && incoming && previous)
    journey.context.products = mergeProducts(incoming, previous, maxProducts);
  journey.lastTriggerAt = Math.max(journey.lastTriggerAt, at);
  if (journey.debounceMs !== undefined) {
    journey.wakeAt = journey.lastTriggerAt + journey.debounceMs;
    wake(accumulator, journey);
  }
}

/** Runs every step that is due at `now`, stopping at the next wait. */
export function advanceJourney(accumulator: DecisionAccumulator, journey: Journey, now: number): void {
  const position = journeyPosition(accumulator.compiled, journey);
  if (position.kind === "stop") {
    stopJourney(accumulator, journey, now, position.reason);
    return;
  }
  const { campaign } = position;
  let index = position.kind === "step" ? position.index : campaign.steps.length;
  for (let guard = 0; guard < MAX_STEPS_PER_ADVANCE; guard++) {
    if (journey.wakeAt > now) {
      wake(accumulator, journey);
      return;
    }
    const step = campaign.steps[index];
    if (!step) {
      finishJourney(accumulator, journey, now, "completed");
      return;
    }
    if (step.type !== "send") journey.debounceMs = undefined;
    const dueAt = journey.wakeAt;
    let next: string | undefined;
    switch (step.type) {
      case "send": {
        const outcome = sendStep(accumulator, campaign, journey, step, now);
        if (outcome === "deferred") {
          wake(accumulator, journey);
          return;
        }
        // Re-entry locked, or the journey's messages are used up.
        if (outcome === "locked") {
          finishJourney(accumulator, journey, now, "completed");
          return;
        }
        next = step.next;
        break;
      }
      case "wait": {
        const length = waitLength(accumulator, journey, step, now);
        if (length === undefined) {
          finishJourney(accumulator, journey, now, "completed");
          return;
        }
        if (step.from === "lastTrigger") {
          journey.wakeAt = journey.lastTriggerAt + length;
          journey.debounceMs = length;
        } else journey.wakeAt = dueAt + length;
        next = step.next;
        break;
      }
      case "waitForEvent":
        if (journey.awaitingSince === undefined) {
          journey.awaitingSince = dueAt;
          journey.wakeAt = dueAt + step.timeout;
          wake(accumulator, journey);
          return;
        }
        journey.awaitingSince = undefined;
        next = step.onTimeout;
        break;
      case "branch":
        next = holds(step.if, scopeAt(accumulator, now, journey)) ? step.then : step.else;
        break;
    }
    if (next === "end") {
      finishJourney(accumulator, journey, now, "completed");
      return;
    }
    index =
      next === undefined ? index + 1 : (accumulator.compiled.stepIndex.get(campaign.id)?.get(next) ?? -1);
    if (index < 0) {
      finishJourney(accumulator, journey, now, "completed");
      return;
    }
    journey.step = stepIdAt(campaign, index);
  }
  // A loop of branches with no wait: end the journey rather than spin.
  finishJourney(accumulator, journey, now, "completed");
}

/** Resumes a journey waiting for this event at step `index`: the event is kept as journey.awaited. */
export function resumeWaitingJourney(
  accumulator: DecisionAccumulator,
  journey: Journey,
  event: ScopeEvent,
  at: number,
  campaign: Campaign,
  index: number,
): void {
  const workflowSleepsUntil = journey.wakeAt;
  journey.awaitingSince = undefined;
  const fields = accumulator.compiled.journeyFields.get(journey.campaign);
  const awaited = fields?.awaited ? pick(event.detail, fields.awaited) : event.detail;
  journey.context = fields?.top.has("awaited") === false ? journey.context : { ...journey.context, awaited };
  const step = campaign.steps[index];
  let nextIndex = index + 1;
  if (step && step.type === "waitForEvent" && step.next) {
    if (step.next === "end") {
      finishJourney(accumulator, journey, at, "completed");
      return;
    }
    nextIndex = accumulator.compiled.stepIndex.get(journey.campaign)?.get(step.next) ?? nextIndex;
  }
  journey.step = stepIdAt(campaign, nextIndex);
  journey.wakeAt = at;
  advanceJourney(accumulator, journey, at);
  rewakeIfEarlier(accumulator, journey, workflowSleepsUntil);
}

/**
 * The journey's workflow sleeps until the wake it had before an outside event moved it (a later move
 * is harmless: the workflow wakes early and sleeps again). Moved earlier, a new workflow generation
 * is needed to wake on time; the older execution then finds itself stale and ends.
 */
function rewakeIfEarlier(
  accumulator: DecisionAccumulator,
  journey: Journey,
  workflowSleepsUntil: number,
): void {
  if (!accumulator.state.journeys.includes(journey) || journey.wakeAt >= workflowSleepsUntil) return;
  const wake = accumulator.decisions.findLast((d) => d.type === "wake" && d.journeyId === journey.id);
  if (wake?.type !== "wake") return;
  journey.wakeGeneration = (journey.wakeGeneration ?? 0) + 1;
  wake.generation = journey.wakeGeneration;
}

/**
 * Whether a workflow of that generation (absent: the first) is older than the journey's live one:
 * its Step ends without advancing the journey, and its failure does not end it.
 */
export function isStaleWorkflow(journey: Journey, generation: number | undefined): boolean {
  return (journey.wakeGeneration ?? 0) > (generation ?? 0);
}

/** What the engine itself reads from a context, whatever the campaign's files say. */
const CONTEXT_ALWAYS_KEPT = new Set(["products", "item", "orderId"]);

/** The part of a trigger's context the campaign reads: a journey keeps no copy of the whole event. */
function keptContext(
  accumulator: DecisionAccumulator,
  campaignId: string,
  context: Record<string, unknown>,
): Record<string, unknown> {
  const fields = accumulator.compiled.journeyFields.get(campaignId);
  if (!fields) return context;
  const kept = dataRecord<unknown>();
  for (const key of Object.keys(context))
    if (fields.top.has(key) || CONTEXT_ALWAYS_KEPT.has(key)) setOwn(kept, key, context[key]);
  // Items keep the fields templates and conditions read, like the state's own copies.
  const settings = accumulator.compiled.settings;
  if (isItem(kept.item)) kept.item = compactItem(kept.item, settings);
  if (Array.isArray(kept.products))
    kept.products = kept.products.map((p) => (isItem(p) ? compactItem(p, settings) : p));
  return kept;
}

function isItem(value: unknown): value is Item {
  return typeof value === "object" && value !== null && typeof (value as Item).productId === "string";
}

function pick(source: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  const picked = dataRecord<unknown>();
  for (const key of keys) if (Object.hasOwn(source, key)) setOwn(picked, key, source[key]);
  return picked;
}

export function finishJourney(
  accumulator: DecisionAccumulator,
  journey: Journey,
  at: number,
  change: "completed" | "exited" | "failed",
  exit?: { event: string; conversion: boolean },
): void {
  endJourney(accumulator, journey, at, {
    change,
    ...(exit ? { exitEvent: exit.event, conversion: exit.conversion } : {}),
  });
}

/** Ends a journey before its steps did, for a reason other than an exit event: never silently. */
export function stopJourney(
  accumulator: DecisionAccumulator,
  journey: Journey,
  at: number,
  reason: StopReason,
): void {
  endJourney(accumulator, journey, at, { change: "stopped", reason });
}

function endJourney(
  accumulator: DecisionAccumulator,
  journey: Journey,
  at: number,
  { change, ...details }: Pick<JourneyDecision, "change" | "exitEvent" | "conversion" | "reason">,
): void {
  const { state, decisions } = accumulator;
  state.journeys = state.journeys.filter((j) => j !== journey);
  setCounted(state.finished, journey.id, at, anyFinished);
  decisions.push({
    type: "journey",
    change,
    campaign: journey.campaign,
    journeyId: journey.id,
    customerId: state.customerId,
    at,
    ...details,
  });
}

function wake(accumulator: DecisionAccumulator, journey: Journey): void {
  accumulator.decisions.push({
    type: "wake",
    journeyId: journey.id,
    customerId: accumulator.state.customerId,
    at: journey.wakeAt,
  });
}

function waitLength(
  accumulator: DecisionAccumulator,
  journey: Journey,
  step: Extract<Step, { type: "wait" }>,
  now: number,
): number | undefined {
  if (step.duration !== undefined) return step.duration;
  const spec = step.durationFrom;
  if (!spec) return undefined;
  const value = readPath(scopeAt(accumulator, now, journey).facts, spec.path);
  if (typeof value !== "number") return undefined;
  const length = (value + spec.add) * (spec.unit === "days" ? 24 * HOUR : HOUR);
  // The value comes from event data: bounded like a duration written in a file.
  return Math.min(MAX_DURATION_MS, Math.max(0, length));
}

/** The fixed waits before a journey's first send: the earliest it can send after starting. */
export function leadTime(campaign: Campaign, startIndex: number): number {
  let total = 0;
  for (let i = startIndex; i < campaign.steps.length; i++) {
    const step = campaign.steps[i]!;
    if (step.type !== "wait" || step.duration === undefined || step.next !== undefined) break;
    total += step.duration;
  }
  return total;
}

export function reentryLockKey(campaignId: string, triggerId: string, key: string, reentry: Reentry): string {
  return reentry.scope === "customer" ? `${campaignId}|*` : `${campaignId}|${triggerId}:${key}`;
}

function isLocked(state: CustomerState, key: string, at: number): boolean {
  const until = getOwn(state.reentryLocks, key);
  return until !== undefined && (until < 0 || until > at);
}

type SendOutcome = "next" | "deferred" | "locked";

function sendStep(
  accumulator: DecisionAccumulator,
  campaign: Campaign,
  journey: Journey,
  step: SendStep,
  now: number,
): SendOutcome {
  const { state, compiled, decisions } = accumulator;
  const scope = scopeAt(accumulator, now, journey);
  if (!holds(step.when, scope)) return "next";
  if (alreadySentAcrossEdit(compiled, journey, step.id)) return "next";

  const trigger = campaign.triggers.find((t) => t.id === journey.trigger);
  let products = journey.context.products as Item[] | undefined;
  if (trigger?.products?.excludePurchased && products)
    products = products.filter((item) => getOwn(state.products, item.productId)?.boughtAt === undefined);
  if (trigger?.products && !trigger.products.allowEmpty && (!products || products.length === 0))
    return "next";

  // A journey that loops (through long enough waits) still ends after this many messages.
  if ((journey.sends ?? 0) >= (campaign.policies.maxSendsPerJourney ?? compiled.settings.maxSendsPerJourney))
    return "locked";

  if (!journey.reachedSend) {
    const reentry = trigger?.reentry ?? campaign.reentry;
    if (reentry) {
      const key = reentryLockKey(campaign.id, journey.trigger, journey.key, reentry);
      if (isLocked(state, key, now)) return "locked";
      // "forever" is kept as minus the time it was set, so the oldest can go when there are too many.
      setCounted(
        state.reentryLocks,
        key,
        reentry.window === "forever" ? -Math.max(now, 1) : now + reentry.window,
        foreverLock,
      );
    }
    journey.reachedSend = true;
  }

  const verdict = judgeSend({
    state,
    campaign,
    step,
    now,
    zone: scope.zone,
    settings: compiled.settings,
    dueAt: journey.deferredFrom ?? journey.wakeAt,
  });
  if (verdict.outcome === "defer") {
    journey.deferredFrom ??= journey.wakeAt;
    journey.wakeAt = verdict.until;
    return "deferred";
  }
  const line: MessageLine = {
    at: new Date(now).toISOString(),
    campaign: campaign.id,
    step: step.id,
    customerId: state.customerId,
    channel: step.channel,
    status: verdict.outcome === "send" ? "sent" : "suppressed",
    template: step.template,
  };
  let body: string | undefined;
  if (verdict.outcome === "suppress") line.reason = verdict.reason;
  else {
    const template = compiled.templates.get(campaign.id)?.get(step.template);
    const rendered = template
      ? renderMessage(
          template,
          {
            profile: state.profile,
            customer: state.profile,
            journey: journey.context,
            products: products ?? [],
            params: campaign.params,
            traits: scope.facts.traits,
            order: scope.facts.order,
            loyalty: state.loyalty,
            unsubscribeUrl: UNSUBSCRIBE_URL_PLACEHOLDER,
          },
          { subject: step.channel === "email", body: compiled.renderBodies },
        )
      : {};
    if (rendered === undefined) {
      // The same data would fail the same way on every retry: decided once, as not sent.
      line.status = "suppressed";
      line.reason = "render_failed";
    } else {
      line.to = verdict.to;
      if (rendered.subject !== undefined) line.subject = rendered.subject;
      if (rendered.body !== undefined) body = withSmsOptOut(rendered.body, step, campaign, accumulator);
      if (countsTowardCap(campaign, step)) countSend(state, capClassOf(campaign, step), now);
    }
  }
  if (products && products.length > 0) line.productIds = products.map((p) => p.productId);
  if (journey.deferredFrom !== undefined) line.deferredFrom = new Date(journey.deferredFrom).toISOString();
  journey.deferredFrom = undefined;
  journey.sends = (journey.sends ?? 0) + 1;
  recordSentStep(journey, step.id);
  decisions.push({
    type: "message",
    journeyId: journey.id,
    marketing: isMarketing(campaign, step),
    line,
    ...(body !== undefined ? { body } : {}),
    ...(step.topic ? { topic: step.topic } : {}),
  });
  return "next";
}

/** The parts asked for, rendered; undefined when the template fails to render (limits, bad data). */
function renderMessage(
  template: CompiledTemplate,
  scope: object,
  parts: { subject: boolean; body: boolean },
): { subject?: string; body?: string } | undefined {
  try {
    const subject = parts.subject ? renderSubject(template, scope) : undefined;
    const body = parts.body ? renderBody(template, scope) : undefined;
    return { ...(subject !== undefined ? { subject } : {}), ...(body !== undefined ? { body } : {}) };
  } catch {
    return undefined;
  }
}

/** Marketing SMS must say how to opt out. */
function withSmsOptOut(
  body: string,
  step: SendStep,
  campaign: Campaign,
  accumulator: DecisionAccumulator,
): string {
  if (step.channel !== "sms" || !isMarketing(campaign, step) || /\bSTOP\b/.test(body)) return body;
  return `${body.trimEnd()} ${accumulator.compiled.settings.smsOptOutText}`;
}

import type { Campaign, Trigger } from "../config/campaign.ts";
import type { EventType } from "../events/details.ts";
import type { CatalogEvent, CustomerEvent } from "../events/envelope.ts";
import type { Item } from "../events/item.ts";
import { comparePriority } from "../policies/cap.ts";
import { holds } from "../rules/conditions.ts";
import { readValues } from "../rules/paths.ts";
import { appliedStatus, rememberApplied } from "../state/applied-events.ts";
import { applyEvent } from "../state/apply-event.ts";
import type { CustomerState, Journey } from "../state/customer-state.ts";
import { applyOrderedFields } from "../state/ordered-fields.ts";
import { resumeHeldForAddress } from "./address-arrival.ts";
import type { Bound, CompiledCampaigns } from "./compile.ts";
import type { Decision } from "./decisions.ts";
import {
  advanceJourney,
  type DecisionAccumulator,
  finishJourney,
  journeyKey,
  refreshJourney,
  resumeWaitingJourney,
  runningJourney,
  type ScopeEvent,
  scopeAt,
  startJourney,
  stopJourney,
} from "./journeys.ts";
import { journeyPosition } from "./live-edits.ts";
import { selectProducts } from "./products.ts";
import { pruneState } from "./prune.ts";
import { startTraitJourneys, traitSnapshot } from "./trait-triggers.ts";

/**
 * Decides what one customer event does: folds it into the state, ends or resumes journeys it
 * concerns, starts the journeys it triggers (directly or through a trait crossing). The state is
 * changed in place; the decisions say what to apply outside (messages, wake-ups, index updates).
 */
export function decide(compiled: CompiledCampaigns, state: CustomerState, event: CustomerEvent): Decision[] {
  const applied = appliedStatus(state, event.id, event.at);
  if (applied === "applied") return [];
  // Maybe a replay of an event applied and forgotten: only what cannot move backwards is applied.
  if (applied === "possibly_applied") {
    applyOrderedFields(state, event, compiled.settings);
    return [];
  }
  rememberApplied(state, event.id, event.at, compiled.settings.retention.appliedEvents);
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const now = event.at;
  const before = traitSnapshot(compiled, state, event, now);
  applyEvent(state, event, compiled.settings);
  const scopeEvent = toScopeEvent(event);
  const touched = touchedProducts(event);
  if (touched.length > 0)
    accumulator.decisions.push({
      type: "interest",
      customerId: state.customerId,
      productIds: touched,
      ...(event.type === "product.viewed"
        ? { until: now + compiled.settings.traits.viewedInterestWindow }
        : {}),
    });

  if (compiled.journeyEventTypes.has(event.type)) endOrResumeJourneys(accumulator, scopeEvent, now);
  resumeHeldForAddress(accumulator, now);
  const after = before ? traitSnapshot(compiled, state, event, now) : undefined;
  // Data, not closures: a closure made per event costs its naming under tsx (keepNames), 1.5 % of simulate.
  const starts: ({ campaign: Campaign } & ({ trigger: Trigger } | { bound: Bound<"trait"> }))[] = [];
  for (const { campaign, trigger } of compiled.eventTriggers.get(event.type) ?? [])
    starts.push({ campaign, trigger });
  if (before && after)
    for (const bound of compiled.traitTriggers) starts.push({ campaign: bound.campaign, bound });
  // Each list is in priority order (compileCampaigns); merged, what the event starts is judged highest first.
  for (const start of starts.sort(comparePriority))
    if ("bound" in start) startTraitJourneys(accumulator, before!, after!, scopeEvent, now, [start.bound]);
    else startFromEvent(accumulator, start.campaign, start.trigger, scopeEvent, now);
  for (const refresh of compiled.refreshTriggers.get(event.type) ?? [])
    refreshFromEvent(accumulator, refresh, scopeEvent, now);
  pruneState(compiled, state, now);
  state.version++;
  return accumulator.decisions;
}

/** A catalog event (price, inventory) for one candidate customer from the interest index. */
export function decideCatalog(
  compiled: CompiledCampaigns,
  state: CustomerState,
  event: CatalogEvent,
): Decision[] {
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const scopeEvent = toScopeEvent(event);
  for (const { campaign, trigger } of compiled.catalogTriggers.get(event.type) ?? [])
    startFromEvent(accumulator, campaign, trigger, scopeEvent, event.at);
  if (accumulator.decisions.length > 0) {
    pruneState(compiled, state, event.at);
    state.version++;
  }
  return accumulator.decisions;
}

/** A journey's wake-up: runs its due steps. A stale wake-up (the journey moved or ended) does nothing. */
export function advance(
  compiled: CompiledCampaigns,
  state: CustomerState,
  journeyId: string,
  now: number,
): Decision[] {
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const journey = state.journeys.find((j) => j.id === journeyId);
  if (!journey || journey.wakeAt > now) return accumulator.decisions;
  // The customer's other journeys due by now go too, all in priority order, whichever wake-up came
  // first: their own wake-ups then find them moved on (stale, harmless).
  for (const due of dueInPriorityOrder(compiled, state, now))
    if (state.journeys.includes(due) && due.wakeAt <= now) advanceJourney(accumulator, due, now);
  pruneState(compiled, state, now);
  state.version++;
  return accumulator.decisions;
}

export function startFromEvent(
  accumulator: DecisionAccumulator,
  campaign: Campaign,
  trigger: Trigger,
  event: ScopeEvent,
  now: number,
): void {
  const scope = scopeAt(accumulator, now, undefined, event);
  scope.facts.trigger = { id: trigger.id };
  const elements: unknown[] =
    trigger.type === "event" && trigger.forEach ? readValues(scope.facts, trigger.forEach) : [undefined];
  for (const element of elements) {
    scope.facts.item = element;
    if (!holds(trigger.where, scope)) continue;
    const key = journeyKey(
      scope.facts,
      trigger.type === "event" || trigger.type === "catalog" ? trigger.key : [],
    );
    const open = runningJourney(accumulator.state, campaign.id, trigger.id, key);
    const debounced = trigger.type === "event" && trigger.debounce;
    // A running journey that is not debounced takes nothing from a repeat: no context to build.
    if (open && !debounced) continue;
    const context: Record<string, unknown> = { ...event.detail, eventType: event.type };
    if (element !== undefined) context.item = element;
    if (trigger.products) context.products = selectProducts(trigger.products, scope);
    if (open)
      refreshJourney(
        accumulator,
        open,
        now,
        context,
        trigger.products?.accumulate ? trigger.products.max : undefined,
      );
    else startJourney(accumulator, { campaign, trigger, key, at: now, context });
  }
}

/** Activity that is not the trigger itself (checkout.started for a cart) moves the running journey's wait. */
function refreshFromEvent(
  accumulator: DecisionAccumulator,
  { campaign, trigger, key: keyPaths }: Bound<"event"> & { key: string[] },
  event: ScopeEvent,
  now: number,
): void {
  const key = journeyKey(scopeAt(accumulator, now, undefined, event).facts, keyPaths);
  const open = runningJourney(accumulator.state, campaign.id, trigger.id, key);
  if (open) refreshJourney(accumulator, open, now, {}, undefined);
}

function endOrResumeJourneys(accumulator: DecisionAccumulator, event: ScopeEvent, now: number): void {
  const listening = accumulator.compiled.journeyEventTypes.get(event.type as EventType);
  for (const journey of [...accumulator.state.journeys]) {
    if (!listening?.has(journey.campaign)) continue;
    const campaign = accumulator.compiled.campaigns.get(journey.campaign);
    if (!campaign) continue;
    const scope = scopeAt(accumulator, now, journey, event);
    const exit = campaign.exitOn.find(
      (rule) => rule.event === event.type && holds(rule.where, scope) && matches(rule.match, scope.facts),
    );
    if (exit) {
      finishJourney(accumulator, journey, now, "exited", { event: event.type, conversion: exit.conversion });
      continue;
    }
    const position = journeyPosition(accumulator.compiled, journey);
    if (position.kind === "stop") {
      stopJourney(accumulator, journey, now, position.reason);
      continue;
    }
    const step = position.kind === "step" ? campaign.steps[position.index] : undefined;
    if (
      position.kind === "step" &&
      step?.type === "waitForEvent" &&
      journey.awaitingSince !== undefined &&
      step.event === event.type &&
      holds(step.where, scope) &&
      matches(step.match, scope.facts)
    )
      resumeWaitingJourney(accumulator, journey, event, now, campaign, position.index);
  }
}

function dueInPriorityOrder(compiled: CompiledCampaigns, state: CustomerState, now: number): Journey[] {
  const due = state.journeys.flatMap((journey) => {
    const campaign = compiled.campaigns.get(journey.campaign);
    // An item stored before steps had ids holds the index itself.
    const index =
      typeof journey.step === "number"
        ? journey.step
        : campaign && compiled.stepIndex.get(campaign.id)?.get(journey.step);
    const step = campaign && index !== undefined ? campaign.steps[index] : undefined;
    return journey.wakeAt <= now ? [{ journey, campaign, step }] : [];
  });
  // A journey of a removed campaign (it just ends) goes first.
  return due
    .sort(
      (a, b) =>
        (a.campaign ? 1 : 0) - (b.campaign ? 1 : 0) ||
        (a.campaign && b.campaign
          ? comparePriority({ campaign: a.campaign, step: a.step }, { campaign: b.campaign, step: b.step })
          : 0),
    )
    .map(({ journey }) => journey);
}

function matches(match: Record<string, string> | undefined, facts: object): boolean {
  if (!match) return true;
  return Object.entries(match).every(([journeyPath, eventPath]) => {
    const wanted = new Set(readValues(facts, journeyPath));
    return readValues(facts, eventPath).some((value) => wanted.has(value));
  });
}

const scopeEvents = new WeakMap<CustomerEvent | CatalogEvent, ScopeEvent>();

/** The event as conditions read it; built once per event, since a catalog event meets many customers. */
function toScopeEvent(event: CustomerEvent | CatalogEvent): ScopeEvent {
  let scoped = scopeEvents.get(event);
  if (!scoped) {
    scoped = { type: event.type, detail: { ...event.detail, eventId: event.id, type: event.type } };
    scopeEvents.set(event, scoped);
  }
  return scoped;
}

function touchedProducts(event: CustomerEvent): string[] {
  switch (event.type) {
    case "product.viewed":
    case "wishlist.added":
      return [event.detail.product.productId];
    case "product.alert_requested":
      return [event.detail.productId];
    case "cart.updated":
      return event.detail.items.map((item: Item) => item.productId);
    default:
      return [];
  }
}

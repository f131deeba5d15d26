import type { CustomerEvent } from "../events/envelope.ts";
import { holds } from "../rules/conditions.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import { brandAffinityNow, propensity, spendCohort } from "../state/traits.ts";
import type { Bound, CompiledCampaigns } from "./compile.ts";
import { type DecisionAccumulator, type ScopeEvent, scopeAt, startJourney } from "./journeys.ts";

export type TraitSnapshot = {
  numbers: Record<string, number>;
  cohort: string;
  /** brand -> affinity, for the brands the event touches. */
  brands: Map<string, number>;
};

/** The trait values trait triggers compare, before and after an event; undefined when no campaign has one. */
export function traitSnapshot(
  compiled: CompiledCampaigns,
  state: CustomerState,
  event: CustomerEvent,
  now: number,
): TraitSnapshot | undefined {
  if (compiled.traitTriggers.length === 0) return undefined;
  const settings = compiled.settings;
  const used = compiled.traitsUsed;
  const brands = new Map<string, number>();
  if (used.has("brandAffinity")) {
    const detail = event.detail as { product?: { brand?: unknown }; items?: { brand?: unknown }[] };
    const brand = detail.product?.brand;
    if (typeof brand === "string") brands.set(brand, brandAffinityNow(state, brand, now, settings));
    for (const item of detail.items ?? [])
      if (typeof item.brand === "string")
        brands.set(item.brand, brandAffinityNow(state, item.brand, now, settings));
  }
  return {
    numbers: {
      propensity: used.has("propensity") ? propensity(state, now, settings) : 0,
      ordersCount: state.orders.count,
      deliveredCount: state.orders.deliveredCount,
      lifetimeSpend: state.orders.lifetimeSpend,
      loyaltyBalance: state.loyalty.balance,
    },
    cohort: used.has("spendCohort") ? spendCohort(state, now, settings) : "",
    brands,
  };
}

export function startTraitJourneys(
  accumulator: DecisionAccumulator,
  before: TraitSnapshot,
  after: TraitSnapshot,
  event: ScopeEvent,
  now: number,
  bounds: readonly Bound<"trait">[] = accumulator.compiled.traitTriggers,
): void {
  for (const { campaign, trigger } of bounds) {
    for (const key of crossings(
      accumulator,
      trigger.trait,
      trigger.crossesAbove,
      trigger.movesUp,
      before,
      after,
    )) {
      const scope = scopeAt(accumulator, now, undefined, event);
      scope.facts.trigger = { id: trigger.id };
      if (!holds(trigger.where, scope)) continue;
      const context: Record<string, unknown> = {
        ...event.detail,
        eventType: event.type,
        traitKey: key,
        ...keyFields(trigger.trait, key),
      };
      startJourney(accumulator, { campaign, trigger, key, at: now, context });
    }
  }
}

function crossings(
  accumulator: DecisionAccumulator,
  trait: string,
  crossesAbove: number | number[] | undefined,
  movesUp: string | undefined,
  before: TraitSnapshot,
  after: TraitSnapshot,
): string[] {
  if (movesUp !== undefined) {
    const ranking = getOwn(accumulator.compiled.settings.rankings, movesUp) ?? [];
    const from = trait === "spendCohort" ? before.cohort : String(getOwn(before.numbers, trait));
    const to = trait === "spendCohort" ? after.cohort : String(getOwn(after.numbers, trait));
    return ranking.indexOf(to) > ranking.indexOf(from) ? [to] : [];
  }
  if (crossesAbove === undefined) return [];
  const thresholds = Array.isArray(crossesAbove) ? crossesAbove : [crossesAbove];
  const keys: string[] = [];
  if (trait === "brandAffinity") {
    for (const [brand, to] of after.brands) {
      const from = before.brands.get(brand) ?? 0;
      for (const t of thresholds)
        if (from < t && to >= t) keys.push(thresholds.length > 1 ? `${brand}:${t}` : brand);
    }
    return keys;
  }
  const from = getOwn(before.numbers, trait) ?? 0;
  const to = getOwn(after.numbers, trait) ?? 0;
  // Most events move no trait: answer without allocating.
  if (from === to) return keys;
  for (const t of thresholds) if (from < t && to >= t) keys.push(String(t));
  return keys;
}

function keyFields(trait: string, key: string): Record<string, unknown> {
  if (trait === "brandAffinity") return { brand: key.split(":")[0] };
  if (trait === "spendCohort") return { cohort: key };
  return { threshold: Number(key) };
}

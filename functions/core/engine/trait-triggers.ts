import type { CustomerEvent } from "../events/envelope.ts";
import { holds } from "../rules/conditions.ts";
import { readValues } from "../rules/paths.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { brandAffinityNow, propensity, spendCohort } from "../state/traits.ts";
import type { Engine } from "./compile.ts";
import { type Run, type ScopeEvent, scopeAt, startJourney } from "./journeys.ts";

export type TraitSnapshot = {
  numbers: Record<string, number>;
  cohort: string;
  brands: Record<string, number>;
};

/** The trait values trait triggers compare, before and after an event; undefined when no campaign has one. */
export function traitSnapshot(
  engine: Engine,
  state: CustomerState,
  event: CustomerEvent,
  now: number,
): TraitSnapshot | undefined {
  if (engine.traitTriggers.length === 0) return undefined;
  const config = engine.config;
  const brands: Record<string, number> = {};
  for (const brand of eventBrands(event)) brands[brand] = brandAffinityNow(state, brand, now, config);
  return {
    numbers: {
      propensity: propensity(state, now, config),
      ordersCount: state.orders.count,
      deliveredCount: state.orders.deliveredCount,
      lifetimeSpend: state.orders.lifetimeSpend,
      loyaltyBalance: state.loyalty.balance,
    },
    cohort: spendCohort(state, now, config),
    brands,
  };
}

export function startTraitJourneys(
  run: Run,
  before: TraitSnapshot,
  after: TraitSnapshot,
  event: ScopeEvent,
  now: number,
): void {
  for (const { campaign, trigger } of run.engine.traitTriggers) {
    for (const key of crossings(run, trigger.trait, trigger.crossesAbove, trigger.movesUp, before, after)) {
      const scope = scopeAt(run, now, undefined, event);
      scope.facts.trigger = { id: trigger.id };
      if (!holds(trigger.where, scope)) continue;
      const context: Record<string, unknown> = {
        ...event.detail,
        eventType: event.type,
        traitKey: key,
        ...keyFields(trigger.trait, key),
      };
      startJourney(run, { campaign, trigger, key, at: now, context });
    }
  }
}

function crossings(
  run: Run,
  trait: string,
  crossesAbove: number | number[] | undefined,
  movesUp: string | undefined,
  before: TraitSnapshot,
  after: TraitSnapshot,
): string[] {
  if (movesUp !== undefined) {
    const ranking = run.engine.config.rankings[movesUp] ?? [];
    const from = trait === "spendCohort" ? before.cohort : String(before.numbers[trait]);
    const to = trait === "spendCohort" ? after.cohort : String(after.numbers[trait]);
    return ranking.indexOf(to) > ranking.indexOf(from) ? [to] : [];
  }
  const thresholds =
    crossesAbove === undefined ? [] : Array.isArray(crossesAbove) ? crossesAbove : [crossesAbove];
  const crossed = (from: number, to: number) => thresholds.filter((t) => from < t && to >= t);
  if (trait === "brandAffinity") {
    return Object.entries(after.brands).flatMap(([brand, to]) =>
      crossed(before.brands[brand] ?? 0, to).map((t) => (thresholds.length > 1 ? `${brand}:${t}` : brand)),
    );
  }
  return crossed(before.numbers[trait] ?? 0, after.numbers[trait] ?? 0).map(String);
}

function keyFields(trait: string, key: string): Record<string, unknown> {
  if (trait === "brandAffinity") return { brand: key.split(":")[0] };
  if (trait === "spendCohort") return { cohort: key };
  return { threshold: Number(key) };
}

function eventBrands(event: CustomerEvent): string[] {
  return [
    ...new Set(readValues(event.detail, "product.brand").concat(readValues(event.detail, "items.brand"))),
  ].filter((b): b is string => typeof b === "string");
}

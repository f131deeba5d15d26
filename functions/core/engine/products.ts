import type { ProductsSpec } from "../config/campaign.ts";
import type { Item } from "../events/item.ts";
import { type ConditionScope, holds } from "../rules/conditions.ts";
import { readValues } from "../rules/paths.ts";
import { getOwn } from "../state/data-record.ts";

/** The products a message is about, chosen when the journey starts (or is debounced). */
export function selectProducts(spec: ProductsSpec, scope: ConditionScope): Item[] {
  const { state, now, settings } = scope;
  let items: Item[];
  if (spec.from === "viewedNotBought") {
    items = Object.entries(state.products)
      .filter(([, p]) => p.viewedAt !== undefined && now - p.viewedAt <= settings.traits.viewedInterestWindow)
      .filter(([, p]) => p.boughtAt === undefined || p.boughtAt < p.viewedAt!)
      .sort((a, b) => b[1].viewedAt! - a[1].viewedAt! || a[0].localeCompare(b[0]))
      // Ids are the record's keys (unique): with nothing to filter or expand, only the first `max` are copied.
      .slice(0, spec.where || spec.expand ? undefined : spec.max)
      .map(([productId, p]) => ({ ...p.item, productId }));
  } else {
    items = readValues(scope.facts, spec.from).flatMap(toItem);
  }
  if (spec.where)
    items = items.filter((item) => holds(spec.where, { ...scope, facts: { ...scope.facts, item } }));
  if (spec.expand === "upsellProductIds") {
    items = items.flatMap((item) =>
      (item.upsellProductIds ?? []).map((productId) => ({
        ...getOwn(state.products, productId)?.item,
        productId,
      })),
    );
  }
  return uniqueById(items).slice(0, spec.max);
}

/** Newest first, without duplicates: for debounced triggers that collect products. */
export function mergeProducts(newer: Item[], older: Item[], max: number): Item[] {
  return uniqueById([...newer, ...older]).slice(0, max);
}

function toItem(value: unknown): Item[] {
  if (typeof value === "string") return [{ productId: value }];
  if (value && typeof value === "object" && typeof (value as Item).productId === "string")
    return [value as Item];
  return [];
}

function uniqueById(items: Item[]): Item[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.productId)) return false;
    seen.add(item.productId);
    return true;
  });
}

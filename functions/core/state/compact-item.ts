import type { EngineSettings } from "../config/engine.ts";
import type { Item } from "../events/item.ts";

const TEXT_FIELDS = ["name", "brand", "category", "url", "imageUrl"] as const;
/** Text the state's own copies (products, orders, carts) do not keep: no shipped campaign reads it. */
const NOT_STORED = new Set<string>(["category", "imageUrl"]);
const NUMBER_FIELDS = ["quantity", "price", "replenishAfterDays"] as const;

/**
 * The fields of an item that conditions and templates read, as the state keeps it: no extra fields
 * of the event, no text longer than the setting, a bounded list of upsell ids.
 */
export function compactItem(item: Item, settings: EngineSettings, stored = false): Item {
  const { itemTextChars, listItems } = settings.retention;
  const kept: Item = { productId: item.productId };
  for (const field of TEXT_FIELDS) {
    if (stored && NOT_STORED.has(field)) continue;
    const value = item[field];
    if (typeof value === "string" && value.length <= itemTextChars) kept[field] = value;
  }
  for (const field of NUMBER_FIELDS) if (item[field] !== undefined) kept[field] = item[field];
  if (item.upsellProductIds) kept.upsellProductIds = item.upsellProductIds.slice(0, listItems);
  return shared(kept);
}

/** Distinct items kept for sharing: a catalog's worth; past it the table starts again. */
const MAX_SHARED = 10_000;
const sharedItems = new Map<string, Item>();

/**
 * One frozen object per distinct compacted item: every customer's state that keeps an item its events
 * carried (products, orders, carts, journeys) holds the same object, not a copy of its own. Frozen, so a
 * change to one customer's item cannot reach another's: a write to it throws.
 */
function shared(item: Item): Item {
  const key = JSON.stringify(item);
  const found = sharedItems.get(key);
  if (found) return found;
  if (sharedItems.size >= MAX_SHARED) sharedItems.clear();
  if (item.upsellProductIds) Object.freeze(item.upsellProductIds);
  sharedItems.set(key, Object.freeze(item));
  return item;
}

/** The first items of a list (an order, a cart), compacted for the state. */
export function compactItems(items: readonly Item[], settings: EngineSettings): Item[] {
  return items.slice(0, settings.retention.listItems).map((item) => compactItem(item, settings, true));
}

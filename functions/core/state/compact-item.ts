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
  return keepItem(kept);
}

/**
 * How a compacted item is kept: as made, unless a runner installs another way (keepItemsWith). A
 * Lambda holds one customer's state per call, so sharing there would only cost.
 */
let keepItem: (item: Item) => Item = (item) => item;

/**
 * Installs how every later compacted item is kept, until installed again (it returns the way it
 * replaced): the simulator keeps one shared, frozen object per distinct item (local/shared-items.ts)
 * while it runs. What `keep` returns must equal the item.
 */
export function keepItemsWith(keep: (item: Item) => Item): (item: Item) => Item {
  const replaced = keepItem;
  keepItem = keep;
  return replaced;
}

/** The first items of a list (an order, a cart), compacted for the state. */
export function compactItems(items: readonly Item[], settings: EngineSettings): Item[] {
  return items.slice(0, settings.retention.listItems).map((item) => compactItem(item, settings, true));
}

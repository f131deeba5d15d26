import type { Item } from "../functions/core/events/item.ts";

/** Distinct items kept for sharing: a catalog's worth; past it the table starts again. */
const MAX_SHARED = 10_000;

/**
 * One frozen object per distinct compacted item (compactItem's fields, in its order): every customer's
 * state that keeps an item its events carried (products, orders, carts, journeys) holds the same object,
 * not a copy of its own. Frozen, so a change to one customer's item cannot reach another's: a write to
 * it throws. Found by product id, then field by field: no key text is built per item.
 */
export class SharedItems {
  private readonly byProduct = new Map<string, Item[]>();
  private size = 0;

  constructor(private readonly max = MAX_SHARED) {}

  share(item: Item): Item {
    let variants = this.byProduct.get(item.productId);
    if (variants) for (const variant of variants) if (sameItem(variant, item)) return variant;
    if (this.size >= this.max) {
      this.byProduct.clear();
      this.size = 0;
      variants = undefined;
    }
    if (!variants) {
      variants = [];
      this.byProduct.set(item.productId, variants);
    }
    if (item.upsellProductIds) Object.freeze(item.upsellProductIds);
    variants.push(Object.freeze(item));
    this.size++;
    return item;
  }
}

/** The same fields, in the same order, with the same values (Object.is: -0 is not 0). */
function sameItem(a: Item, b: Item): boolean {
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== otherKeys[i]) return false;
    const value = a[key];
    const other = b[key];
    if (Object.is(value, other)) continue;
    if (!Array.isArray(value) || !Array.isArray(other) || value.length !== other.length) return false;
    for (let j = 0; j < value.length; j++) if (!Object.is(value[j], other[j])) return false;
  }
  return true;
}

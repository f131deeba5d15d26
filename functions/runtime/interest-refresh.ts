import type { CustomerState, ProductInterest } from "../core/state/customer-state.ts";
import { getOwn } from "../core/state/data-record.ts";

const DAY_MS = 86_400_000;

/** The latest time an interest event (view, wishlist, cart, alert) touched the product. */
function lastInterestTouch(interest: ProductInterest | undefined): number | undefined {
  if (!interest) return undefined;
  const times = [
    interest.viewedAt,
    interest.wishlistedAt,
    interest.cartAt,
    interest.alerts?.back_in_stock,
    interest.alerts?.price_drop,
  ].filter((at): at is number => at !== undefined);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** Each product's last interest touch in the state, taken before an event is applied. */
export function interestTouches(state: CustomerState): Map<string, number> {
  const touches = new Map<string, number>();
  for (const [productId, interest] of Object.entries(state.products)) {
    const at = lastInterestTouch(interest);
    if (at !== undefined) touches.set(productId, at);
  }
  return touches;
}

/**
 * The products whose interest-index entry the event must write: not those touched before on the same
 * UTC day as now. The first touch of a day always writes (its previous touch was on an earlier day), so
 * an entry is at most a day older than the last touch, and expires at most a day earlier than 180 days
 * (the index's TTL) after it; a product viewed ten times a day costs one index write, not ten.
 */
export function productsToIndex(
  productIds: readonly string[],
  before: ReadonlyMap<string, number>,
  after: CustomerState,
): string[] {
  return productIds.filter((productId) => {
    const previous = before.get(productId);
    const latest = lastInterestTouch(getOwn(after.products, productId));
    return (
      previous === undefined ||
      latest === undefined ||
      Math.floor(previous / DAY_MS) !== Math.floor(latest / DAY_MS)
    );
  });
}

import { lastInterestTouch } from "../core/state/apply-event.ts";
import type { CustomerState } from "../core/state/customer-state.ts";
import { getOwn } from "../core/state/data-record.ts";
import { DAY } from "../core/time/local-time.ts";

/** Each product's last interest touch (view, wishlist, cart, alert) in the state, taken before an event is applied. */
export function interestTouches(state: CustomerState): Map<string, number> {
  const touches = new Map<string, number>();
  for (const [productId, interest] of Object.entries(state.products)) {
    const at = lastInterestTouch(interest);
    if (at > 0) touches.set(productId, at);
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
    const interest = getOwn(after.products, productId);
    const latest = interest ? lastInterestTouch(interest) : 0;
    return previous === undefined || latest === 0 || Math.floor(previous / DAY) !== Math.floor(latest / DAY);
  });
}

import { describe, expect, it } from "vitest";
import type { Item } from "../../functions/core/events/item.ts";
import { SharedItems } from "../../local/shared-items.ts";

const base = (): Item => ({
  productId: "p-1",
  name: "Lamp",
  brand: "Lumen",
  url: "https://shop.example/p-1",
  quantity: 2,
  price: 40,
  upsellProductIds: ["p-2", "p-3"],
});

// One field changed at a time (a value, an upsell id, a field left out, a field added, the order).
const variants: [string, () => Item][] = [
  ["name", () => ({ ...base(), name: "Lamp 2" })],
  ["quantity", () => ({ ...base(), quantity: 3 })],
  ["-0 for 0", () => ({ ...base(), quantity: 0 })],
  ["an upsell id", () => ({ ...base(), upsellProductIds: ["p-2", "p-4"] })],
  ["fewer upsell ids", () => ({ ...base(), upsellProductIds: ["p-2"] })],
  ["no url", () => ({ ...base(), url: undefined })],
  ["a field more", () => ({ ...base(), replenishAfterDays: 30 })],
  ["the field order", () => ({ price: 40, ...base() })],
];

describe("SharedItems", () => {
  it("gives the first, frozen copy for an equal item, and keeps every other item apart", () => {
    const items = new SharedItems();
    const first = items.share(base());
    expect(items.share(base())).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.upsellProductIds)).toBe(true);
    const zero = items.share({ ...base(), quantity: -0 });
    for (const [what, make] of variants) {
      const item = make();
      const expected = JSON.stringify(item);
      const shared = items.share(item);
      expect(shared, what).not.toBe(first);
      if (what !== "-0 for 0") expect(JSON.stringify(shared), what).toBe(expected);
      else expect(Object.is(shared.quantity, 0) && shared !== zero, what).toBe(true);
      expect(items.share(make()), what).toBe(shared);
    }
  });

  it("starts its table again past its size, still sharing what comes after", () => {
    const items = new SharedItems(2);
    items.share({ productId: "a" });
    items.share({ productId: "b" });
    const c = items.share({ productId: "c" });
    expect(items.share({ productId: "c" })).toBe(c);
  });
});

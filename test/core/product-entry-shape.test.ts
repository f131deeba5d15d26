import { setFlagsFromString } from "node:v8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CustomerEvent } from "../../functions/core/events/envelope.ts";
import { applyEvent } from "../../functions/core/state/apply-event.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { getOwn } from "../../functions/core/state/data-record.ts";
import { shippedEngineSettings } from "../support/scenario.ts";

// V8's own answer to "is this object still fast (a hidden class), or a dictionary?".
setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (o: object) => boolean;

const settings = shippedEngineSettings();
const T0 = Date.parse("2026-03-02T12:00:00Z");
const PRODUCTS = ["p-1", "p-2", "p-3"];
const CARTS = ["k-1", "k-2"];

type Step =
  | { kind: "view" | "wish" | "unwish"; product: string }
  | { kind: "cart"; cartId: string; products: string[] };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom("view", "wish", "unwish"), product: fc.constantFrom(...PRODUCTS) }),
  fc.record({
    kind: fc.constant("cart"),
    cartId: fc.constantFrom(...CARTS),
    products: fc.subarray(PRODUCTS),
  }),
) as fc.Arbitrary<Step>;

function event(s: Step, i: number): CustomerEvent {
  const item = (productId: string) => ({ productId, brand: `b${productId}`, price: 10 });
  const detail =
    s.kind === "cart"
      ? { cartId: s.cartId, items: s.products.map(item), total: 10, currency: "USD" }
      : { product: item(s.product) };
  const type = {
    view: "product.viewed",
    wish: "wishlist.added",
    unwish: "wishlist.removed",
    cart: "cart.updated",
  }[s.kind];
  return {
    id: `e${i}`,
    type,
    at: T0 + i * 60_000,
    source: "t",
    detail: { customerId: "c1", ...detail },
  } as CustomerEvent;
}

/**
 * The keys of each product entry as `delete` leaves them: a key set again after it was removed goes
 * last. What the stored JSON's key order has always been.
 */
class KeyOrderModel {
  readonly keys = new Map<string, string[]>();
  private readonly inCart = new Map<string, string>();
  private readonly carts = new Map<string, string[]>();

  apply(s: Step): void {
    if (s.kind === "cart") this.cart(s.cartId, s.products);
    else if (s.kind === "unwish") this.drop(this.entry(s.product), "wishlistedAt");
    else this.set(this.touch(s.product), s.kind === "view" ? "viewedAt" : "wishlistedAt");
  }

  private cart(cartId: string, products: string[]): void {
    for (const product of this.carts.get(cartId) ?? [])
      if (this.inCart.get(product) === cartId) {
        this.drop(this.entry(product), "inCart");
        this.inCart.delete(product);
      }
    if (products.length === 0) {
      this.carts.delete(cartId);
      return;
    }
    this.carts.set(cartId, products);
    for (const product of products) {
      const keys = this.touch(product);
      this.set(keys, "inCart");
      this.set(keys, "cartAt");
      this.inCart.set(product, cartId);
    }
  }

  private touch(product: string): string[] {
    const keys = this.entry(product);
    this.set(keys, "item");
    this.set(keys, "brand");
    return keys;
  }

  private entry(product: string): string[] {
    let keys = this.keys.get(product);
    if (!keys) {
      keys = [];
      this.keys.set(product, keys);
    }
    return keys;
  }

  private set(keys: string[], key: string): void {
    if (!keys.includes(key)) keys.push(key);
  }

  private drop(keys: string[], key: string): void {
    const at = keys.indexOf(key);
    if (at >= 0) keys.splice(at, 1);
  }
}

describe("product entries", () => {
  it("keep their keys in the order delete gave, and stay fast objects, through random changes", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const state = emptyCustomerState("c1");
        const model = new KeyOrderModel();
        steps.forEach((s, i) => {
          applyEvent(state, event(s, i), settings);
          model.apply(s);
        });
        expect(Object.keys(state.products).sort()).toEqual([...model.keys.keys()].sort());
        for (const [product, keys] of model.keys) {
          const entry = getOwn(state.products, product)!;
          expect(Object.keys(entry)).toEqual(keys);
          expect(Object.keys(JSON.parse(JSON.stringify(entry)))).toEqual(keys);
          expect(hasFastProperties(entry)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a product taken out of a cart is no longer in it, and keeps the rest", () => {
    const state = emptyCustomerState("c1");
    const steps: Step[] = [
      { kind: "view", product: "p-1" },
      { kind: "cart", cartId: "k-1", products: ["p-1"] },
      { kind: "cart", cartId: "k-1", products: [] },
    ];
    steps.forEach((s, i) => {
      applyEvent(state, event(s, i), settings);
    });
    const entry = getOwn(state.products, "p-1")!;
    expect("inCart" in entry).toBe(false);
    expect(entry).toMatchObject({ viewedAt: T0, cartAt: T0 + 60_000, brand: "bp-1" });
    expect(hasFastProperties(entry)).toBe(true);
  });
});

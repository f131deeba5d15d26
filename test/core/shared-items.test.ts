import { describe, expect, it } from "vitest";
import type { CustomerEvent } from "../../functions/core/events/envelope.ts";
import { applyEvent } from "../../functions/core/state/apply-event.ts";
import { keepItemsWith } from "../../functions/core/state/compact-item.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { SharedItems } from "../../local/shared-items.ts";
import { shippedEngineSettings } from "../support/scenario.ts";

const settings = shippedEngineSettings();
const AT = Date.parse("2026-03-02T12:00:00Z");
// Each call a new object, as each parsed line gives.
const lamp = () => ({
  productId: "p-lamp",
  name: "Desk Lamp",
  brand: "Lumen",
  price: 40,
  url: "https://shop.example/p-lamp",
  upsellProductIds: ["p-bulb"],
});

function stateOf(customerId: string, type: string, detail: Record<string, unknown>) {
  const state = emptyCustomerState(customerId);
  const event = { id: `e-${customerId}`, type, at: AT, source: "t", detail: { customerId, ...detail } };
  applyEvent(state, event as CustomerEvent, settings);
  return state;
}

const order = (orderId: string) => ({
  orderId,
  items: [{ ...lamp(), quantity: 1 }],
  total: 40,
  currency: "EUR",
  fulfillment: "ship",
});

describe("items kept in states", () => {
  it("are each state's own, unfrozen, when no runner installed sharing (the Lambdas)", () => {
    const item = stateOf("c-1", "product.viewed", { product: lamp() }).products["p-lamp"]!.item!;
    const again = stateOf("c-2", "product.viewed", { product: lamp() }).products["p-lamp"]!.item!;
    expect(again).not.toBe(item);
    expect(again).toEqual(item);
    expect(Object.isFrozen(item)).toBe(false);
  });

  it("are one shared, frozen object per distinct item with the simulator's sharing, whichever customer or part keeps them", () => {
    const items = new SharedItems();
    const replaced = keepItemsWith((item) => items.share(item));
    try {
      const viewed = stateOf("c-1", "product.viewed", { product: lamp() });
      const ordered = stateOf("c-2", "order.placed", order("o-1"));
      const item = viewed.products["p-lamp"]!.item!;
      expect(stateOf("c-3", "product.viewed", { product: lamp() }).products["p-lamp"]!.item).toBe(item);
      expect(ordered.orders.recent[0]!.items[0]).toBe(
        stateOf("c-4", "order.placed", order("o-2")).orders.recent[0]!.items[0],
      );
      expect(Object.isFrozen(item) && Object.isFrozen(item.upsellProductIds)).toBe(true);
      // A different item (here its quantity) is another object, and each keeps its own fields.
      expect(ordered.products["p-lamp"]!.item).not.toBe(item);
      expect(ordered.products["p-lamp"]!.item).toEqual({ ...lamp(), quantity: 1 });
    } finally {
      keepItemsWith(replaced);
    }
  });
});

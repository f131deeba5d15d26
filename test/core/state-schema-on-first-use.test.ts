import { expect, it, vi } from "vitest";

// The state's ~90 zod schemas were a tenth of a Lambda cold start when built at import; a first call
// about a customer with no state (a sign-up) parses none.
it("builds the customer state's schema on its first parse, not at import, and keeps it", async () => {
  vi.resetModules();
  const { CustomerStateSchema, emptyCustomerState } = await import(
    "../../functions/core/state/customer-state.ts"
  );
  // zod's lazy schema keeps what its getter built on its definition (`_cachedInner`).
  const def = CustomerStateSchema._zod.def as { type: string; _cachedInner?: unknown };
  expect(def.type).toBe("lazy");
  expect(def._cachedInner).toBeUndefined();

  const state = CustomerStateSchema.parse(JSON.parse(JSON.stringify(emptyCustomerState("c-1"))));
  expect(state.customerId).toBe("c-1");
  const built = def._cachedInner;
  expect(built).toBeDefined();
  CustomerStateSchema.parse(JSON.parse(JSON.stringify(emptyCustomerState("c-2"))));
  expect(def._cachedInner).toBe(built);
});

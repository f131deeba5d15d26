import { readdirSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import { type CustomerEvent, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { CustomerStateSchema, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { getOwn } from "../../functions/core/state/data-record.ts";
import {
  cartUpdated,
  consentUpdated,
  customerSignedUp,
  customerUpdated,
  orderPlaced,
  productAlertRequested,
  productInventoryChanged,
  productViewed,
  supportTicketOpened,
  wishlistAdded,
} from "../support/events.ts";
import {
  CAMPAIGNS_DIR,
  runScenario,
  shippedCampaign,
  shippedEngineSettings,
  type TestEvent,
  toJsonLines,
} from "../support/scenario.ts";

/** Keys that every plain object inherits or that reach its prototype: each is just an id here. */
const DANGEROUS = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf"];
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

/** Whatever a run added to Object.prototype, removed again (so one failure does not leak into others). */
function pollution(): string[] {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((key) => !PROTOTYPE_KEYS.includes(key));
  for (const key of added) delete (Object.prototype as Record<string, unknown>)[key];
  return added;
}
afterEach(() => {
  pollution();
});

function toEvent(line: string): CustomerEvent {
  const outcome = parseJsonLine(line);
  if (outcome.kind !== "event") throw new Error(`not an event: ${line}`);
  return outcome.event as CustomerEvent;
}

const allCampaigns = readdirSync(CAMPAIGNS_DIR)
  .filter((f) => f.endsWith(".json") && f !== "engine.json")
  .map((f) => f.replace(/\.json$/, ""));

describe("ids that are also Object.prototype's keys are plain data", () => {
  const attack: TestEvent[] = [
    customerSignedUp("a", "2026-03-01T08:00:00Z"),
    customerSignedUp("b", "2026-03-01T08:00:00Z"),
    productAlertRequested("a", "2026-03-02T08:00:00Z", { productId: "__proto__", kind: "back_in_stock" }),
    wishlistAdded("a", "2026-03-02T08:01:00Z", { product: { productId: "constructor", brand: "__proto__" } }),
    cartUpdated("a", "2026-03-02T08:02:00Z", {
      cartId: "__proto__",
      items: [{ productId: "__proto__" }, { productId: "hasOwnProperty" }],
    }),
    orderPlaced("a", "2026-03-02T08:03:00Z", {
      orderId: "__proto__",
      items: [{ productId: "toString", brand: "constructor" }],
    }),
    productViewed("b", "2026-03-02T09:00:00Z", { product: { productId: "p1", name: "Mug" } }),
    productInventoryChanged("2026-03-03T10:00:00Z", {
      product: { productId: "p1" },
      previousQuantity: 0,
      quantity: 5,
    }),
    productInventoryChanged("2026-03-03T10:00:00Z", {
      product: { productId: "__proto__" },
      previousQuantity: 0,
      quantity: 5,
    }),
  ];

  it("an alert on product __proto__ gives nobody else a back-in-stock email, and Object.prototype is untouched", () => {
    const lines = runScenario(["back-in-stock"], attack, { until: "2026-03-10T00:00:00Z" }).lines;
    expect(pollution()).toEqual([]);
    expect(lines.filter((line) => line.customerId === "b")).toEqual([]);
    // The attacker's own alert works like any other product's.
    expect(lines.map((line) => [line.customerId, line.status, line.productIds])).toEqual([
      ["a", "sent", ["__proto__"]],
    ]);
  });

  it("every campaign over the attack: nothing on the prototype, and b's messages are those of a run without a", () => {
    const withAttacker = runScenario(allCampaigns, attack, { until: "2026-04-10T00:00:00Z" }).lines;
    expect(pollution()).toEqual([]);
    const without = runScenario(
      allCampaigns,
      attack.filter((event) => event.detail.customerId !== "a"),
      { until: "2026-04-10T00:00:00Z" },
    ).lines;
    expect(withAttacker.filter((line) => line.customerId === "b")).toEqual(without);
  });

  it("a state stored and parsed again keeps such ids as own keys of prototype-free records", () => {
    const compiled = compileCampaigns([shippedCampaign("back-in-stock")], shippedEngineSettings());
    const state = emptyCustomerState("a");
    for (const event of toJsonLines([
      ...attack.slice(2, 6),
      consentUpdated("a", "2026-03-02T08:04:00Z", { status: "opted_out", topic: "__proto__" }),
      customerUpdated("a", "2026-03-02T08:05:00Z", {
        attributes: JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}'),
      }),
      supportTicketOpened("a", "2026-03-02T08:06:00Z", { ticketId: "__proto__" }),
    ]))
      decide(compiled, state, toEvent(event));
    expect(pollution()).toEqual([]);

    const parsed = CustomerStateSchema.parse(JSON.parse(JSON.stringify(state)));
    for (const record of [parsed.products, parsed.carts, parsed.brandAffinity, parsed.consent.topics])
      expect(Object.getPrototypeOf(record)).toBe(null);
    expect(Object.keys(parsed.products).sort()).toEqual(
      ["__proto__", "constructor", "hasOwnProperty", "toString"].sort(),
    );
    expect(getOwn(parsed.products, "__proto__")?.alerts?.back_in_stock).toBe(
      Date.parse("2026-03-02T08:00:00Z"),
    );
    expect(getOwn(parsed.products, "valueOf")).toBeUndefined();
    expect(getOwn(parsed.consent.topics, "__proto__")).toBe("opted_out");
    expect(getOwn(parsed.brandAffinity, "constructor")).toBeDefined();
    // A parsed (or cloned) state decides like the one it was saved from.
    const view = (id: string) =>
      toEvent(
        toJsonLines([
          { ...productViewed("a", "2026-03-04T08:00:00Z", { product: { productId: id } }), id: `view-${id}` },
        ])[0]!,
      );
    for (const copy of [parsed, structuredClone(state)]) {
      decide(compiled, copy, view("__proto__"));
      decide(compiled, copy, view("valueOf"));
      expect(pollution()).toEqual([]);
      expect(getOwn(copy.products, "valueOf")?.viewedAt).toBe(Date.parse("2026-03-04T08:00:00Z"));
    }
  });
});

describe("property: an attacker's ids never change another customer's decisions", () => {
  const pool = ["p1", "p2", ...DANGEROUS];
  const id = fc.constantFrom(...pool);
  const item = fc.record({ productId: id, brand: id, price: fc.integer({ min: 1, max: 100 }) });
  const items = fc.array(item, { minLength: 1, maxLength: 3 });
  const START = Date.parse("2026-03-02T00:00:00Z");
  const detail: fc.Arbitrary<[string, Record<string, unknown>]> = fc.oneof(
    fc.record({ product: item }).map((d) => ["product.viewed", d] as [string, Record<string, unknown>]),
    fc
      .record({ productId: id, kind: fc.constantFrom("back_in_stock", "price_drop") })
      .map((d) => ["product.alert_requested", d] as [string, Record<string, unknown>]),
    fc.record({ product: item }).map((d) => ["wishlist.added", d] as [string, Record<string, unknown>]),
    fc.record({ product: item }).map((d) => ["wishlist.removed", d] as [string, Record<string, unknown>]),
    fc
      .record({ cartId: id, items, total: fc.integer({ min: 1, max: 300 }), currency: fc.constant("USD") })
      .map((d) => ["cart.updated", d] as [string, Record<string, unknown>]),
    fc
      .record({
        orderId: id,
        items,
        total: fc.integer({ min: 1, max: 3000 }),
        currency: fc.constant("USD"),
        fulfillment: fc.constantFrom("ship", "pickup"),
      })
      .map((d) => ["order.placed", d] as [string, Record<string, unknown>]),
    fc.record({ orderId: id }).map((d) => ["order.delivered", d] as [string, Record<string, unknown>]),
    fc
      .record({ channel: fc.constant("email"), topic: id, status: fc.constantFrom("opted_in", "opted_out") })
      .map((d) => ["consent.updated", d] as [string, Record<string, unknown>]),
    fc.record({ ticketId: id }).map((d) => ["support.ticket_opened", d] as [string, Record<string, unknown>]),
    fc
      .tuple(id, fc.integer())
      .map(
        ([key, value]) =>
          ["customer.updated", { attributes: JSON.parse(`{${JSON.stringify(key)}: ${value}}`) }] as [
            string,
            Record<string, unknown>,
          ],
      ),
  );
  const customerEvents = (customerId: string) =>
    fc.array(
      fc.tuple(detail, fc.integer({ min: 0, max: 10 * 24 * 60 })).map(([[type, d], minute]) => ({
        type,
        minute,
        detail: { customerId, ...d },
      })),
      { minLength: 1, maxLength: 25 },
    );
  const restocks = fc.array(
    fc.tuple(id, fc.integer({ min: 0, max: 10 * 24 * 60 })).map(([productId, minute]) => ({
      type: "product.inventory_changed",
      minute,
      detail: { product: { productId }, previousQuantity: 0, quantity: 3 },
    })),
    { maxLength: 5 },
  );
  const world = fc.tuple(customerEvents("c1"), customerEvents("c2"), customerEvents("x"), restocks);

  function toStream(groups: { type: string; minute: number; detail: Record<string, unknown> }[][]) {
    const signups: TestEvent[] = ["c1", "c2", "x"].map((customerId) =>
      customerSignedUp(customerId, "2026-03-01T00:00:00Z", { newsletter: true }),
    );
    const rest = groups.flat().map(
      (event, i): TestEvent => ({
        id: `r${i}`,
        type: event.type,
        at: new Date(START + event.minute * 60_000).toISOString(),
        detail: event.detail,
      }),
    );
    return [...signups.map((event, i) => ({ ...event, id: `s${i}` })), ...rest];
  }

  it("holds for random streams whose ids include __proto__, constructor, prototype …", () => {
    let dangerousIdsSeen = 0;
    let otherMessages = 0;
    fc.assert(
      fc.property(world, ([c1, c2, attacker, catalog]) => {
        const withAttacker = toStream([c1, c2, attacker, catalog]);
        dangerousIdsSeen += DANGEROUS.filter((key) => JSON.stringify(attacker).includes(`"${key}"`)).length;
        const until = "2026-03-20T00:00:00Z";
        const attacked = runScenario(allCampaigns, withAttacker, { until }).lines;
        expect(pollution()).toEqual([]);
        const baseline = runScenario(
          allCampaigns,
          withAttacker.filter((event) => event.detail.customerId !== "x"),
          { until },
        ).lines;
        const others = attacked.filter((line) => line.customerId !== "x");
        expect(others).toEqual(baseline);
        otherMessages += others.length;
      }),
      { numRuns: 40 },
    );
    // Not vacuous: the dangerous ids did occur, and the other customers did get messages.
    expect(dangerousIdsSeen).toBeGreaterThan(100);
    expect(otherMessages).toBeGreaterThan(100);
  });
});

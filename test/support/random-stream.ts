import fc from "fast-check";
import type { TestEvent } from "./scenario.ts";

const START = Date.parse("2026-03-02T00:00:00Z");
const products = ["p1", "p2", "p3", "p4"];
const item = fc.record({
  productId: fc.constantFrom(...products),
  name: fc.constantFrom("Mug", "Tea", "Kettle"),
  price: fc.integer({ min: 5, max: 200 }),
  brand: fc.constantFrom("acme", "globex"),
  replenishAfterDays: fc.option(fc.constant(10), { nil: undefined }),
  upsellProductIds: fc.option(fc.constant(["p4"]), { nil: undefined }),
});
const items = fc.array(item, { minLength: 0, maxLength: 3 });
const customerId = fc.constantFrom("c1", "c2", "c3");
const orderId = fc.constantFrom("o1", "o2", "o3");

/** A detail for each event type, plausible enough to trigger campaigns. */
const detailArbitraries: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  "customer.updated": fc.record({
    birthday: fc.constant("1990-03-10"),
    pushToken: fc.constant("tok"),
    smsOptIn: fc.boolean(),
  }),
  "consent.updated": fc.record({
    channel: fc.constantFrom("email", "sms", "push"),
    status: fc.constantFrom("opted_in", "opted_out"),
  }),
  "product.viewed": fc.record({ product: item }),
  "product.alert_requested": fc.record({
    productId: fc.constantFrom(...products),
    kind: fc.constantFrom("back_in_stock", "price_drop"),
  }),
  "wishlist.added": fc.record({ product: item }),
  "wishlist.removed": fc.record({ product: item }),
  "cart.updated": fc.record({
    cartId: fc.constantFrom("k1", "k2"),
    items,
    total: fc.integer({ min: 0, max: 500 }),
    currency: fc.constant("USD"),
  }),
  "order.placed": fc.record({
    orderId,
    items: items.filter((list) => list.length > 0),
    total: fc.integer({ min: 1, max: 1500 }),
    currency: fc.constant("USD"),
    fulfillment: fc.constantFrom("ship", "pickup"),
  }),
  "order.shipped": fc.record({ orderId }),
  "order.delivered": fc.record({ orderId }),
  "order.cancelled": fc.record({ orderId }),
  "order.ready_for_pickup": fc.record({ orderId, storeId: fc.constant("s1") }),
  "return.initiated": fc.record({
    orderId,
    returnId: fc.constant("r1"),
    method: fc.constantFrom("store", "mail"),
  }),
  "review.submitted": fc.record({
    orderId,
    productId: fc.constantFrom(...products),
    rating: fc.integer({ min: 1, max: 5 }),
  }),
  "loyalty.points_changed": fc.record({
    balance: fc.integer({ min: 0, max: 1000 }),
    tier: fc.constantFrom("bronze", "silver", "gold"),
    previousTier: fc.constantFrom("member", "bronze", "silver"),
  }),
  "support.ticket_opened": fc.record({ ticketId: fc.constant("t1") }),
  "support.ticket_resolved": fc.record({ ticketId: fc.constant("t1") }),
  "app.opened": fc.record({}),
};

const customerEvent = fc
  .tuple(
    fc.constantFrom(...Object.keys(detailArbitraries)),
    customerId,
    fc.integer({ min: 0, max: 14 * 24 * 60 }),
  )
  .chain(([type, id, minute]) =>
    detailArbitraries[type]!.map((detail) => ({ type, minute, detail: { customerId: id, ...detail } })),
  );

const catalogEvent = fc
  .tuple(fc.constantFrom(...products), fc.integer({ min: 0, max: 14 * 24 * 60 }), fc.boolean())
  .map(([productId, minute, restock]) => ({
    type: restock ? "product.inventory_changed" : "product.price_changed",
    minute,
    detail: restock
      ? { product: { productId }, quantity: 10, previousQuantity: 0 }
      : { product: { productId }, price: 50, previousPrice: 80, currency: "USD" },
  }));

/** Random valid streams: signups first, then customer and catalog events spread over two weeks. */
export const validStream: fc.Arbitrary<TestEvent[]> = fc
  .array(fc.oneof({ weight: 5, arbitrary: customerEvent }, { weight: 1, arbitrary: catalogEvent }), {
    minLength: 1,
    maxLength: 60,
  })
  .map((events) => {
    const signups: TestEvent[] = ["c1", "c2", "c3"].map((id, i) => ({
      id: `signup-${id}`,
      type: "customer.signed_up",
      at: new Date(START - (i + 1) * 60_000).toISOString(),
      detail: {
        customerId: id,
        email: `${id}@example.com`,
        phone: "+14155550100",
        timezone: "Europe/Paris",
        newsletter: i === 0,
      },
    }));
    const rest = events
      .map((e, i) => ({
        id: `r${i}`,
        type: e.type,
        at: new Date(START + e.minute * 60_000 + i).toISOString(),
        detail: e.detail,
      }))
      .sort((a, b) => a.at.localeCompare(b.at));
    return [...signups, ...rest];
  });

/** Lines that are not valid events: bad JSON, bad envelopes, known types with bad details, unknown types. */
export const invalidLine: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.constantFrom(...Object.keys(detailArbitraries), "order.placed", "cart.updated"),
      fc.object(),
      fc.nat(),
    )
    .map(([type, detail, n]) =>
      JSON.stringify({
        id: `bad-${n}`,
        source: "fuzz",
        "detail-type": type,
        time: "2026-03-03T10:00:00Z",
        detail: { ...detail, customerId: 42 },
      }),
    ),
  fc.nat().map((n) =>
    JSON.stringify({
      id: `unknown-${n}`,
      source: "fuzz",
      "detail-type": "page.scrolled",
      time: "2026-03-03T10:00:00Z",
      detail: {},
    }),
  ),
);

import fc from "fast-check";

/** Keys that reach Object.prototype or shadow its methods when used to index a plain object. */
export const HOSTILE_IDS = [
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
] as const;

/** An id as an attacker writes it: a prototype key, empty, control characters, or ordinary. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_IDS) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "a\r\nb", "\u0000", "p1/../p2", "%2e%2e") },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
);

/** Ids past DynamoDB's key limit (2,048 bytes) and strings that alone fill most of an item (400 KB). */
export const hugeId: fc.Arbitrary<string> = fc.integer({ min: 2_049, max: 70_000 }).map((n) => "x".repeat(n));
export const hugeText: fc.Arbitrary<string> = fc
  .integer({ min: 100_000, max: 400_000 })
  .map((n) => "y".repeat(n));

/** Event times an attacker or a broken app sends: far future, far past, impossible dates, garbage. */
export const hostileTime: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "9999-12-31T23:59:59Z",
    "+275760-09-13T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "2000-02-30T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-03-02T09:00:00",
    "not a time",
  ),
  fc.constant("2026-03-02T09:00:00Z"),
);

const shortText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("<script>alert(1)</script>", "{{ 'x' | append: 'y' }}", "Subject\r\nBcc: all@example.com"),
);

type Parts = { id: fc.Arbitrary<string>; text: fc.Arbitrary<string>; customerId: fc.Arbitrary<string> };
type HostileDetail = { type: string; detail: Record<string, unknown> };

const detailOf = ({ id: hostileId, text, customerId }: Parts): fc.Arbitrary<HostileDetail> => {
  const item = fc.record({
    productId: hostileId,
    name: text,
    price: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.constant(-1), fc.constant(1e308)),
    brand: hostileId,
  });
  return fc.oneof(
    fc.record({ customerId, productId: hostileId, kind: fc.constant("back_in_stock") }).map((detail) => ({
      type: "product.alert_requested",
      detail,
    })),
    fc.record({ customerId, product: item }).map((detail) => ({ type: "product.viewed", detail })),
    fc.record({ customerId, product: item }).map((detail) => ({ type: "wishlist.added", detail })),
    fc
      .record({
        customerId,
        cartId: hostileId,
        items: fc.array(item, { maxLength: 3 }),
        total: fc.constant(10),
        currency: fc.constant("USD"),
      })
      .map((detail) => ({ type: "cart.updated", detail })),
    fc
      .record({
        customerId,
        orderId: hostileId,
        items: fc.array(item, { minLength: 1, maxLength: 3 }),
        total: fc.constant(10),
        currency: fc.constant("USD"),
      })
      .map((detail) => ({ type: "order.placed", detail })),
    fc
      .record({ customerId, firstName: text, attributes: fc.dictionary(hostileId, text, { maxKeys: 3 }) })
      .map((detail) => ({ type: "customer.updated", detail })),
    fc
      .record({
        customerId,
        channel: fc.constant("email"),
        topic: hostileId,
        status: fc.constantFrom("opted_in", "opted_out"),
      })
      .map((detail) => ({ type: "consent.updated", detail })),
    fc
      .record({ customerId, ticketId: hostileId })
      .map((detail) => ({ type: "support.ticket_opened", detail })),
    fc.record({ customerId, email: text }).map((detail) => ({ type: "customer.signed_up", detail })),
  );
};

const envelope = (parts: Parts, time: fc.Arbitrary<string>) =>
  fc.tuple(detailOf(parts), time).map(([{ type, detail }, at]) => ({
    id: "hostile",
    source: "fuzz",
    "detail-type": type,
    time: at,
    detail,
  }));

const ORDINARY_TIME = fc.constant("2026-03-02T09:00:00Z");

/** Prototype keys and odd ids everywhere an id goes (product, cart, order, topic, attribute, ticket, customer). */
export const hostileIdEnvelope = envelope(
  {
    id: hostileId,
    text: shortText,
    customerId: fc.oneof(
      { weight: 3, arbitrary: fc.constant("attacker") },
      { weight: 1, arbitrary: hostileId },
    ),
  },
  ORDINARY_TIME,
);

/** Huge ids (past DynamoDB's key limit) and huge strings (most of an item) in otherwise valid events. */
export const hugeValueEnvelope = envelope(
  {
    id: fc.oneof(fc.constant("p1"), hugeId),
    text: fc.oneof(shortText, hugeText),
    customerId: fc.oneof({ weight: 3, arbitrary: fc.constant("attacker") }, { weight: 1, arbitrary: hugeId }),
  },
  ORDINARY_TIME,
);

/** Far-future, far-past, impossible and malformed event times. */
export const hostileTimeEnvelope = envelope(
  { id: fc.constant("p1"), text: shortText, customerId: fc.constant("attacker") },
  hostileTime.filter((time) => time !== "2026-03-02T09:00:00Z"),
);

/**
 * What one event may carry, in one place. Generous for a real shop, small enough that no single
 * event can push a customer's state item toward DynamoDB's 400 KB, nor make a key DynamoDB refuses
 * (partition keys are at most 2,048 bytes; zod counts characters as code points, and 256 of them
 * are at most 1,024 bytes of UTF-8).
 */
export const EVENT_LIMITS = {
  /** customerId, productId, cartId, orderId, ticketId, …: anything used as a key. */
  idChars: 256,
  /** Names, brands, categories, tiers, locales, carriers, addresses. */
  textChars: 512,
  urlChars: 2048,
  pushTokenChars: 1024,
  /** Items of one cart, order or return. */
  itemsPerEvent: 100,
  upsellIdsPerItem: 20,
  attributes: 50,
  attributeKeyChars: 64,
  /** One attribute value, as JSON. */
  attributeValueChars: 1024,
  datesPerProfile: 20,
  /** The whole detail as UTF-8 JSON, unknown fields included (they are kept). */
  detailBytes: 64 * 1024,
} as const;

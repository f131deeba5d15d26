import type { Item } from "../../functions/core/events/item.ts";
import { customer, type TestEvent } from "./scenario.ts";

// Builders of test events, one per detail-type of EVENTS.md (the event contract) that tests use:
// `(customerId, at, fields)`, catalog events `(at, fields)`. The detail is `{ customerId, ...defaults,
// ...fields }`: a field given replaces its default in place, the others follow in the order given, and
// a field given as undefined is left out. The event has no id, so the harness numbers it by position
// (e1, e2…); write `{ ...event, id }` for an explicit one.

/** The detail-types of EVENTS.md that apps send (feedback events come from AWS, not from apps). */
export const appEventTypes: readonly string[] = [
  "customer.signed_up",
  "customer.updated",
  "consent.updated",
  "product.viewed",
  "product.alert_requested",
  "wishlist.added",
  "wishlist.removed",
  "cart.updated",
  "checkout.started",
  "order.placed",
  "order.cancelled",
  "order.shipped",
  "order.delivered",
  "order.ready_for_pickup",
  "order.picked_up",
  "return.initiated",
  "return.completed",
  "review.submitted",
  "loyalty.enrolled",
  "loyalty.points_changed",
  "referral.completed",
  "support.ticket_opened",
  "support.ticket_resolved",
  "app.opened",
  "product.inventory_changed",
  "product.price_changed",
];

export type Profile = {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  timezone?: string;
  locale?: string;
  newsletter?: boolean;
  smsOptIn?: boolean;
  attributes?: Record<string, unknown>;
};
type OrderRef = { orderId?: string };
type CartFields = { cartId?: string; items: Item[]; total?: number; currency?: string };
type OrderFields = OrderRef & {
  items: Item[];
  total?: number;
  currency?: string;
  fulfillment?: "ship" | "pickup";
  storeId?: string;
};

/** Leaves out the fields given as undefined, as JSON would. */
const given = (detail: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined));

const customerEvent = (
  type: string,
  customerId: string,
  at: string,
  detail: Record<string, unknown>,
): TestEvent => ({ type, at, detail: given({ customerId, ...detail }) });

/** The total of the items: price x quantity (1 if not given); an item without a price counts 0. */
const totalOf = (items: Item[]) =>
  items.reduce((sum, item) => sum + (item.price ?? 0) * (item.quantity ?? 1), 0);

/** A sign-up with an email (`<customerId>@example.com`) and a Paris time zone, as `customer()` gives. */
export const customerSignedUp = (customerId: string, at: string, fields: Profile = {}): TestEvent => ({
  type: "customer.signed_up",
  at,
  detail: given(customer(customerId, fields)),
});

export const customerUpdated = (
  customerId: string,
  at: string,
  fields: Profile & { birthday?: string; dates?: Record<string, string>; pushToken?: string },
) => customerEvent("customer.updated", customerId, at, fields);

/** Email unless another channel is given. */
export const consentUpdated = (
  customerId: string,
  at: string,
  fields: { channel?: "email" | "sms" | "push"; status: "opted_in" | "opted_out"; topic?: string },
) => customerEvent("consent.updated", customerId, at, { channel: "email", ...fields });

export const productViewed = (customerId: string, at: string, fields: { product: Item }) =>
  customerEvent("product.viewed", customerId, at, fields);

export const productAlertRequested = (
  customerId: string,
  at: string,
  fields: { productId: string; kind: "back_in_stock" | "price_drop" },
) => customerEvent("product.alert_requested", customerId, at, fields);

export const wishlistAdded = (customerId: string, at: string, fields: { product: Item }) =>
  customerEvent("wishlist.added", customerId, at, fields);

export const wishlistRemoved = (customerId: string, at: string, fields: { product: Item }) =>
  customerEvent("wishlist.removed", customerId, at, fields);

/** Cart k1 in EUR; the total defaults to the items' total. No items: the cart was emptied. */
export const cartUpdated = (customerId: string, at: string, { items, ...fields }: CartFields) =>
  customerEvent("cart.updated", customerId, at, {
    cartId: "k1",
    items,
    total: totalOf(items),
    currency: "EUR",
    ...fields,
  });

/** Order o1, to ship, in EUR; the total defaults to the items' total. */
export const checkoutStarted = (customerId: string, at: string, fields: { cartId?: string } = {}) =>
  customerEvent("checkout.started", customerId, at, { cartId: "k1", ...fields });

export const orderPlaced = (customerId: string, at: string, { items, ...fields }: OrderFields) =>
  customerEvent("order.placed", customerId, at, {
    orderId: "o1",
    items,
    total: totalOf(items),
    currency: "EUR",
    fulfillment: "ship",
    ...fields,
  });

/** Order o1 unless given. */
export const orderCancelled = (customerId: string, at: string, fields: OrderRef = {}) =>
  customerEvent("order.cancelled", customerId, at, { orderId: "o1", ...fields });

/** Order o1 unless given. */
export const orderShipped = (
  customerId: string,
  at: string,
  fields: OrderRef & { carrier?: string; trackingUrl?: string } = {},
) => customerEvent("order.shipped", customerId, at, { orderId: "o1", ...fields });

/** Order o1 unless given. */
export const orderDelivered = (customerId: string, at: string, fields: OrderRef = {}) =>
  customerEvent("order.delivered", customerId, at, { orderId: "o1", ...fields });

/** Order o1 at store s1 unless given. */
export const orderReadyForPickup = (
  customerId: string,
  at: string,
  fields: OrderRef & { storeId?: string; pickupBy?: string } = {},
) => customerEvent("order.ready_for_pickup", customerId, at, { orderId: "o1", storeId: "s1", ...fields });

/** Order o1 unless given. */
export const orderPickedUp = (customerId: string, at: string, fields: OrderRef = {}) =>
  customerEvent("order.picked_up", customerId, at, { orderId: "o1", ...fields });

/** Return r1 of order o1 unless given. */
export const returnInitiated = (
  customerId: string,
  at: string,
  fields: OrderRef & { returnId?: string; method: "store" | "mail"; storeId?: string; items?: Item[] },
) => customerEvent("return.initiated", customerId, at, { orderId: "o1", returnId: "r1", ...fields });

/** Return r1, refunded in EUR, unless given. */
export const returnCompleted = (
  customerId: string,
  at: string,
  { refundAmount, ...fields }: { returnId?: string; refundAmount: number; currency?: string },
) =>
  customerEvent("return.completed", customerId, at, {
    returnId: "r1",
    refundAmount,
    currency: "EUR",
    ...fields,
  });

export const reviewSubmitted = (
  customerId: string,
  at: string,
  fields: { orderId?: string; productId: string; rating: number },
) => customerEvent("review.submitted", customerId, at, fields);

export const loyaltyEnrolled = (customerId: string, at: string, fields: { programId?: string } = {}) =>
  customerEvent("loyalty.enrolled", customerId, at, fields);

export const loyaltyPointsChanged = (
  customerId: string,
  at: string,
  fields: { balance: number; tier: string; previousTier?: string },
) => customerEvent("loyalty.points_changed", customerId, at, fields);

export const referralCompleted = (customerId: string, at: string, fields: { referredCustomerId: string }) =>
  customerEvent("referral.completed", customerId, at, fields);

/** Ticket t1 unless given. */
export const supportTicketOpened = (
  customerId: string,
  at: string,
  fields: { ticketId?: string; channel?: "email" | "chat" | "phone" | "whatsapp" } = {},
) => customerEvent("support.ticket_opened", customerId, at, { ticketId: "t1", ...fields });

/** A catalog event: no customer; the engine fans it out to the interested ones. */
export const productInventoryChanged = (
  at: string,
  fields: { product: Item; previousQuantity: number; quantity: number },
): TestEvent => ({ type: "product.inventory_changed", at, detail: fields });

/** A catalog event, in EUR unless given: no customer; the engine fans it out to the interested ones. */
export const productPriceChanged = (
  at: string,
  fields: { product: Item; previousPrice: number; price: number; currency?: string },
): TestEvent => ({
  type: "product.price_changed",
  at,
  detail: { ...fields, currency: fields.currency ?? "EUR" },
});

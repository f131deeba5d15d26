import type { EngineSettings } from "../config/engine.ts";
import type { CustomerEvent } from "../events/envelope.ts";
import type { Item } from "../events/item.ts";
import { localParts } from "../time/local-time.ts";
import { compactItem, compactItems } from "./compact-item.ts";
import type { CustomerState, ProductInterest } from "./customer-state.ts";
import { getOwn, setOwn } from "./data-record.ts";
import { applyOrderedFields } from "./ordered-fields.ts";
import { decayedAffinity } from "./traits.ts";

const VIEW_TIMES_KEPT = 50;

export function customerZone(state: CustomerState, settings: EngineSettings): string {
  return state.profile.timezone ?? settings.defaultTimezone;
}

/** Folds one customer event into the state: profile, consent, activity, orders, interest, traits' inputs. */
export function applyEvent(state: CustomerState, event: CustomerEvent, settings: EngineSettings): void {
  applyOrderedFields(state, event, settings);
  const at = event.at;
  if (!event.type.startsWith("email.") && !event.type.startsWith("sms.")) {
    state.activity.lastActiveAt = Math.max(state.activity.lastActiveAt ?? at, at);
  }
  setOwn(
    state.activity.lastSeen,
    event.type,
    Math.max(getOwn(state.activity.lastSeen, event.type) ?? at, at),
  );

  switch (event.type) {
    case "product.viewed":
      state.activity.viewTimes.push(at);
      if (state.activity.viewTimes.length > VIEW_TIMES_KEPT) state.activity.viewTimes.shift();
      touchProduct(state, event.detail.product, settings).viewedAt = at;
      addAffinity(state, event.detail.product.brand, settings.traits.affinityWeights.view, at, settings);
      return;
    case "product.alert_requested": {
      const interest = productInterest(state, event.detail.productId, settings);
      interest.alerts = { ...interest.alerts, [event.detail.kind]: at };
      return;
    }
    case "wishlist.added":
      touchProduct(state, event.detail.product, settings).wishlistedAt = at;
      addAffinity(state, event.detail.product.brand, settings.traits.affinityWeights.wishlist, at, settings);
      return;
    case "wishlist.removed": {
      const { productId } = event.detail.product;
      dropInterestField(state, productId, productInterest(state, productId, settings), "wishlistedAt");
      return;
    }
    case "cart.updated":
      state.activity.lastCartUpdateAt = Math.max(state.activity.lastCartUpdateAt ?? at, at);
      updateCart(state, event.detail.cartId, event.detail.items, event.detail.total, at, settings);
      return;
    case "order.placed":
      recordOrder(state, event.detail, at, settings);
      return;
    case "order.shipped":
    case "order.delivered":
    case "order.cancelled":
    case "order.picked_up": {
      const order = state.orders.recent.find((o) => o.orderId === event.detail.orderId);
      const status = (
        {
          "order.shipped": "shipped",
          "order.delivered": "delivered",
          "order.cancelled": "cancelled",
          "order.picked_up": "picked_up",
        } as const
      )[event.type];
      if (event.type === "order.delivered" && order?.status !== "delivered") state.orders.deliveredCount++;
      if (order) order.status = status;
      // An order the engine never saw placed is remembered by id, so a repeat is not counted again.
      else recordUnknownOrder(state, event.detail.orderId, at, status, settings);
      return;
    }
    case "loyalty.enrolled":
      state.loyalty.enrolled = true;
      return;
    case "loyalty.points_changed":
      state.loyalty.enrolled = true;
      state.loyalty.balance = event.detail.balance;
      state.loyalty.tier = event.detail.tier;
      return;
    case "support.ticket_opened":
      if (!state.openTickets.includes(event.detail.ticketId)) state.openTickets.push(event.detail.ticketId);
      if (state.openTickets.length > settings.retention.openTickets) state.openTickets.shift();
      return;
    case "app.opened":
      countLocalHour(state, "appOpenHours", at, settings);
      return;
    case "email.engaged":
      if (event.detail.kind === "clicked" && event.detail.likelyMachineClick !== true)
        countLocalHour(state, "clickHours", at, settings);
      return;
    case "support.ticket_resolved":
      state.openTickets = state.openTickets.filter((id) => id !== event.detail.ticketId);
      return;
    default:
      return;
  }
}

/** One more engagement at the event's local hour: what the best send hour is learnt from. */
function countLocalHour(
  state: CustomerState,
  field: "clickHours" | "appOpenHours",
  at: number,
  settings: EngineSettings,
): void {
  const hours = state.activity[field] ?? new Array<number>(24).fill(0);
  const hour = localParts(at, customerZone(state, settings)).hour;
  hours[hour] = (hours[hour] ?? 0) + 1;
  state.activity[field] = hours;
}

function recordUnknownOrder(
  state: CustomerState,
  orderId: string,
  at: number,
  status: CustomerState["orders"]["recent"][number]["status"],
  settings: EngineSettings,
): void {
  state.orders.recent.push({ orderId, at, total: 0, items: [], fulfillment: "unknown", status });
  if (state.orders.recent.length > settings.retention.orders) state.orders.recent.shift();
}

function updateCart(
  state: CustomerState,
  cartId: string,
  items: Item[],
  total: number,
  at: number,
  settings: EngineSettings,
): void {
  const previous = getOwn(state.carts, cartId)?.items ?? [];
  for (const item of previous) {
    const interest = getOwn(state.products, item.productId);
    if (interest?.inCart === cartId) dropInterestField(state, item.productId, interest, "inCart");
  }
  if (items.length === 0) {
    delete state.carts[cartId];
    return;
  }
  const kept = compactItems(items, settings);
  setOwn(state.carts, cartId, { items: kept, total, at });
  dropOldCarts(state, settings.retention.carts.max);
  const known = new Set(previous.map((item) => item.productId));
  for (const item of kept) {
    const interest = touchProduct(state, item, settings);
    interest.inCart = cartId;
    interest.cartAt = at;
    if (!known.has(item.productId))
      addAffinity(state, item.brand, settings.traits.affinityWeights.cart, at, settings);
  }
}

/** Keeps at most `max` carts: the least recently updated go, and their products leave the cart. */
export function dropOldCarts(state: CustomerState, max: number, olderThan = Number.NEGATIVE_INFINITY): void {
  const carts = Object.entries(state.carts);
  if (carts.length <= max && carts.every(([, cart]) => cart.at >= olderThan)) return;
  carts.sort((a, b) => b[1].at - a[1].at || (a[0] < b[0] ? -1 : 1));
  carts.forEach(([cartId, cart], rank) => {
    if (rank < max && cart.at >= olderThan) return;
    for (const item of cart.items) {
      const interest = getOwn(state.products, item.productId);
      if (interest?.inCart === cartId) dropInterestField(state, item.productId, interest, "inCart");
    }
    delete state.carts[cartId];
  });
}

function recordOrder(
  state: CustomerState,
  detail: Extract<CustomerEvent, { type: "order.placed" }>["detail"],
  at: number,
  settings: EngineSettings,
): void {
  const { orders } = state;
  if (orders.recent.some((o) => o.orderId === detail.orderId)) return;
  orders.count++;
  orders.lifetimeSpend += detail.total;
  orders.firstOrderAt = Math.min(orders.firstOrderAt ?? at, at);
  orders.lastOrderAt = Math.max(orders.lastOrderAt ?? at, at);
  orders.spendHistory = orders.spendHistory.filter(([when]) => when > at - settings.traits.spendWindow);
  orders.spendHistory.push([at, detail.total]);
  if (orders.spendHistory.length > settings.retention.spendHistory) orders.spendHistory.shift();
  const hour = localParts(at, customerZone(state, settings)).hour;
  orders.localHourCounts[hour] = (orders.localHourCounts[hour] ?? 0) + 1;
  orders.recent.push({
    orderId: detail.orderId,
    at,
    total: detail.total,
    items: compactItems(detail.items, settings),
    fulfillment: detail.fulfillment,
    status: "placed",
  });
  if (orders.recent.length > settings.retention.orders) orders.recent.shift();
  for (const item of detail.items) {
    touchProduct(state, item, settings).boughtAt = at;
    addAffinity(state, item.brand, settings.traits.affinityWeights.purchase, at, settings);
  }
  // An order closes the customer's open carts.
  for (const cartId of Object.keys(state.carts)) updateCart(state, cartId, [], 0, at, settings);
}

function addAffinity(
  state: CustomerState,
  brand: string | undefined,
  weight: number,
  at: number,
  settings: EngineSettings,
): void {
  if (!brand) return;
  const entry = getOwn(state.brandAffinity, brand);
  const current = entry ? decayedAffinity(entry, at, settings.traits.affinityHalfLifeDays) : 0;
  setOwn(state.brandAffinity, brand, [current + weight, at]);
}

function touchProduct(state: CustomerState, item: Item, settings: EngineSettings): ProductInterest {
  const interest = productInterest(state, item.productId, settings);
  interest.item = compactItem({ ...interest.item, ...item }, settings, true);
  if (item.brand) interest.brand = item.brand;
  return interest;
}

/**
 * Removes a field of a product entry by replacing the entry with a copy without it: `delete` would turn
 * the entry into a V8 dictionary for good (about three times its size, in every state that ever emptied
 * a cart). The copy keeps the other keys in their order, as JSON, Object.keys and `in` saw them after a
 * `delete`. Nothing holds a product entry but `state.products`.
 */
function dropInterestField(
  state: CustomerState,
  productId: string,
  interest: ProductInterest,
  field: "inCart" | "wishlistedAt",
): void {
  if (!Object.hasOwn(interest, field)) return;
  const { [field]: _dropped, ...rest } = interest;
  setOwn(state.products, productId, rest);
}

function productInterest(state: CustomerState, productId: string, settings: EngineSettings): ProductInterest {
  let interest = getOwn(state.products, productId);
  if (!interest) {
    interest = {};
    setOwn(state.products, productId, interest);
    pruneProducts(state, settings.retention.products);
  }
  return interest;
}

/** Keeps the per-customer product map bounded: drops the least recently touched. */
function pruneProducts(state: CustomerState, limit: number): void {
  const ids = Object.keys(state.products);
  if (ids.length <= limit) return;
  const oldest = ids.reduce((a, b) =>
    lastTouch(getOwn(state.products, a)!) <= lastTouch(getOwn(state.products, b)!) ? a : b,
  );
  delete state.products[oldest];
}

export function lastTouch(p: ProductInterest): number {
  return Math.max(lastInterestTouch(p), p.boughtAt ?? 0);
}

/** The latest view, wishlist, cart or alert of the product (not a purchase); 0 when none. */
export function lastInterestTouch(p: ProductInterest): number {
  return Math.max(
    p.viewedAt ?? 0,
    p.wishlistedAt ?? 0,
    p.cartAt ?? 0,
    p.alerts?.back_in_stock ?? 0,
    p.alerts?.price_drop ?? 0,
  );
}

/** Whether the customer is interested in the product in one of `kinds`, and has not bought it since. */
export function isInterested(
  interest: ProductInterest | undefined,
  kinds: readonly ("wishlist" | "alert" | "cart" | "viewed")[],
  alertKind: "back_in_stock" | "price_drop" | undefined,
  now: number,
  settings: EngineSettings,
): boolean {
  if (!interest) return false;
  const since: number[] = [];
  for (const kind of kinds) {
    if (kind === "wishlist" && interest.wishlistedAt !== undefined) since.push(interest.wishlistedAt);
    if (kind === "cart" && interest.inCart !== undefined && interest.cartAt !== undefined)
      since.push(interest.cartAt);
    if (
      kind === "viewed" &&
      interest.viewedAt !== undefined &&
      now - interest.viewedAt <= settings.traits.viewedInterestWindow
    )
      since.push(interest.viewedAt);
    if (kind === "alert") {
      const alerts = interest.alerts ?? {};
      const times = alertKind ? [alerts[alertKind]] : [alerts.back_in_stock, alerts.price_drop];
      for (const t of times) if (t !== undefined) since.push(t);
    }
  }
  if (since.length === 0) return false;
  return interest.boughtAt === undefined || since.some((t) => t > interest.boughtAt!);
}

import { z } from "zod";
import { CurrencySchema, ItemSchema, LocalDateSchema, MoneySchema, TimeZoneSchema } from "./item.ts";

const customer = { customerId: z.string().min(1), occurredAt: z.iso.datetime({ offset: true }).optional() };
const orderRef = { ...customer, orderId: z.string().min(1) };

const profileFields = {
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "an E.164 phone number such as +14155550123")
    .optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  timezone: TimeZoneSchema.optional(),
  locale: z.string().optional(),
  newsletter: z.boolean().optional(),
  smsOptIn: z.boolean().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
};

/** One detail schema per detail-type of EVENTS.md, plus the engine's own feedback events. */
export const detailSchemas = {
  "customer.signed_up": z.looseObject({ ...customer, ...profileFields }),
  "customer.updated": z.looseObject({
    ...customer,
    ...profileFields,
    birthday: LocalDateSchema.optional(),
    dates: z.record(z.string(), LocalDateSchema).optional(),
    pushToken: z.string().min(1).optional(),
  }),
  "consent.updated": z.looseObject({
    ...customer,
    channel: z.enum(["email", "sms", "push"]),
    topic: z.string().min(1).optional(),
    status: z.enum(["opted_in", "opted_out"]),
  }),
  "product.viewed": z.looseObject({ ...customer, product: ItemSchema }),
  "product.alert_requested": z.looseObject({
    ...customer,
    productId: z.string().min(1),
    kind: z.enum(["back_in_stock", "price_drop"]),
  }),
  "wishlist.added": z.looseObject({ ...customer, product: ItemSchema }),
  "wishlist.removed": z.looseObject({ ...customer, product: ItemSchema }),
  "cart.updated": z.looseObject({
    ...customer,
    cartId: z.string().min(1),
    items: z.array(ItemSchema),
    total: MoneySchema,
    currency: CurrencySchema,
  }),
  "checkout.started": z.looseObject({ ...customer, cartId: z.string().min(1) }),
  "order.placed": z.looseObject({
    ...orderRef,
    items: z.array(ItemSchema),
    total: MoneySchema,
    currency: CurrencySchema,
    fulfillment: z.enum(["ship", "pickup"]),
    storeId: z.string().optional(),
  }),
  "order.cancelled": z.looseObject(orderRef),
  "order.shipped": z.looseObject({
    ...orderRef,
    carrier: z.string().optional(),
    trackingUrl: z.string().optional(),
  }),
  "order.delivered": z.looseObject(orderRef),
  "order.ready_for_pickup": z.looseObject({
    ...orderRef,
    storeId: z.string().min(1),
    pickupBy: z.iso.datetime({ offset: true }).optional(),
  }),
  "order.picked_up": z.looseObject(orderRef),
  "return.initiated": z.looseObject({
    ...orderRef,
    returnId: z.string().min(1),
    method: z.enum(["store", "mail"]),
    storeId: z.string().optional(),
    items: z.array(ItemSchema).optional(),
  }),
  "return.completed": z.looseObject({
    ...customer,
    returnId: z.string().min(1),
    refundAmount: MoneySchema,
    currency: CurrencySchema,
  }),
  "review.submitted": z.looseObject({
    ...customer,
    orderId: z.string().min(1).optional(),
    productId: z.string().min(1),
    rating: z.number().int().min(1).max(5),
  }),
  "loyalty.enrolled": z.looseObject({ ...customer, programId: z.string().optional() }),
  "loyalty.points_changed": z.looseObject({
    ...customer,
    balance: z.number(),
    tier: z.string().min(1),
    previousTier: z.string().min(1).optional(),
  }),
  "referral.completed": z.looseObject({ ...customer, referredCustomerId: z.string().min(1) }),
  "support.ticket_opened": z.looseObject({
    ...customer,
    ticketId: z.string().min(1),
    channel: z.enum(["email", "chat", "phone", "whatsapp"]).optional(),
  }),
  "support.ticket_resolved": z.looseObject({
    ...customer,
    ticketId: z.string().min(1),
    channel: z.enum(["email", "chat", "phone", "whatsapp"]).optional(),
  }),
  "app.opened": z.looseObject({ ...customer, platform: z.string().optional() }),

  // Catalog events: no customer; the runtime fans them out to interested customers.
  "product.inventory_changed": z.looseObject({
    occurredAt: customer.occurredAt,
    product: ItemSchema,
    quantity: z.number().int(),
    previousQuantity: z.number().int(),
  }),
  "product.price_changed": z.looseObject({
    occurredAt: customer.occurredAt,
    product: ItemSchema,
    price: MoneySchema,
    previousPrice: MoneySchema,
    currency: CurrencySchema,
  }),

  // Feedback, normalized by the feedback handler from SES / SNS notifications.
  "email.bounced": z.looseObject({
    ...customer,
    address: z.string().min(1),
    bounceType: z.enum(["permanent", "transient"]),
  }),
  "email.complained": z.looseObject({ ...customer, address: z.string().min(1) }),
  "sms.opted_out": z.looseObject({ ...customer, phone: z.string().min(1) }),
  "email.engaged": z.looseObject({
    ...customer,
    kind: z.enum(["delivered", "opened", "clicked"]),
    campaign: z.string().optional(),
    likelyMachineOpen: z.boolean().optional(),
  }),
} as const;

export type EventType = keyof typeof detailSchemas;
export type DetailOf<T extends EventType> = z.infer<(typeof detailSchemas)[T]>;
export const eventTypes = Object.keys(detailSchemas) as EventType[];
export const catalogEventTypes = ["product.inventory_changed", "product.price_changed"] as const;
export type CatalogEventType = (typeof catalogEventTypes)[number];
export type CustomerEventType = Exclude<EventType, CatalogEventType>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(detailSchemas, value);
}
export function isCatalogEventType(value: EventType): value is CatalogEventType {
  return value === "product.inventory_changed" || value === "product.price_changed";
}

import * as z from "zod";
import { builtOnFirstUse } from "./built-on-first-use.ts";
import { ChannelSchema } from "./channels.ts";
import {
  CurrencySchema,
  IdSchema,
  EventItemSchema as ItemSchema,
  EventItemsSchema as ItemsSchema,
  LocalDateSchema,
  MoneySchema,
  TextSchema,
  TimeZoneSchema,
  UrlSchema,
} from "./item.ts";
import { EVENT_LIMITS } from "./limits.ts";

const customer = { customerId: IdSchema, occurredAt: z.iso.datetime({ offset: true }).optional() };
const orderRef = { ...customer, orderId: IdSchema };

/**
 * A map from names to values: at most `max` entries, each name 1 to `keyChars` characters without
 * control characters. A bad name is reported on the map, not echoed into the path.
 */
function boundedRecord<V extends z.ZodType>(keyChars: number, value: V, max: number, what: string) {
  const name = IdSchema.max(keyChars);
  return z.record(z.string(), value).superRefine((record, ctx) => {
    const names = Object.keys(record);
    if (names.length > max) ctx.addIssue({ code: "custom", message: `at most ${max} ${what}` });
    if (names.some((key) => !name.safeParse(key).success))
      ctx.addIssue({
        code: "custom",
        message: `names of 1 to ${keyChars} characters without control characters`,
      });
  });
}

const AttributeValueSchema = z
  .unknown()
  .refine(
    (value) => (JSON.stringify(value) ?? "").length <= EVENT_LIMITS.attributeValueChars,
    `a value of at most ${EVENT_LIMITS.attributeValueChars} characters of JSON`,
  );

/** The profile fields of signed_up and updated, built with the first of the two schemas that is used. */
const profileFields = () => ({
  email: z.email().max(254, "an email address of at most 254 characters").optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "an E.164 phone number such as +14155550123")
    .optional(),
  firstName: TextSchema.optional(),
  lastName: TextSchema.optional(),
  timezone: TimeZoneSchema.optional(),
  locale: TextSchema.optional(),
  newsletter: z.boolean().optional(),
  smsOptIn: z.boolean().optional(),
  attributes: boundedRecord(
    EVENT_LIMITS.attributeKeyChars,
    AttributeValueSchema,
    EVENT_LIMITS.attributes,
    "attributes",
  ).optional(),
});

/**
 * One detail schema per detail-type of EVENTS.md, plus the engine's own feedback events, each built when
 * an event of its type first comes (a cold start parses one).
 */
export const detailSchemas = builtOnFirstUse({
  "customer.signed_up": () => z.looseObject({ ...customer, ...profileFields() }),
  "customer.updated": () =>
    z.looseObject({
      ...customer,
      ...profileFields(),
      birthday: LocalDateSchema.optional(),
      dates: boundedRecord(
        EVENT_LIMITS.attributeKeyChars,
        LocalDateSchema,
        EVENT_LIMITS.datesPerProfile,
        "dates",
      ).optional(),
      pushToken: z
        .string()
        .min(1)
        .max(EVENT_LIMITS.pushTokenChars, `at most ${EVENT_LIMITS.pushTokenChars} characters`)
        .optional(),
    }),
  "consent.updated": () =>
    z.looseObject({
      ...customer,
      channel: ChannelSchema,
      topic: IdSchema.optional(),
      status: z.enum(["opted_in", "opted_out"]),
    }),
  "product.viewed": () => z.looseObject({ ...customer, product: ItemSchema }),
  "product.alert_requested": () =>
    z.looseObject({
      ...customer,
      productId: IdSchema,
      kind: z.enum(["back_in_stock", "price_drop"]),
    }),
  "wishlist.added": () => z.looseObject({ ...customer, product: ItemSchema }),
  "wishlist.removed": () => z.looseObject({ ...customer, product: ItemSchema }),
  "cart.updated": () =>
    z.looseObject({
      ...customer,
      cartId: IdSchema,
      items: ItemsSchema,
      total: MoneySchema,
      currency: CurrencySchema,
    }),
  "checkout.started": () => z.looseObject({ ...customer, cartId: IdSchema }),
  "order.placed": () =>
    z.looseObject({
      ...orderRef,
      items: ItemsSchema,
      total: MoneySchema,
      currency: CurrencySchema,
      fulfillment: z.enum(["ship", "pickup"]),
      storeId: IdSchema.optional(),
    }),
  "order.cancelled": () => z.looseObject(orderRef),
  "order.shipped": () =>
    z.looseObject({
      ...orderRef,
      carrier: TextSchema.optional(),
      trackingUrl: UrlSchema.optional(),
    }),
  "order.delivered": () => z.looseObject(orderRef),
  "order.ready_for_pickup": () =>
    z.looseObject({
      ...orderRef,
      storeId: IdSchema,
      pickupBy: z.iso.datetime({ offset: true }).optional(),
    }),
  "order.picked_up": () => z.looseObject(orderRef),
  "return.initiated": () =>
    z.looseObject({
      ...orderRef,
      returnId: IdSchema,
      method: z.enum(["store", "mail"]),
      storeId: IdSchema.optional(),
      items: ItemsSchema.optional(),
    }),
  "return.completed": () =>
    z.looseObject({
      ...customer,
      returnId: IdSchema,
      refundAmount: MoneySchema,
      currency: CurrencySchema,
    }),
  "review.submitted": () =>
    z.looseObject({
      ...customer,
      orderId: IdSchema.optional(),
      productId: IdSchema,
      rating: z.number().int().min(1).max(5),
    }),
  "loyalty.enrolled": () => z.looseObject({ ...customer, programId: IdSchema.optional() }),
  "loyalty.points_changed": () =>
    z.looseObject({
      ...customer,
      balance: z.number(),
      tier: IdSchema,
      previousTier: IdSchema.optional(),
    }),
  "referral.completed": () => z.looseObject({ ...customer, referredCustomerId: IdSchema }),
  "support.ticket_opened": () =>
    z.looseObject({
      ...customer,
      ticketId: IdSchema,
      channel: z.enum(["email", "chat", "phone", "whatsapp"]).optional(),
    }),
  "support.ticket_resolved": () =>
    z.looseObject({
      ...customer,
      ticketId: IdSchema,
      channel: z.enum(["email", "chat", "phone", "whatsapp"]).optional(),
    }),
  "app.opened": () => z.looseObject({ ...customer, platform: TextSchema.optional() }),

  // Catalog events: no customer; the runtime fans them out to interested customers.
  "product.inventory_changed": () =>
    z.looseObject({
      occurredAt: customer.occurredAt,
      product: ItemSchema,
      quantity: z.number().int(),
      previousQuantity: z.number().int(),
    }),
  "product.price_changed": () =>
    z.looseObject({
      occurredAt: customer.occurredAt,
      product: ItemSchema,
      price: MoneySchema,
      previousPrice: MoneySchema,
      currency: CurrencySchema,
    }),

  // Feedback, normalized by the feedback handler from SES / SNS notifications.
  "email.bounced": () =>
    z.looseObject({
      ...customer,
      address: IdSchema,
      bounceType: z.enum(["permanent", "transient"]),
    }),
  "email.complained": () => z.looseObject({ ...customer, address: IdSchema }),
  "sms.opted_out": () => z.looseObject({ ...customer, phone: IdSchema }),
  "email.engaged": () =>
    z.looseObject({
      ...customer,
      kind: z.enum(["delivered", "opened", "clicked"]),
      campaign: IdSchema.optional(),
      likelyMachineOpen: z.boolean().optional(),
      /** A link scanner's click (security gateway, prefetch), not the reader's. */
      likelyMachineClick: z.boolean().optional(),
    }),
});

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
  return (catalogEventTypes as readonly string[]).includes(value);
}

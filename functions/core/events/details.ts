import * as z from "../validation/zod.ts";
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

const customer = { customerId: IdSchema, occurredAt: z.optional(z.iso.datetime({ offset: true })) };
const orderRef = { ...customer, orderId: IdSchema };

/**
 * A map from names to values: at most `max` entries, each name 1 to `keyChars` characters without
 * control characters. A bad name is reported on the map, not echoed into the path.
 */
function boundedRecord<V extends z.ZodMiniType>(keyChars: number, value: V, max: number, what: string) {
  const name = IdSchema.check(z.maxLength(keyChars));
  return z.record(z.string(), value).check(
    z.superRefine((record, ctx) => {
      const names = Object.keys(record);
      if (names.length > max) ctx.addIssue({ code: "custom", message: `at most ${max} ${what}` });
      if (names.some((key) => !name.safeParse(key).success))
        ctx.addIssue({
          code: "custom",
          message: `names of 1 to ${keyChars} characters without control characters`,
        });
    }),
  );
}

const AttributeValueSchema = z
  .unknown()
  .check(
    z.refine(
      (value) => (JSON.stringify(value) ?? "").length <= EVENT_LIMITS.attributeValueChars,
      `a value of at most ${EVENT_LIMITS.attributeValueChars} characters of JSON`,
    ),
  );

/** The profile fields of signed_up and updated, built with the first of the two schemas that is used. */
const profileFields = () => ({
  email: z.optional(z.email().check(z.maxLength(254, "an email address of at most 254 characters"))),
  phone: z.optional(
    z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, "an E.164 phone number such as +14155550123")),
  ),
  firstName: z.optional(TextSchema),
  lastName: z.optional(TextSchema),
  timezone: z.optional(TimeZoneSchema),
  locale: z.optional(TextSchema),
  newsletter: z.optional(z.boolean()),
  smsOptIn: z.optional(z.boolean()),
  attributes: z.optional(
    boundedRecord(
      EVENT_LIMITS.attributeKeyChars,
      AttributeValueSchema,
      EVENT_LIMITS.attributes,
      "attributes",
    ),
  ),
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
      birthday: z.optional(LocalDateSchema),
      dates: z.optional(
        boundedRecord(EVENT_LIMITS.attributeKeyChars, LocalDateSchema, EVENT_LIMITS.datesPerProfile, "dates"),
      ),
      pushToken: z.optional(
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(EVENT_LIMITS.pushTokenChars, `at most ${EVENT_LIMITS.pushTokenChars} characters`),
          ),
      ),
    }),
  "consent.updated": () =>
    z.looseObject({
      ...customer,
      channel: ChannelSchema,
      topic: z.optional(IdSchema),
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
      storeId: z.optional(IdSchema),
    }),
  "order.cancelled": () => z.looseObject(orderRef),
  "order.shipped": () =>
    z.looseObject({
      ...orderRef,
      carrier: z.optional(TextSchema),
      trackingUrl: z.optional(UrlSchema),
    }),
  "order.delivered": () => z.looseObject(orderRef),
  "order.ready_for_pickup": () =>
    z.looseObject({
      ...orderRef,
      storeId: IdSchema,
      pickupBy: z.optional(z.iso.datetime({ offset: true })),
    }),
  "order.picked_up": () => z.looseObject(orderRef),
  "return.initiated": () =>
    z.looseObject({
      ...orderRef,
      returnId: IdSchema,
      method: z.enum(["store", "mail"]),
      storeId: z.optional(IdSchema),
      items: z.optional(ItemsSchema),
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
      orderId: z.optional(IdSchema),
      productId: IdSchema,
      rating: z.number().check(z.int(), z.gte(1), z.lte(5)),
    }),
  "loyalty.enrolled": () => z.looseObject({ ...customer, programId: z.optional(IdSchema) }),
  "loyalty.points_changed": () =>
    z.looseObject({
      ...customer,
      balance: z.number(),
      tier: IdSchema,
      previousTier: z.optional(IdSchema),
    }),
  "referral.completed": () => z.looseObject({ ...customer, referredCustomerId: IdSchema }),
  "support.ticket_opened": () =>
    z.looseObject({
      ...customer,
      ticketId: IdSchema,
      channel: z.optional(z.enum(["email", "chat", "phone", "whatsapp"])),
    }),
  "support.ticket_resolved": () =>
    z.looseObject({
      ...customer,
      ticketId: IdSchema,
      channel: z.optional(z.enum(["email", "chat", "phone", "whatsapp"])),
    }),
  "app.opened": () => z.looseObject({ ...customer, platform: z.optional(TextSchema) }),

  // Catalog events: no customer; the runtime fans them out to interested customers.
  "product.inventory_changed": () =>
    z.looseObject({
      occurredAt: customer.occurredAt,
      product: ItemSchema,
      quantity: z.number().check(z.int()),
      previousQuantity: z.number().check(z.int()),
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
      campaign: z.optional(IdSchema),
      likelyMachineOpen: z.optional(z.boolean()),
      /** A link scanner's click (security gateway, prefetch), not the reader's. */
      likelyMachineClick: z.optional(z.boolean()),
    }),
});

export type EventType = keyof typeof detailSchemas;
export type DetailOf<T extends EventType> = z.output<(typeof detailSchemas)[T]>;
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

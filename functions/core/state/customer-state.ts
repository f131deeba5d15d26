import { ChannelSchema } from "../events/channels.ts";
import { ItemSchema } from "../events/item.ts";
import * as z from "../validation/zod.ts";
import { dataRecord, dataRecordSchema } from "./data-record.ts";

// The state's schemas are built on their first parse (z.lazy): about 90 zod schemas, a tenth of a
// Lambda cold start when built at import, and a first call about a customer with no state (a sign-up)
// parses none.
const epochMs = z.number();
const status = z.enum(["opted_in", "opted_out"]);

const journeySchema = () =>
  z.object({
    id: z.string(),
    campaign: z.string(),
    trigger: z.string(),
    key: z.string(),
    startedAt: epochMs,
    lastTriggerAt: epochMs,
    /**
     * The id of the step to run next. Items written before step ids hold its index in the campaign as
     * then deployed: read as the step at that index of the campaign as now deployed (journeyStep).
     */
    step: z.union([z.string(), z.number().check(z.int(), z.nonnegative())]),
    /** The content hash of the campaign the journey started on (campaignVersion); absent in older items. */
    version: z.optional(z.string()),
    /** Ids of the send steps this journey decided (bounded by maxSendsPerJourney): none is sent twice across an edit. */
    sentSteps: z.optional(z.array(z.string())),
    /** When the current step is due (for a wait for an event: its timeout). */
    wakeAt: epochMs,
    /** Set while the journey waits for an event: since when. */
    awaitingSince: z.optional(epochMs),
    /** A wait anchored to the last trigger: its length, so a debounced repeat can move wakeAt. */
    debounceMs: z.optional(z.number()),
    deferredFrom: z.optional(epochMs),
    /** The generation of the journey's live workflow (absent: 0, the first); older executions end. */
    wakeGeneration: z.optional(z.number().check(z.int(), z.positive())),
    reachedSend: z.boolean(),
    /** Messages this journey decided (sent or suppressed), bounded by maxSendsPerJourney. */
    sends: z.optional(z.number().check(z.int(), z.nonnegative())),
    context: dataRecordSchema(z.unknown()),
  });
export const JourneySchema = z.lazy(journeySchema);
export type Journey = z.output<typeof JourneySchema>;

const orderRecordSchema = () =>
  z.object({
    orderId: z.string(),
    at: epochMs,
    total: z.number(),
    items: z.array(ItemSchema),
    fulfillment: z.string(),
    status: z.enum(["placed", "shipped", "delivered", "cancelled", "picked_up"]),
  });
export const OrderRecordSchema = z.lazy(orderRecordSchema);
export type OrderRecord = z.output<typeof OrderRecordSchema>;

const productInterestSchema = () =>
  z.object({
    wishlistedAt: z.optional(epochMs),
    alerts: z.optional(z.object({ back_in_stock: z.optional(epochMs), price_drop: z.optional(epochMs) })),
    inCart: z.optional(z.string()),
    cartAt: z.optional(epochMs),
    viewedAt: z.optional(epochMs),
    boughtAt: z.optional(epochMs),
    brand: z.optional(z.string()),
    item: z.optional(ItemSchema),
  });
export const ProductInterestSchema = z.lazy(productInterestSchema);
export type ProductInterest = z.output<typeof ProductInterestSchema>;

/**
 * A side effect claimed in the same write as the decision that caused it, done after the write and
 * removed once done: a crash or retry between the two finds it here and finishes it.
 */
const outboxEntrySchema = () =>
  z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("message"),
      id: z.string(),
      journeyId: z.string(),
      campaign: z.string(),
      step: z.string(),
      template: z.string(),
      channel: ChannelSchema,
      to: z.string(),
      subject: z.optional(z.string()),
      body: z.string(),
      marketing: z.boolean(),
      topic: z.optional(z.string()),
      claimedAt: epochMs,
      /** The runner's clock when it was decided: a send performed later is judged again, and may expire. */
      decidedAt: z.optional(epochMs),
      /** The decision's own time, as counted in marketingSends for the frequency cap. */
      at: z.optional(epochMs),
      /** Deferred by quiet hours when judged again: not performed before this. */
      notBefore: z.optional(epochMs),
      /** The decision's products and quiet-hours deferral, for the message.sent its sender publishes. */
      productIds: z.optional(z.array(z.string())),
      deferredFrom: z.optional(epochMs),
    }),
    z.object({
      kind: z.literal("start"),
      id: z.string(),
      journeyId: z.string(),
      /** A workflow started again to wake the journey earlier (absent: the first). */
      generation: z.optional(z.number().check(z.int(), z.positive())),
      /** The journey's wake and step when claimed: its workflow waits until then before its first Step. */
      wakeAt: z.optional(epochMs),
      step: z.optional(z.string()),
      claimedAt: epochMs,
    }),
    z.object({
      kind: z.literal("interest"),
      id: z.string(),
      productIds: z.array(z.string()),
      claimedAt: epochMs,
    }),
  ]);
export const OutboxEntrySchema = z.lazy(outboxEntrySchema);
export type OutboxEntry = z.output<typeof OutboxEntrySchema>;

const customerStateFields = () =>
  z.object({
    customerId: z.string(),
    version: z.number().check(z.int(), z.nonnegative()),
    profile: z.looseObject({
      email: z.optional(z.string()),
      phone: z.optional(z.string()),
      firstName: z.optional(z.string()),
      lastName: z.optional(z.string()),
      timezone: z.optional(z.string()),
      locale: z.optional(z.string()),
      birthday: z.optional(z.string()),
      dates: z.optional(dataRecordSchema(z.string())),
      pushToken: z.optional(z.string()),
      signedUpAt: z.optional(epochMs),
      attributes: z.optional(dataRecordSchema(z.unknown())),
    }),
    consent: z.object({
      email: z.optional(status),
      sms: z.optional(status),
      push: z.optional(status),
      topics: dataRecordSchema(status),
    }),
    /** Addresses (email or phone) that bounced hard, complained or replied STOP: never sent to again. */
    suppressedAddresses: z.array(z.string()),
    openTickets: z.array(z.string()),
    loyalty: z.object({ enrolled: z.boolean(), balance: z.number(), tier: z.optional(z.string()) }),
    activity: z.object({
      lastActiveAt: z.optional(epochMs),
      lastCartUpdateAt: z.optional(epochMs),
      viewTimes: z.array(epochMs),
      lastSeen: dataRecordSchema(epochMs),
      /** Per local hour: human email clicks and app opens, for the best send hour (absent until the first). */
      clickHours: z.optional(z.array(z.number().check(z.int())).check(z.length(24))),
      appOpenHours: z.optional(z.array(z.number().check(z.int())).check(z.length(24))),
    }),
    orders: z.object({
      count: z.number().check(z.int(), z.nonnegative()),
      deliveredCount: z.number().check(z.int(), z.nonnegative()),
      lifetimeSpend: z.number(),
      firstOrderAt: z.optional(epochMs),
      lastOrderAt: z.optional(epochMs),
      /** (at, total) of orders in the spend window, for the spend cohort. */
      spendHistory: z.array(z.tuple([epochMs, z.number()])),
      localHourCounts: z.array(z.number().check(z.int())).check(z.length(24)),
      recent: z.array(OrderRecordSchema),
    }),
    carts: dataRecordSchema(z.object({ items: z.array(ItemSchema), total: z.number(), at: epochMs })),
    products: dataRecordSchema(ProductInterestSchema),
    /** brand -> [score, at]: the decayed score as of `at`. */
    brandAffinity: dataRecordSchema(z.tuple([z.number(), epochMs])),
    journeys: z.array(JourneySchema),
    /** campaign|scope -> until (epoch ms), or for "forever" minus when it was set. */
    reentryLocks: dataRecordSchema(z.number()),
    /** journey id -> finished at: a finished journey is never run again under the same id. */
    finished: dataRecordSchema(epochMs),
    /** Marketing sends that count toward the frequency cap. */
    marketingSends: z.array(epochMs),
    /** Class -> the times of its sends among marketingSends, for the cap's per-class rules. */
    classSends: z._default(dataRecordSchema(z.array(epochMs)), () => dataRecord<number[]>()),
    /** Side effects decided and not yet done (AWS runtime only; the simulator applies at once). */
    outbox: z._default(z.array(OutboxEntrySchema), []),
    /** Ids of the latest events applied (by event time), so a redelivery is not applied twice. */
    appliedEvents: z._default(z.array(z.string()), []),
    /** The event time of each of appliedEvents. */
    appliedEventTimes: z._default(z.array(epochMs), []),
    /** (time, id) of the latest applied event forgotten: an unknown event up to it may be a replay. */
    appliedWatermark: z.optional(z.tuple([epochMs, z.string()])),
    /** field -> stamp (event time and id) of its last writer: consent and profile follow event time. */
    fieldStamps: z._default(dataRecordSchema(z.number()), () => dataRecord<number>()),
  });
/** Items written before the rename hold the re-entry locks as `onceKeys`: read them as reentryLocks. */
function readLegacyFields(raw: unknown): unknown {
  if (
    typeof raw !== "object" ||
    raw === null ||
    !Object.hasOwn(raw, "onceKeys") ||
    Object.hasOwn(raw, "reentryLocks")
  )
    return raw;
  const { onceKeys, ...rest } = raw as { onceKeys: unknown };
  return { ...rest, reentryLocks: onceKeys };
}

export const CustomerStateSchema = z.lazy(() => z.pipe(z.transform(readLegacyFields), customerStateFields()));
export type CustomerState = z.output<typeof CustomerStateSchema>;

export function emptyCustomerState(customerId: string): CustomerState {
  return {
    customerId,
    version: 0,
    profile: {},
    consent: { topics: dataRecord() },
    suppressedAddresses: [],
    openTickets: [],
    loyalty: { enrolled: false, balance: 0 },
    activity: { viewTimes: [], lastSeen: dataRecord() },
    orders: {
      count: 0,
      deliveredCount: 0,
      lifetimeSpend: 0,
      spendHistory: [],
      localHourCounts: new Array(24).fill(0),
      recent: [],
    },
    carts: dataRecord(),
    products: dataRecord(),
    brandAffinity: dataRecord(),
    journeys: [],
    reentryLocks: dataRecord(),
    finished: dataRecord(),
    marketingSends: [],
    classSends: dataRecord(),
    outbox: [],
    appliedEvents: [],
    appliedEventTimes: [],
    fieldStamps: dataRecord(),
  };
}

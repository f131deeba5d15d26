import * as z from "zod";
import { ChannelSchema } from "../events/channels.ts";
import { ItemSchema } from "../events/item.ts";
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
    step: z.union([z.string(), z.number().int().nonnegative()]),
    /** The content hash of the campaign the journey started on (campaignVersion); absent in older items. */
    version: z.string().optional(),
    /** Ids of the send steps this journey decided (bounded by maxSendsPerJourney): none is sent twice across an edit. */
    sentSteps: z.array(z.string()).optional(),
    /** When the current step is due (for a wait for an event: its timeout). */
    wakeAt: epochMs,
    /** Set while the journey waits for an event: since when. */
    awaitingSince: epochMs.optional(),
    /** A wait anchored to the last trigger: its length, so a debounced repeat can move wakeAt. */
    debounceMs: z.number().optional(),
    deferredFrom: epochMs.optional(),
    /** The generation of the journey's live workflow (absent: 0, the first); older executions end. */
    wakeGeneration: z.number().int().positive().optional(),
    reachedSend: z.boolean(),
    /** Messages this journey decided (sent or suppressed), bounded by maxSendsPerJourney. */
    sends: z.number().int().nonnegative().optional(),
    context: dataRecordSchema(z.unknown()),
  });
export const JourneySchema = z.lazy(journeySchema);
export type Journey = z.infer<typeof JourneySchema>;

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
export type OrderRecord = z.infer<typeof OrderRecordSchema>;

const productInterestSchema = () =>
  z.object({
    wishlistedAt: epochMs.optional(),
    alerts: z.object({ back_in_stock: epochMs.optional(), price_drop: epochMs.optional() }).optional(),
    inCart: z.string().optional(),
    cartAt: epochMs.optional(),
    viewedAt: epochMs.optional(),
    boughtAt: epochMs.optional(),
    brand: z.string().optional(),
    item: ItemSchema.optional(),
  });
export const ProductInterestSchema = z.lazy(productInterestSchema);
export type ProductInterest = z.infer<typeof ProductInterestSchema>;

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
      subject: z.string().optional(),
      body: z.string(),
      marketing: z.boolean(),
      topic: z.string().optional(),
      claimedAt: epochMs,
      /** The runner's clock when it was decided: a send performed later is judged again, and may expire. */
      decidedAt: epochMs.optional(),
      /** The decision's own time, as counted in marketingSends for the frequency cap. */
      at: epochMs.optional(),
      /** Deferred by quiet hours when judged again: not performed before this. */
      notBefore: epochMs.optional(),
    }),
    z.object({
      kind: z.literal("start"),
      id: z.string(),
      journeyId: z.string(),
      /** A workflow started again to wake the journey earlier (absent: the first). */
      generation: z.number().int().positive().optional(),
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
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

const customerStateFields = () =>
  z.object({
    customerId: z.string(),
    version: z.number().int().nonnegative(),
    profile: z
      .object({
        email: z.string().optional(),
        phone: z.string().optional(),
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        timezone: z.string().optional(),
        locale: z.string().optional(),
        birthday: z.string().optional(),
        dates: dataRecordSchema(z.string()).optional(),
        pushToken: z.string().optional(),
        signedUpAt: epochMs.optional(),
        attributes: dataRecordSchema(z.unknown()).optional(),
      })
      .loose(),
    consent: z.object({
      email: status.optional(),
      sms: status.optional(),
      push: status.optional(),
      topics: dataRecordSchema(status),
    }),
    /** Addresses (email or phone) that bounced hard, complained or replied STOP: never sent to again. */
    suppressedAddresses: z.array(z.string()),
    openTickets: z.array(z.string()),
    loyalty: z.object({ enrolled: z.boolean(), balance: z.number(), tier: z.string().optional() }),
    activity: z.object({
      lastActiveAt: epochMs.optional(),
      lastCartUpdateAt: epochMs.optional(),
      viewTimes: z.array(epochMs),
      lastSeen: dataRecordSchema(epochMs),
      /** Per local hour: human email clicks and app opens, for the best send hour (absent until the first). */
      clickHours: z.array(z.number().int()).length(24).optional(),
      appOpenHours: z.array(z.number().int()).length(24).optional(),
    }),
    orders: z.object({
      count: z.number().int().nonnegative(),
      deliveredCount: z.number().int().nonnegative(),
      lifetimeSpend: z.number(),
      firstOrderAt: epochMs.optional(),
      lastOrderAt: epochMs.optional(),
      /** (at, total) of orders in the spend window, for the spend cohort. */
      spendHistory: z.array(z.tuple([epochMs, z.number()])),
      localHourCounts: z.array(z.number().int()).length(24),
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
    classSends: dataRecordSchema(z.array(epochMs)).default(() => dataRecord<number[]>()),
    /** Side effects decided and not yet done (AWS runtime only; the simulator applies at once). */
    outbox: z.array(OutboxEntrySchema).default([]),
    /** Ids of the latest events applied (by event time), so a redelivery is not applied twice. */
    appliedEvents: z.array(z.string()).default([]),
    /** The event time of each of appliedEvents. */
    appliedEventTimes: z.array(epochMs).default([]),
    /** (time, id) of the latest applied event forgotten: an unknown event up to it may be a replay. */
    appliedWatermark: z.tuple([epochMs, z.string()]).optional(),
    /** field -> stamp (event time and id) of its last writer: consent and profile follow event time. */
    fieldStamps: dataRecordSchema(z.number()).default(() => dataRecord<number>()),
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

export const CustomerStateSchema = z.lazy(() => z.preprocess(readLegacyFields, customerStateFields()));
export type CustomerState = z.infer<typeof CustomerStateSchema>;

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

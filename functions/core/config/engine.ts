import * as z from "zod";
import { TimeZoneSchema } from "../events/item.ts";
import { ClockTimeSchema, DurationSchema } from "./duration.ts";
import { EngineFrequencyCapSchema, QuietHoursSchema, SendWindowsSchema } from "./policies.ts";
import { SafeKeySchema } from "./safe-key.ts";

const count = z.number().int().positive();

export const EngineSettingsSchema = z.strictObject({
  $schema: z.string().optional(),
  defaultTimezone: TimeZoneSchema,
  holdoutPercent: z.number().min(0).max(100),
  frequencyCap: EngineFrequencyCapSchema,
  quietHours: QuietHoursSchema,
  sendWindows: SendWindowsSchema.describe(
    "per channel, the local hours in which marketing messages go; one due outside waits for the next opening",
  ).default({ email: { start: "09:00", end: "20:00" } }),
  sendTime: z
    .strictObject({
      defaultAt: ClockTimeSchema.describe(
        'the local time "best" sends go at while a customer\'s best hour is unknown',
      ),
      weights: z
        .strictObject({
          order: z.number().nonnegative(),
          click: z.number().nonnegative(),
          appOpen: z.number().nonnegative(),
        })
        .describe("what one order, one human email click, one app open adds to the score of its local hour"),
      knownFrom: z
        .number()
        .positive()
        .describe("the best hour is known once the scores of all hours add up to this"),
    })
    .describe('send steps with "sendTime": "best" go at the customer\'s best local hour within 24 h')
    .default({ defaultAt: "10:00", weights: { order: 3, click: 2, appOpen: 1 }, knownFrom: 4 }),
  maxSendsPerJourney: z
    .number()
    .int()
    .positive()
    .describe("messages (sent or suppressed) one journey may decide; past it the journey ends"),
  minLoopWait: DurationSchema.describe(
    "the shortest wait every loop of a campaign's steps must pass through (checked by engage validate)",
  ),
  smsOptOutText: z.string().min(1).describe("appended to a marketing SMS that does not say how to opt out"),
  rankings: z.record(SafeKeySchema, z.array(z.string()).min(2)).describe("ordered lists, lowest first"),
  traits: z.strictObject({
    affinityWeights: z.strictObject({
      view: z.number(),
      wishlist: z.number(),
      cart: z.number(),
      purchase: z.number(),
    }),
    affinityHalfLifeDays: z.number().positive(),
    propensity: z.strictObject({
      activeRecent: z.strictObject({ within: DurationSchema, score: z.number() }),
      activeWeek: z.strictObject({ within: DurationSchema, score: z.number() }),
      cartUpdate: z.strictObject({ within: DurationSchema, score: z.number() }),
      productViews: z.strictObject({ within: DurationSchema, atLeast: z.number().int(), score: z.number() }),
      hasOrdered: z.strictObject({ score: z.number() }),
    }),
    spendCohorts: z
      .array(z.strictObject({ name: z.string().min(1), min: z.number().nonnegative() }))
      .min(1)
      .describe("ascending by min; trailing spend picks the last whose min it reaches"),
    spendWindow: DurationSchema,
    preferredHourFromOrder: z
      .number()
      .int()
      .positive()
      .describe("the preferred hour is known from this order on"),
    viewedInterestWindow: DurationSchema,
    viewCountWindow: DurationSchema,
  }),
  retention: z.strictObject({
    finishedJourneys: DurationSchema.describe("how long a finished journey id is remembered against re-runs"),
    orders: z.number().int().positive().describe("recent orders kept per customer"),
    products: z.number().int().positive().describe("products tracked per customer (interest, purchases)"),
    appliedEvents: z
      .number()
      .int()
      .positive()
      .describe("event ids remembered per customer against redelivery; older ones are handled as replays"),
    finishedJourneyIds: count.describe("finished journey ids kept per customer, the oldest go first"),
    carts: z
      .strictObject({ max: count, maxAge: DurationSchema })
      .describe(
        "open carts kept per customer: the least recently updated go first, and any older than maxAge",
      ),
    foreverLocks: count.describe(
      're-entry locks with window "forever" kept per customer; the oldest go first',
    ),
    brands: count.describe("brands whose affinity is kept per customer: the highest scores now"),
    openTickets: count.describe("open support tickets kept per customer; the oldest go first"),
    attributes: z
      .strictObject({ max: count, maxBytes: count })
      .describe("profile attributes kept: key count and JSON size; the least recently written go first"),
    listItems: count.describe("items kept per order and per cart (the first ones)"),
    itemTextChars: count.describe("a product's text field (name, url …) longer than this is not stored"),
    suppressedAddresses: count.describe(
      "suppressed addresses kept besides the profile's own; the oldest go first",
    ),
    topics: count.describe("consent topics kept besides those campaigns use; the oldest written go first"),
    spendHistory: count.describe("orders kept in the spend window for the spend cohort; the oldest go first"),
    stateBytes: count.describe(
      "backstop: a state larger than this (JSON) drops its oldest products, orders and journey ids",
    ),
  }),
  outbox: z
    .strictObject({
      marketingExpiry: DurationSchema.describe(
        "a marketing message not sent this long after it was decided (a failed send) is dropped; transactional ones never expire",
      ),
    })
    .default({ marketingExpiry: 24 * 3_600_000 }),
  addressWait: DurationSchema.describe(
    "a transactional message due for a customer with no address yet waits this long for the profile event that brings it (late, or parked in a dead-letter queue until redriven): sent when it arrives, suppressed (no_address) after this",
  ).default(3 * 24 * 3_600_000),
  futureEventTolerance: DurationSchema.describe(
    "how far past its arrival an event's own time may be (clock skew); an event dated later is rejected at ingest",
  ).default(24 * 3_600_000),
});
export type EngineSettings = z.infer<typeof EngineSettingsSchema>;
export type EngineSettingsInput = z.input<typeof EngineSettingsSchema>;

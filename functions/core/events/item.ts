import * as z from "../validation/zod.ts";
import { EVENT_LIMITS } from "./limits.ts";

/**
 * An item as the state keeps it: lenient, so items stored before the edge bounds still load.
 * Events carry the bounded EventItemSchema below.
 */
export const ItemSchema = z.looseObject({
  productId: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  quantity: z.optional(z.number().check(z.int(), z.nonnegative())),
  price: z.optional(z.number().check(z.nonnegative())),
  brand: z.optional(z.string()),
  category: z.optional(z.string()),
  url: z.optional(z.string()),
  imageUrl: z.optional(z.string()),
  replenishAfterDays: z.optional(z.number().check(z.positive())),
  upsellProductIds: z.optional(z.array(z.string().check(z.minLength(1)))),
});

/** Anything used as a key (of an item, a map, a journey): bounded, printable. */
export const IdSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(EVENT_LIMITS.idChars, `an id of at most ${EVENT_LIMITS.idChars} characters`),
    z.regex(/^\P{Cc}*$/u, "an id without control characters"),
  );
export const TextSchema = z
  .string()
  .check(z.maxLength(EVENT_LIMITS.textChars, `at most ${EVENT_LIMITS.textChars} characters`));
export const UrlSchema = z
  .string()
  .check(
    z.maxLength(EVENT_LIMITS.urlChars, `a URL of at most ${EVENT_LIMITS.urlChars} characters`),
    z.regex(/^https?:\/\//i, "an http or https URL"),
  );

export const EventItemSchema = z.looseObject({
  ...ItemSchema.shape,
  productId: IdSchema,
  name: z.optional(TextSchema),
  brand: z.optional(TextSchema),
  category: z.optional(TextSchema),
  url: z.optional(UrlSchema),
  imageUrl: z.optional(UrlSchema),
  upsellProductIds: z.optional(
    z
      .array(IdSchema)
      .check(
        z.maxLength(EVENT_LIMITS.upsellIdsPerItem, `at most ${EVENT_LIMITS.upsellIdsPerItem} product ids`),
      ),
  ),
});
/** The items of one cart, order or return. */
export const EventItemsSchema = z
  .array(EventItemSchema)
  .check(z.maxLength(EVENT_LIMITS.itemsPerEvent, `at most ${EVENT_LIMITS.itemsPerEvent} items`));
export type Item = z.output<typeof ItemSchema>;

export const CurrencySchema = z.string().check(z.regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD"));
export const MoneySchema = z.number().check(z.nonnegative());
/** A calendar day that exists: 2000-02-30 is refused, not moved to March by Date. */
export const LocalDateSchema = z.iso.date("a date YYYY-MM-DD that exists on the calendar");
export const TimeZoneSchema = z
  .string()
  .check(z.refine(isKnownTimeZone, "an IANA time zone such as Europe/Paris"));

const knownZones = new Map<string, boolean>();
let canonicalZones: Set<string> | undefined;

/**
 * Asking Intl costs a formatter per call; the answer for a zone name never changes, so it is kept.
 * ICU's canonical names are listed first: the process's first formatter costs ~30 ms of CPU (ICU's
 * locale data), which a cold start paid in its first event's parse; listing the zones costs ~2 ms.
 * Other names (aliases such as US/Eastern, other spellings) are still asked of a formatter.
 */
function isKnownTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
    known = canonicalZones.has(zone) || formatterAccepts(zone);
    if (knownZones.size < 10_000) knownZones.set(zone, known);
  }
  return known;
}

function formatterAccepts(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

import * as z from "zod";
import { EVENT_LIMITS } from "./limits.ts";

/**
 * An item as the state keeps it: lenient, so items stored before the edge bounds still load.
 * Events carry the bounded EventItemSchema below.
 */
export const ItemSchema = z.looseObject({
  productId: z.string().min(1),
  name: z.string().optional(),
  quantity: z.number().int().nonnegative().optional(),
  price: z.number().nonnegative().optional(),
  brand: z.string().optional(),
  category: z.string().optional(),
  url: z.string().optional(),
  imageUrl: z.string().optional(),
  replenishAfterDays: z.number().positive().optional(),
  upsellProductIds: z.array(z.string().min(1)).optional(),
});

/** Anything used as a key (of an item, a map, a journey): bounded, printable. */
export const IdSchema = z
  .string()
  .min(1)
  .max(EVENT_LIMITS.idChars, `an id of at most ${EVENT_LIMITS.idChars} characters`)
  .regex(/^\P{Cc}*$/u, "an id without control characters");
export const TextSchema = z
  .string()
  .max(EVENT_LIMITS.textChars, `at most ${EVENT_LIMITS.textChars} characters`);
export const UrlSchema = z
  .string()
  .max(EVENT_LIMITS.urlChars, `a URL of at most ${EVENT_LIMITS.urlChars} characters`)
  .regex(/^https?:\/\//i, "an http or https URL");

export const EventItemSchema = z.looseObject({
  ...ItemSchema.shape,
  productId: IdSchema,
  name: TextSchema.optional(),
  brand: TextSchema.optional(),
  category: TextSchema.optional(),
  url: UrlSchema.optional(),
  imageUrl: UrlSchema.optional(),
  upsellProductIds: z
    .array(IdSchema)
    .max(EVENT_LIMITS.upsellIdsPerItem, `at most ${EVENT_LIMITS.upsellIdsPerItem} product ids`)
    .optional(),
});
/** The items of one cart, order or return. */
export const EventItemsSchema = z
  .array(EventItemSchema)
  .max(EVENT_LIMITS.itemsPerEvent, `at most ${EVENT_LIMITS.itemsPerEvent} items`);
export type Item = z.infer<typeof ItemSchema>;

export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD");
export const MoneySchema = z.number().nonnegative();
/** A calendar day that exists: 2000-02-30 is refused, not moved to March by Date. */
export const LocalDateSchema = z.iso.date("a date YYYY-MM-DD that exists on the calendar");
export const TimeZoneSchema = z.string().refine(isKnownTimeZone, "an IANA time zone such as Europe/Paris");

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

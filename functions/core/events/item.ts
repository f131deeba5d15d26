import { z } from "zod";

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
export type Item = z.infer<typeof ItemSchema>;

export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD");
export const MoneySchema = z.number().nonnegative();
/** A calendar day that exists: 2000-02-30 is refused, not moved to March by Date. */
export const LocalDateSchema = z.iso.date("a date YYYY-MM-DD that exists on the calendar");
export const TimeZoneSchema = z.string().refine(isKnownTimeZone, "an IANA time zone such as Europe/Paris");

const knownZones = new Map<string, boolean>();

/** Asking Intl costs a formatter per call; the answer for a zone name never changes, so it is kept. */
function isKnownTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 10_000) knownZones.set(zone, known);
  }
  return known;
}

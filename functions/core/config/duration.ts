import { Duration } from "luxon";
import * as z from "zod";

const DAY_MS = 86_400_000;
/**
 * The longest duration a file may set: 5 years of 365 days. Longer than any campaign needs
 * (re-entry windows, retention), and far inside the Date range, so `now + duration` never
 * becomes an invalid time at run time.
 */
export const MAX_DURATION_DAYS = 1_825;
export const MAX_DURATION_MS = MAX_DURATION_DAYS * DAY_MS;

/** ISO 8601 duration such as PT1H, P2D, P7D; parsed once into milliseconds (days are 24 h). */
export const DurationSchema = z
  .string()
  .refine((text) => durationMs(text) !== undefined, "an ISO 8601 duration such as PT1H or P7D")
  .refine(
    (text) => (durationMs(text) ?? 0) <= MAX_DURATION_MS,
    `a duration of at most P${MAX_DURATION_DAYS}D (5 years)`,
  )
  .transform((text) => durationMs(text) as number);

/** The duration in milliseconds, or undefined when it is not a valid or bounded one. */
export function parseDuration(text: string): number | undefined {
  const ms = durationMs(text);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
}

function durationMs(text: string): number | undefined {
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return undefined;
  if (duration.months || duration.years) return undefined;
  const ms = Math.round(duration.as("milliseconds"));
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

export const ClockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time HH:MM such as 09:00");

export function clockTimeToMinutes(text: string): number {
  const [hours, minutes] = text.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

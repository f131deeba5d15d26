import { Duration } from "luxon";
import * as z from "zod";

import { clockTimeToMinutes, MAX_DURATION_DAYS, MAX_DURATION_MS } from "./duration-values.ts";

export { clockTimeToMinutes, MAX_DURATION_DAYS, MAX_DURATION_MS };

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

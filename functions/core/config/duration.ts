import { Duration } from "luxon";
import { z } from "zod";

/** ISO 8601 duration such as PT1H, P2D, P7D; parsed once into milliseconds (days are 24 h). */
export const DurationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, "an ISO 8601 duration such as PT1H or P7D")
  .transform((text) => parseDuration(text) as number);

export function parseDuration(text: string): number | undefined {
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return undefined;
  if (duration.months || duration.years) return undefined;
  const ms = duration.as("milliseconds");
  return ms > 0 ? ms : undefined;
}

export const ClockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time HH:MM such as 09:00");

export function clockTimeToMinutes(text: string): number {
  const [hours, minutes] = text.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

// What the runtime needs of durations and clock times, apart from duration.ts so that it reads them
// without building the campaign-file schemas (the Lambda bundles leave those out).

const DAY_MS = 86_400_000;
/**
 * The longest duration a file may set: 5 years of 365 days. Longer than any campaign needs
 * (re-entry windows, retention), and far inside the Date range, so `now + duration` never
 * becomes an invalid time at run time.
 */
export const MAX_DURATION_DAYS = 1_825;
export const MAX_DURATION_MS = MAX_DURATION_DAYS * DAY_MS;

const clockMinutes = new Map<string, number>();

/** Memoized: the sweeps read the same few schedule times for every customer and hour. */
export function clockTimeToMinutes(text: string): number {
  let found = clockMinutes.get(text);
  if (found === undefined) {
    const [hours, minutes] = text.split(":").map(Number);
    found = (hours ?? 0) * 60 + (minutes ?? 0);
    if (clockMinutes.size >= 1_000) clockMinutes.clear();
    clockMinutes.set(text, found);
  }
  return found;
}

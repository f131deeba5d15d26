/**
 * A time zone's UTC offset at an instant, read from Intl the way luxon's IANAZone.offset reads it
 * (test/core/zone-offset.test.ts compares the two). Not luxon itself: this one function was all
 * the Lambda bundles used of it, and its ~70 KiB were compiled at every cold start.
 */

/** Per zone, its formatter; undefined for a name Intl does not know. */
const formats = new Map<string, Intl.DateTimeFormat | undefined>();

function formatOf(zone: string): Intl.DateTimeFormat | undefined {
  if (formats.has(zone)) return formats.get(zone);
  let format: Intl.DateTimeFormat | undefined;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      hour12: false,
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
  } catch {
    format = undefined;
  }
  formats.set(zone, format);
  return format;
}

/** The offset of `zone` from UTC at `at` (epoch ms), in minutes; NaN for an unknown zone or an invalid time. */
export function zoneOffsetMinutes(zone: string, at: number): number {
  const format = formatOf(zone);
  if (!format || !Number.isFinite(at)) return Number.NaN;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return Number.NaN;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const { type, value } of format.formatToParts(date)) {
    if (type === "year") year = Number.parseInt(value, 10);
    else if (type === "month") month = Number.parseInt(value, 10);
    else if (type === "day") day = Number.parseInt(value, 10);
    else if (type === "hour") hour = Number.parseInt(value, 10);
    else if (type === "minute") minute = Number.parseInt(value, 10);
    else if (type === "second") second = Number.parseInt(value, 10);
    else if (type === "era") bc = value === "BC";
  }
  if (bc) year = -Math.abs(year) + 1;
  // hour12: false writes midnight as 24 in some engines.
  let wall = Date.UTC(year, month - 1, day, hour === 24 ? 0 : hour, minute, second, 0);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year >= 0 && year < 100) {
    const fixed = new Date(wall);
    fixed.setUTCFullYear(year, month - 1, day);
    wall = fixed.getTime();
  }
  const over = at % 1000;
  const wholeSecond = at - (over >= 0 ? over : 1000 + over);
  return (wall - wholeSecond) / 60_000;
}

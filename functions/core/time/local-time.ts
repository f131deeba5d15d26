import { zoneOffsetMinutes } from "./zone-offset.ts";

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const MINUTE = 60_000;

/**
 * Per zone, per UTC hour: the offset through that hour, or NaN when it changes inside the hour.
 * Keyed by number within a zone: a string key per call was the simulator's hottest allocation.
 */
const offsets = new Map<string, Map<number, number>>();
let memoized = 0;

/**
 * The zone's UTC offset in minutes at `at`; memoized per zone and UTC hour. Offsets may change
 * at a half or quarter hour (Adelaide, St John's, Lord Howe): an hour whose two ends disagree is
 * not memoized but asked exactly.
 */
export function offsetMinutes(zone: string, at: number): number {
  const bucket = Math.floor(at / HOUR);
  let hours = offsets.get(zone);
  let offset = hours?.get(bucket);
  if (offset === undefined) {
    const start = zoneOffsetMinutes(zone, bucket * HOUR);
    offset = start === zoneOffsetMinutes(zone, bucket * HOUR + HOUR - 1) ? start : Number.NaN;
    if (memoized > 200_000) {
      offsets.clear();
      memoized = 0;
      hours = undefined;
    }
    if (!hours) {
      hours = new Map();
      offsets.set(zone, hours);
    }
    hours.set(bucket, offset);
    memoized++;
  }
  return Number.isNaN(offset) ? zoneOffsetMinutes(zone, at) : offset;
}

type LocalParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minuteOfDay: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** Days since 1970-01-01 of the local calendar date: differences are calendar-day counts. */
  dayNumber: number;
};

/** Wall-clock fields of `at` in `zone`, read from the shifted UTC time by arithmetic (no Date made). */
export function localParts(at: number, zone: string): LocalParts {
  const wall = at + offsetMinutes(zone, at) * MINUTE;
  // Outside a Date's range (or NaN), its fields are NaN: as a Date gives them.
  if (!(Math.abs(wall) <= MAX_TIME)) return datedParts(wall);
  // A Date drops a fraction of a millisecond toward zero (+ 0: no -0).
  const shifted = Math.trunc(wall) + 0;
  const dayNumber = Math.floor(shifted / DAY);
  const msOfDay = shifted - dayNumber * DAY;
  const { year, month, day } = civilDate(dayNumber);
  const hour = Math.floor(msOfDay / HOUR);
  return {
    year,
    month,
    day,
    hour,
    minuteOfDay: Math.floor(msOfDay / MINUTE),
    // 1970-01-01 was a Thursday.
    weekday: ((((dayNumber + 3) % 7) + 7) % 7) + 1,
    dayNumber,
  };
}

/** The largest time a Date holds (ms from the epoch, either way). */
const MAX_TIME = 8.64e15;

function datedParts(wall: number): LocalParts {
  const shifted = new Date(wall);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
    dayNumber: Math.floor(shifted.getTime() / DAY),
  };
}

/** The proleptic Gregorian date of a day number (days from 1970-01-01), as Date reads it (H. Hinnant's civil_from_days). */
function civilDate(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function localDate(at: number, zone: string): string {
  const { year, month, day } = localParts(at, zone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Local wall-clock time at `at`, as epoch ms of the same wall reading in UTC. */
function wallClock(at: number, zone: string): number {
  return at + offsetMinutes(zone, at) * MINUTE;
}

/** An instant is at most this far from its wall-clock reading (offsets span -12 h to +14 h). */
const MAX_OFFSET = 15 * HOUR;

/**
 * Every instant at which the local clock reads `wall` (a wall-clock time written as UTC ms), in
 * time order: one, two when the clock is set back over it, none in a spring-forward gap.
 */
function instantsOfWall(wall: number, zone: string): number[] {
  const before = offsetMinutes(zone, wall - MAX_OFFSET);
  const after = offsetMinutes(zone, wall + MAX_OFFSET);
  // The larger offset reads `wall` earlier.
  const offsets = before === after ? [before] : [Math.max(before, after), Math.min(before, after)];
  return offsets.map((offset) => wall - offset * MINUTE).filter((at) => wallClock(at, zone) === wall);
}

/**
 * The first instant whose local clock reads `wall` or later: where `wall` is skipped by a
 * spring-forward, the end of the gap. Within MAX_OFFSET of `wall` the clock only jumps forward
 * (transitions are months apart), so the wall clock is monotonic there and a bisection finds it.
 */
function firstInstantAtOrAfterWall(wall: number, zone: string): number {
  let low = wall - MAX_OFFSET; // reads earlier than `wall`
  let high = wall + MAX_OFFSET; // reads later than `wall`
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(middle, zone) >= wall) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The instants at which local day `dayNumber` shows `minuteOfDay` in `zone`: usually one, two
 * when the clock is set back over it; in a spring-forward gap, the first instant after the gap.
 */
function instantsOfLocal(dayNumber: number, minuteOfDay: number, zone: string): number[] {
  const wall = dayNumber * DAY + minuteOfDay * MINUTE;
  const found = instantsOfWall(wall, zone);
  return found.length > 0 ? found : [firstInstantAtOrAfterWall(wall, zone)];
}

/**
 * The instant at which the local calendar day `dayNumber` shows `minuteOfDay` in `zone`: the
 * first of two when the clock is set back over it, the end of the gap when it skips it.
 */
export function instantOfLocal(dayNumber: number, minuteOfDay: number, zone: string): number {
  return instantsOfLocal(dayNumber, minuteOfDay, zone)[0]!;
}

/**
 * The first instant at or after `at` when the local clock reads `minuteOfDay` (in a gap that
 * skips it, the first instant after the gap). A caller that needs to move on asks from a later
 * instant: the result is never earlier than `at`.
 */
export function nextLocalTime(at: number, zone: string, minuteOfDay: number): number {
  const offset = offsetMinutes(zone, at - MAX_OFFSET);
  if (offset === offsetMinutes(zone, at + 2 * DAY)) {
    // No transition near: plain arithmetic on the wall clock.
    const wallDay = Math.floor((at + offset * MINUTE) / DAY);
    const today = wallDay * DAY + minuteOfDay * MINUTE - offset * MINUTE;
    return today >= at ? today : today + DAY;
  }
  const { dayNumber } = localParts(at, zone);
  let next = Number.POSITIVE_INFINITY;
  // The day before counts too: a clock set back over midnight shows yesterday's times again.
  for (let day = dayNumber - 1; next === Number.POSITIVE_INFINITY; day++)
    for (const instant of instantsOfLocal(day, minuteOfDay, zone))
      if (instant >= at && instant < next) next = instant;
  return next;
}

/** Whether local time at `at` falls in [start, end), a window that may wrap midnight. */
export function inLocalWindow(at: number, zone: string, startMinute: number, endMinute: number): boolean {
  const { minuteOfDay } = localParts(at, zone);
  return startMinute <= endMinute
    ? minuteOfDay >= startMinute && minuteOfDay < endMinute
    : minuteOfDay >= startMinute || minuteOfDay < endMinute;
}

const dayNumbers = new Map<string, number>();

/** Day number of a YYYY-MM-DD date (NaN if it is none); memoized, as profile dates are read every sweep. */
export function dayNumberOfDate(date: string): number {
  let found = dayNumbers.get(date);
  if (found === undefined) {
    found = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
    if (dayNumbers.size >= 50_000) dayNumbers.clear();
    dayNumbers.set(date, found);
  }
  return found;
}

export function dateOfDayNumber(dayNumber: number): { year: number; month: number; day: number } {
  const date = new Date(dayNumber * DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Day number of month/day in `year`; 29 February falls on 28 February in other years. */
export function dayNumberInYear(year: number, month: number, day: number): number {
  const candidate = Date.UTC(year, month - 1, day);
  const valid = new Date(candidate).getUTCMonth() === month - 1;
  return Math.floor((valid ? candidate : Date.UTC(year, month - 1, day - 1)) / DAY);
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

import { IANAZone } from "luxon";

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const MINUTE = 60_000;

const zones = new Map<string, IANAZone>();
const offsets = new Map<string, number>();

/** The zone's UTC offset in minutes at `at`; memoized per zone and hour, since offsets change on hour boundaries. */
export function offsetMinutes(zone: string, at: number): number {
  const bucket = Math.floor(at / HOUR);
  const memoKey = `${zone}|${bucket}`;
  let offset = offsets.get(memoKey);
  if (offset === undefined) {
    let ianaZone = zones.get(zone);
    if (!ianaZone) {
      ianaZone = IANAZone.create(zone);
      zones.set(zone, ianaZone);
    }
    offset = ianaZone.offset(bucket * HOUR);
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(memoKey, offset);
  }
  return offset;
}

/** Wall-clock fields of `at` in `zone`, read from a shifted UTC date. */
export function localParts(at: number, zone: string) {
  const shifted = new Date(at + offsetMinutes(zone, at) * MINUTE);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    /** 1 = Monday … 7 = Sunday */
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
    /** Days since 1970-01-01 of the local calendar date: differences are calendar-day counts. */
    dayNumber: Math.floor(shifted.getTime() / DAY),
  };
}

export function localDate(at: number, zone: string): string {
  const { year, month, day } = localParts(at, zone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The instant at which the local calendar day `dayNumber` shows `minuteOfDay` in `zone`. */
export function instantOfLocal(dayNumber: number, minuteOfDay: number, zone: string): number {
  const wallAsUtc = dayNumber * DAY + minuteOfDay * MINUTE;
  let guess = wallAsUtc - offsetMinutes(zone, wallAsUtc) * MINUTE;
  guess = wallAsUtc - offsetMinutes(zone, guess) * MINUTE;
  return guess;
}

/** The first instant at or after `at` when the local clock reads `minuteOfDay`. */
export function nextLocalTime(at: number, zone: string, minuteOfDay: number): number {
  const { dayNumber } = localParts(at, zone);
  const today = instantOfLocal(dayNumber, minuteOfDay, zone);
  return today >= at ? today : instantOfLocal(dayNumber + 1, minuteOfDay, zone);
}

/** Whether local time at `at` falls in [start, end), a window that may wrap midnight. */
export function inLocalWindow(at: number, zone: string, startMinute: number, endMinute: number): boolean {
  const { minuteOfDay } = localParts(at, zone);
  return startMinute <= endMinute
    ? minuteOfDay >= startMinute && minuteOfDay < endMinute
    : minuteOfDay >= startMinute || minuteOfDay < endMinute;
}

/** Day number of a YYYY-MM-DD date. */
export function dayNumberOfDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
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

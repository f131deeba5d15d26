import type { Campaign, SendStep } from "../config/campaign.ts";
import { clockTimeToMinutes } from "../config/duration-values.ts";
import type { EngineSettings } from "../config/engine.ts";
import { inLocalWindow, localParts, nextLocalTime } from "../time/local-time.ts";

/** Local minutes of day [start, end); a span may wrap midnight. */
type Span = { start: number; end: number };

/** When a marketing message on this channel may go: inside `window` (if any), outside `quiet` (if any). */
export type SendHours = { window?: Span; quiet?: Span };

const HOUR_MINUTES = 60;
const DAY_MINUTES = 24 * HOUR_MINUTES;

/** The send window and quiet hours a marketing send of this step meets: the campaign's, else the engine's. */
export function sendHoursOf(campaign: Campaign, step: SendStep, settings: EngineSettings): SendHours {
  const overrides = campaign.policies;
  const hours: SendHours = {};
  const quiet = overrides.quietHours ?? settings.quietHours;
  if (quiet !== false && quiet.channels.includes(step.channel))
    hours.quiet = { start: clockTimeToMinutes(quiet.start), end: clockTimeToMinutes(quiet.end) };
  const own = overrides.sendWindows?.[step.channel];
  const window = own ?? settings.sendWindows[step.channel];
  if (window) hours.window = { start: clockTimeToMinutes(window.start), end: clockTimeToMinutes(window.end) };
  return hours;
}

function minuteAllowed(minute: number, hours: SendHours): boolean {
  return (!hours.window || inSpan(minute, hours.window)) && !(hours.quiet && inSpan(minute, hours.quiet));
}

function inSpan(minute: number, span: Span): boolean {
  return span.start <= span.end
    ? minute >= span.start && minute < span.end
    : minute >= span.start || minute < span.end;
}

/**
 * The first instant at or after `at` when a message may go: out of quiet hours, into the window. Each
 * move is to the next end of quiet hours or opening of the window, never earlier than `at`; a window
 * wholly inside quiet hours has no such instant, and then the window's opening is taken.
 */
export function nextSendableAt(at: number, zone: string, hours: SendHours): number {
  let next = at;
  for (let moves = 0; moves < 4; moves++) {
    if (hours.quiet && inLocalWindow(next, zone, hours.quiet.start, hours.quiet.end))
      next = nextLocalTime(next, zone, hours.quiet.end);
    else if (hours.window && !inLocalWindow(next, zone, hours.window.start, hours.window.end))
      next = nextLocalTime(next, zone, hours.window.start);
    else return next;
  }
  return next;
}

/**
 * The hour a "best" send goes at: the best hour itself when a message may go all through it, else
 * the nearest hour that may (the later one on a tie), so a best hour of 22 with a 09:00-20:00
 * window gives 19. Undefined when no whole hour is allowed.
 */
export function allowedHourNear(bestHour: number, hours: SendHours): number | undefined {
  for (let distance = 0; distance <= 12; distance++) {
    const later = (bestHour + distance) % 24;
    const earlier = (bestHour - distance + 24) % 24;
    if (wholeHourAllowed(later, hours)) return later;
    if (wholeHourAllowed(earlier, hours)) return earlier;
  }
  return undefined;
}

function wholeHourAllowed(hour: number, hours: SendHours): boolean {
  return (
    minuteAllowed(hour * HOUR_MINUTES, hours) && minuteAllowed(hour * HOUR_MINUTES + HOUR_MINUTES - 1, hours)
  );
}

/**
 * When a send step with "sendTime": "best", due at `dueAt`, goes: at the start of the best hour
 * (moved into the allowed hours) at or after `dueAt`, or at `dueAt` itself when that falls inside
 * the hour: within 24 h of `dueAt` (25 on the day the clock is set back). An unknown best hour is
 * the engine's `sendTime.defaultAt`.
 */
export function bestSendAt(
  dueAt: number,
  zone: string,
  hours: SendHours,
  bestHour: number | undefined,
  settings: EngineSettings,
): number {
  const start =
    bestHour === undefined
      ? clockTimeToMinutes(settings.sendTime.defaultAt)
      : (allowedHourNear(bestHour, hours) ?? bestHour) * HOUR_MINUTES;
  const sinceStart = (localParts(dueAt, zone).minuteOfDay - start + DAY_MINUTES) % DAY_MINUTES;
  const target = sinceStart < HOUR_MINUTES ? dueAt : nextLocalTime(dueAt, zone, start);
  return nextSendableAt(target, zone, hours);
}

import type { EngineSettings } from "../config/engine.ts";
import type { CustomerEvent } from "../events/envelope.ts";
import type { CustomerState } from "./customer-state.ts";
import { getOwn, mergedRecord, setOwn } from "./data-record.ts";
import { claimField, forgetField, type WriteStamp, writeStamp } from "./field-order.ts";

const PROFILE_FIELDS = [
  "email",
  "phone",
  "firstName",
  "lastName",
  "timezone",
  "locale",
  "birthday",
  "dates",
  "pushToken",
] as const;

type Status = "opted_in" | "opted_out";

/**
 * The part of an event that is ordered by event time: profile fields, consent and suppressions.
 * Applying it again, or late, or out of order, leaves each field with its latest writer's value, so
 * a replay may always apply it (see applied-events.ts).
 */
export function applyOrderedFields(
  state: CustomerState,
  event: CustomerEvent,
  settings: EngineSettings,
): void {
  const stamp = writeStamp(event.at, event.id);
  switch (event.type) {
    case "customer.signed_up":
    case "customer.updated": {
      const detail = event.detail as Record<string, unknown>;
      for (const field of PROFILE_FIELDS) {
        const value = detail[field];
        if (value === undefined) continue;
        if (claimField(state, `profile.${field}`, stamp))
          (state.profile as Record<string, unknown>)[field] =
            field === "dates" ? mergedRecord(undefined, value as Record<string, string>) : value;
      }
      const attributes = event.detail.attributes;
      if (attributes) {
        const changes: Record<string, unknown> = Object.create(null);
        for (const key of Object.keys(attributes))
          if (claimField(state, `attribute.${key}`, stamp)) setOwn(changes, key, attributes[key]);
        state.profile.attributes = mergedRecord(state.profile.attributes, changes);
        boundAttributes(state, settings);
      }
      if (event.type === "customer.signed_up")
        state.profile.signedUpAt = Math.min(state.profile.signedUpAt ?? event.at, event.at);
      // A newsletter box ticked at signup opts in; later, only unticking it counts.
      if (event.detail.newsletter === false) setTopic(state, stamp, "newsletter", "opted_out");
      if (event.detail.newsletter === true && event.type === "customer.signed_up")
        setTopic(state, stamp, "newsletter", "opted_in");
      if (event.detail.smsOptIn !== undefined)
        setConsent(state, stamp, "sms", event.detail.smsOptIn ? "opted_in" : "opted_out");
      return;
    }
    case "consent.updated": {
      const { channel, topic: name, status } = event.detail;
      if (name) setTopic(state, stamp, name, status);
      else setConsent(state, stamp, channel, status);
      return;
    }
    // Suppressions only grow: in any order they end the same.
    case "email.bounced":
      if (event.detail.bounceType === "permanent") suppressAddress(state, event.detail.address, settings);
      return;
    case "email.complained":
      suppressAddress(state, event.detail.address, settings);
      return;
    case "sms.opted_out":
      suppressAddress(state, event.detail.phone, settings);
      setConsent(state, stamp, "sms", "opted_out");
      return;
    default:
      return;
  }
}

// Functions of the module, not closures made per event: under tsx (keepNames) each closure made
// costs its naming, and this runs for every event.
function setConsent(
  state: CustomerState,
  stamp: WriteStamp,
  channel: "email" | "sms" | "push",
  status: Status,
): void {
  if (claimField(state, `consent.${channel}`, stamp)) state.consent[channel] = status;
}

function setTopic(state: CustomerState, stamp: WriteStamp, name: string, status: Status): void {
  if (claimField(state, `topic.${name}`, stamp)) setOwn(state.consent.topics, name, status);
}

/** The profile's own addresses are always kept; other suppressed addresses up to the setting, newest kept. */
function suppressAddress(state: CustomerState, address: string, settings: EngineSettings): void {
  const normalized = address.toLowerCase();
  const list = state.suppressedAddresses;
  if (!list.includes(normalized)) list.push(normalized);
  const own = new Set([state.profile.email?.toLowerCase(), state.profile.phone?.toLowerCase()]);
  let others = list.filter((entry) => !own.has(entry)).length;
  for (let i = 0; i < list.length && others > settings.retention.suppressedAddresses; )
    if (own.has(list[i])) i++;
    else {
      list.splice(i, 1);
      others--;
    }
}

/** At most `max` attribute keys and `maxBytes` of JSON: the least recently written go first. */
function boundAttributes(state: CustomerState, settings: EngineSettings): void {
  const attributes = state.profile.attributes;
  if (!attributes) return;
  const { max, maxBytes } = settings.retention.attributes;
  let keys = Object.keys(attributes);
  if (keys.length <= max && JSON.stringify(attributes).length <= maxBytes) return;
  const stamp = (key: string) => getOwn(state.fieldStamps, `attribute.${key}`) ?? 0;
  keys = keys.sort((a, b) => stamp(a) - stamp(b) || (a < b ? -1 : 1));
  let bytes = JSON.stringify(attributes).length;
  for (const key of keys) {
    if (Object.keys(attributes).length <= max && bytes <= maxBytes) break;
    bytes -= JSON.stringify({ [key]: attributes[key] }).length - 1;
    delete attributes[key];
    forgetField(state, `attribute.${key}`);
  }
}

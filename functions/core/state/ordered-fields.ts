import type { CustomerEvent } from "../events/envelope.ts";
import type { CustomerState } from "./customer-state.ts";
import { mergedRecord, setOwn } from "./data-record.ts";
import { claimField, writeStamp } from "./field-order.ts";

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
export function applyOrderedFields(state: CustomerState, event: CustomerEvent): void {
  const stamp = writeStamp(event.at, event.id);
  const write = (field: string, apply: () => void) => {
    if (claimField(state, field, stamp)) apply();
  };
  const consent = (channel: "email" | "sms" | "push", status: Status) =>
    write(`consent.${channel}`, () => {
      state.consent[channel] = status;
    });
  const topic = (name: string, status: Status) =>
    write(`topic.${name}`, () => setOwn(state.consent.topics, name, status));

  switch (event.type) {
    case "customer.signed_up":
    case "customer.updated": {
      const detail = event.detail as Record<string, unknown>;
      for (const field of PROFILE_FIELDS) {
        const value = detail[field];
        if (value === undefined) continue;
        write(`profile.${field}`, () => {
          (state.profile as Record<string, unknown>)[field] =
            field === "dates" ? mergedRecord(undefined, value as Record<string, string>) : value;
        });
      }
      const attributes = event.detail.attributes;
      if (attributes) {
        const changes: Record<string, unknown> = Object.create(null);
        for (const key of Object.keys(attributes))
          write(`attribute.${key}`, () => setOwn(changes, key, attributes[key]));
        state.profile.attributes = mergedRecord(state.profile.attributes, changes);
      }
      if (event.type === "customer.signed_up")
        state.profile.signedUpAt = Math.min(state.profile.signedUpAt ?? event.at, event.at);
      // A newsletter box ticked at signup opts in; later, only unticking it counts.
      if (event.detail.newsletter === false) topic("newsletter", "opted_out");
      if (event.detail.newsletter === true && event.type === "customer.signed_up")
        topic("newsletter", "opted_in");
      if (event.detail.smsOptIn !== undefined)
        consent("sms", event.detail.smsOptIn ? "opted_in" : "opted_out");
      return;
    }
    case "consent.updated": {
      const { channel, topic: name, status } = event.detail;
      if (name) topic(name, status);
      else consent(channel, status);
      return;
    }
    // Suppressions only grow: in any order they end the same.
    case "email.bounced":
      if (event.detail.bounceType === "permanent") suppressAddress(state, event.detail.address);
      return;
    case "email.complained":
      suppressAddress(state, event.detail.address);
      return;
    case "sms.opted_out":
      suppressAddress(state, event.detail.phone);
      consent("sms", "opted_out");
      return;
    default:
      return;
  }
}

function suppressAddress(state: CustomerState, address: string): void {
  const normalized = address.toLowerCase();
  if (!state.suppressedAddresses.includes(normalized)) state.suppressedAddresses.push(normalized);
}

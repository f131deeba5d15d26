import { maskAddress } from "../../mask.ts";

// The customer state is the stored item, with the plain profile in it: the page masks the profile's
// addresses and names and the suppressed addresses before they leave the process, and any email or
// E.164 phone found in any other text (an outbox entry, a reason).
const PROFILE_ADDRESSES = new Set(["email", "phone", "pushToken"]);
const PROFILE_NAMES = new Set(["firstName", "lastName"]);
const EMAIL_IN_TEXT = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
const PHONE = /^\+\d{7,15}$/;

function maskText(text: string): string {
  if (PHONE.test(text)) return maskAddress(text);
  return text.replace(EMAIL_IN_TEXT, (email) => maskAddress(email));
}

function maskProfile(profile: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(profile)) {
    if (typeof value === "string" && PROFILE_ADDRESSES.has(field)) masked[field] = maskAddress(value);
    else if (typeof value === "string" && PROFILE_NAMES.has(field))
      masked[field] = value ? `${value[0]}***` : value;
    else masked[field] = maskPersonalData(value);
  }
  return masked;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A copy of a JSON value with emails, phones, push tokens and names masked. */
export function maskPersonalData(value: unknown): unknown {
  if (typeof value === "string") return maskText(value);
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (!isRecord(value)) return value;
  const masked: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    const key = maskText(field);
    if (field === "profile" && isRecord(inner)) masked[key] = maskProfile(inner);
    else if (field === "suppressedAddresses" && Array.isArray(inner))
      masked[key] = inner.map((address) => (typeof address === "string" ? maskAddress(address) : address));
    else masked[key] = maskPersonalData(inner);
  }
  return masked;
}

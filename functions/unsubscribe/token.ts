import { createHmac, timingSafeEqual } from "node:crypto";
import type { Channel } from "../core/config/campaign.ts";
import { CHANNELS } from "../core/events/channels.ts";

/** What a one-click unsubscribe link says: who opts out of what, and until when the link works. */
export type UnsubscribeClaims = {
  customerId: string;
  channel: Channel;
  /** Opt out of this topic only (e.g. newsletter); without it, of the channel's marketing. */
  topic?: string;
  campaign: string;
  /** Epoch ms after which the link is refused. */
  expiresAt: number;
};

export type UnsubscribeSecret = string | Buffer;

export type VerifiedToken =
  | { ok: true; claims: UnsubscribeClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

// Binds the MAC to this use: a signature made with the same key for something else does not verify.
const CONTEXT = "engage-unsubscribe.v1.";
const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_CHARS = 2048;

/**
 * `<payload>.<mac>`, both base64url: the payload is the JSON array
 * [customerId, channel, topic | null, campaign, expiry in epoch seconds], the MAC an HMAC-SHA256 of it.
 * The payload is readable by whoever holds the link (the customer): it holds ids, not addresses.
 */
export function signUnsubscribeToken(claims: UnsubscribeClaims, secret: UnsubscribeSecret): string {
  const payload = Buffer.from(
    JSON.stringify([
      claims.customerId,
      claims.channel,
      claims.topic ?? null,
      claims.campaign,
      Math.floor(claims.expiresAt / 1000),
    ]),
  ).toString("base64url");
  return `${payload}.${mac(payload, secret).toString("base64url")}`;
}

/**
 * Checks the MAC (in constant time) before reading the payload, then the expiry. Several secrets are
 * accepted so a key can be rotated while links signed with the previous one are still in inboxes.
 */
export function verifyUnsubscribeToken(
  token: string,
  secrets: UnsubscribeSecret | readonly UnsubscribeSecret[],
  now: number,
): VerifiedToken {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 2) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  const given = strictBase64url(signature);
  if (!given || !strictBase64url(payload)) return { ok: false, reason: "malformed" };
  const keys = Array.isArray(secrets) ? secrets : [secrets as UnsubscribeSecret];
  if (!keys.some((key) => sameBytes(given, mac(payload, key)))) return { ok: false, reason: "bad_signature" };
  const claims = parseClaims(payload);
  if (!claims) return { ok: false, reason: "malformed" };
  if (claims.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

/** The link put in List-Unsubscribe and in the email footer. */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set("token", token);
  return url.toString();
}

function mac(payload: string, secret: UnsubscribeSecret): Buffer {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    throw new Error(`the unsubscribe secret must have at least ${MIN_SECRET_BYTES} bytes`);
  return createHmac("sha256", secret).update(CONTEXT).update(payload).digest();
}

/**
 * The bytes of a base64url text written the one way we write it: that alphabet only, no padding,
 * unused trailing bits zero. Node's decoder also takes "+/", "=", stray characters and any trailing
 * bits, which would give one signature many spellings; only the canonical one is accepted.
 */
function strictBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseClaims(payload: string): UnsubscribeClaims | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 5) return undefined;
  const [customerId, channel, topic, campaign, expirySeconds] = decoded as unknown[];
  if (
    typeof customerId !== "string" ||
    typeof channel !== "string" ||
    !(CHANNELS as readonly string[]).includes(channel) ||
    (topic !== null && typeof topic !== "string") ||
    typeof campaign !== "string" ||
    typeof expirySeconds !== "number"
  )
    return undefined;
  return {
    customerId,
    channel: channel as Channel,
    ...(topic === null ? {} : { topic }),
    campaign,
    expiresAt: expirySeconds * 1000,
  };
}

// Its own file so the feedback handler reads tags without the SES client and command of ses-sender.ts
// (a chunk loaded on first use in the bundles).
import type { MessageTag } from "@aws-sdk/client-sesv2";

const TAG_ALPHABET = /^[A-Za-z0-9_-]{1,256}$/;
export const CUSTOMER_TAG = "customer";
/** For ids outside the tag alphabet: the id's UTF-8 bytes in base64url, which is inside it. */
export const ENCODED_CUSTOMER_TAG = "customer64";

/**
 * The customer id as it is (`customer`) when SES allows it in a tag value, else base64url-encoded
 * (`customer64`), so that any id round-trips. No tag (the feedback handler then reports the event as
 * unattributed) for an id that is an email address or a phone number, which tags must never carry
 * (they travel to logs and other accounts), and for an id too long for a tag (over 192 bytes).
 */
export function customerTag(customerId: string): MessageTag | undefined {
  if (looksLikeAddress(customerId)) return undefined;
  if (TAG_ALPHABET.test(customerId)) return { Name: CUSTOMER_TAG, Value: customerId };
  const encoded = Buffer.from(customerId, "utf8").toString("base64url");
  return encoded.length > 0 && encoded.length <= 256
    ? { Name: ENCODED_CUSTOMER_TAG, Value: encoded }
    : undefined;
}

/** The customer id back from the tags of an SES event (`mail.tags`: name -> values). */
export function customerIdOfTags(
  tags: Readonly<Record<string, readonly string[] | undefined>>,
): string | undefined {
  const plain = tags[CUSTOMER_TAG]?.[0];
  if (plain !== undefined && TAG_ALPHABET.test(plain)) return plain;
  const encoded = tags[ENCODED_CUSTOMER_TAG]?.[0];
  if (encoded === undefined || !TAG_ALPHABET.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64url").toString("utf8");
  return decoded.length > 0 && customerTag(decoded)?.Value === encoded ? decoded : undefined;
}

function looksLikeAddress(customerId: string): boolean {
  return customerId.includes("@") || /^\+\d{7,15}$/.test(customerId.replace(/[\s().-]/g, ""));
}

import { gunzipSync, gzipSync } from "node:zlib";

/**
 * The state item's `state` attribute: the CustomerState JSON, gzipped into a binary attribute. JSON of
 * ids, stamps and repeated field names compresses about 4x, and DynamoDB bills a write by started KB of
 * the item, so each write costs a quarter. Items written before as a JSON string are still read.
 */
export function encodeStateJson(json: string): Uint8Array {
  return gzipSync(json);
}

/** The JSON of a stored `state` attribute (binary gzip, or a JSON string); undefined if it is neither. */
export function decodeStateAttribute(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!(value instanceof Uint8Array)) return undefined;
  try {
    return gunzipSync(value).toString("utf8");
  } catch {
    return undefined;
  }
}

import { deflateRawSync, gunzipSync, inflateRawSync } from "node:zlib";
import { STATE_DICTIONARY_V1 } from "./state-dictionary.ts";

/**
 * The state item's `state` attribute: the CustomerState JSON, compressed into a binary attribute,
 * because DynamoDB bills a write by started KB of the whole item. Its first byte says how:
 * - DEFLATE_V1: raw deflate with the preset dictionary STATE_DICTIONARY_V1 (what is written now):
 *   a state's field names, enum values and campaign ids then cost back-references even the first time,
 *   about a third smaller than gzip on the sample's states;
 * - 0x1f (gzip's magic number): items written before, still read.
 * Items written before as a JSON string are still read too.
 */
const DEFLATE_V1 = 0x01;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

const dictionaryV1 = Buffer.from(STATE_DICTIONARY_V1, "utf8");

export function encodeStateJson(json: string): Uint8Array {
  const deflated = deflateRawSync(json, { dictionary: dictionaryV1 });
  const encoded = new Uint8Array(1 + deflated.byteLength);
  encoded[0] = DEFLATE_V1;
  encoded.set(deflated, 1);
  return encoded;
}

/** The JSON of a stored `state` attribute (binary, or a JSON string); undefined if it is neither. */
export function decodeStateAttribute(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!(value instanceof Uint8Array)) return undefined;
  try {
    if (value[0] === DEFLATE_V1)
      return inflateRawSync(value.subarray(1), { dictionary: dictionaryV1 }).toString("utf8");
    if (value[0] === GZIP_MAGIC[0] && value[1] === GZIP_MAGIC[1]) return gunzipSync(value).toString("utf8");
    return undefined;
  } catch {
    return undefined;
  }
}

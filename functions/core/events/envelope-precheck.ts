import { EVENT_LIMITS } from "./limits.ts";

/** The id rule of IdSchema (item.ts). */
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;
/**
 * A subset of the times `z.iso.datetime({ offset: true })` accepts: days 01-28 exist in every month,
 * so no calendar check is needed. Any other time (the 29th to 31st too) goes to zod.
 */
const COMMON_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export type PlainEnvelope = {
  id?: string;
  source: string;
  "detail-type": string;
  time: string;
  detail: Record<string, unknown>;
};

/**
 * True only for input EnvelopeSchema accepts unchanged, checked without zod (its safeParse is most
 * of the cost of reading a line). False does not mean invalid: the caller asks zod, which also
 * words the error.
 */
export function isPlainEnvelope(input: unknown): input is PlainEnvelope {
  if (
    typeof input !== "object" ||
    input === null ||
    Array.isArray(input) ||
    Object.hasOwn(input, "__proto__")
  )
    return false;
  const envelope = input as Record<string, unknown>;
  const { detail, resources } = envelope;
  return (
    (envelope.id === undefined || isId(envelope.id)) &&
    isId(envelope.source) &&
    isId(envelope["detail-type"]) &&
    typeof envelope.time === "string" &&
    COMMON_TIME.test(envelope.time) &&
    optionalString(envelope.version) &&
    optionalString(envelope.account) &&
    optionalString(envelope.region) &&
    (resources === undefined ||
      (Array.isArray(resources) && resources.every((resource) => typeof resource === "string"))) &&
    typeof detail === "object" &&
    detail !== null &&
    Object.getPrototypeOf(detail) === Object.prototype &&
    // zod copies a record key by key: a "__proto__" key would not survive the copy as it is.
    !Object.hasOwn(detail, "__proto__")
  );
}

function isId(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= EVENT_LIMITS.idChars &&
    NO_CONTROL_CHARACTERS.test(value)
  );
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

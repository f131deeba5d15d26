// The EventBridge PutEvents contract as the real API enforces it: 1 to 10 entries and at most 256 KB
// per request (refused whole with a ValidationException), then per entry: Source, DetailType and
// Detail required (InvalidArgument), Detail a JSON object (MalformedDetail). The failed entries are
// named in the response, the others accepted. Entry size as AWS documents it: Time counts 14 bytes,
// then the UTF-8 bytes of Source, DetailType, Detail and each Resources item.

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export type PutEventsRequestEntry = {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Time?: unknown;
  Resources?: unknown;
  EventBusName?: unknown;
};

/** An EventBridge event as a rule's target receives it. */
export type BusEnvelope = {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
};

export class PutEventsRequestError extends Error {
  constructor(
    readonly type: "ValidationException" | "SerializationException",
    message: string,
  ) {
    super(message);
  }
}

export type EntryResult =
  | { envelope: BusEnvelope }
  | { errorCode: "InvalidArgument" | "MalformedDetail"; errorMessage: string };

export const LOCAL_ACCOUNT = "123456789012";
export const LOCAL_REGION = "us-east-1";

/** The request's entries, or a PutEventsRequestError when the real API would refuse the whole call. */
export function requestEntries(body: unknown): PutEventsRequestEntry[] {
  const entries = (body as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries))
    throw new PutEventsRequestError(
      "ValidationException",
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  if (entries.length < 1 || entries.length > MAX_ENTRIES)
    throw new PutEventsRequestError(
      "ValidationException",
      `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_ENTRIES}`}`,
    );
  const bytes = entries.reduce((sum: number, entry) => sum + entrySize(entry as PutEventsRequestEntry), 0);
  if (bytes > MAX_REQUEST_BYTES)
    throw new PutEventsRequestError(
      "ValidationException",
      "Total size of the entries in the request is over the limit.",
    );
  return entries as PutEventsRequestEntry[];
}

export function entrySize(entry: PutEventsRequestEntry): number {
  const utf8 = (value: unknown) => (typeof value === "string" ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time !== undefined ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + utf8(resource), 0)
  );
}

/** One entry checked as the API checks it; accepted, it is the envelope the rules' targets get. */
export function checkEntry(entry: PutEventsRequestEntry, id: string, now: number): EntryResult {
  const given = (value: unknown) => typeof value === "string" && value.length > 0;
  if (!given(entry.Source) || !given(entry.DetailType) || !given(entry.Detail))
    return {
      errorCode: "InvalidArgument",
      errorMessage: "Parameter(s) Source, DetailType, or Detail not specified.",
    };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return { errorCode: "MalformedDetail", errorMessage: "Detail is malformed." };
  }
  if (detail === null || typeof detail !== "object" || Array.isArray(detail))
    return { errorCode: "MalformedDetail", errorMessage: "Detail is malformed." };
  const time = entryTime(entry.Time, now);
  if (time === undefined)
    return { errorCode: "InvalidArgument", errorMessage: "Parameter Time is not valid." };
  return {
    envelope: {
      version: "0",
      id,
      "detail-type": entry.DetailType as string,
      source: entry.Source as string,
      account: LOCAL_ACCOUNT,
      time: new Date(Math.floor(time / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      region: LOCAL_REGION,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: detail as Record<string, unknown>,
    },
  };
}

/** The JSON protocol sends a timestamp as epoch seconds; an ISO string is taken too. No Time: now. */
function entryTime(time: unknown, now: number): number | undefined {
  if (time === undefined || time === null) return now;
  const ms =
    typeof time === "number" ? time * 1000 : typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

import { createHash } from "node:crypto";
import { describeIssues, type FieldProblem } from "../validation/describe-issue.ts";
import * as z from "../validation/zod.ts";
import {
  type CatalogEventType,
  type CustomerEventType,
  type DetailOf,
  detailSchemas,
  type EventType,
  isEventType,
} from "./details.ts";
import { isPlainEnvelope } from "./envelope-precheck.ts";
import { IdSchema } from "./item.ts";
import { EVENT_LIMITS } from "./limits.ts";

export const EnvelopeSchema = z.looseObject({
  version: z.optional(z.string()),
  // The event id is remembered in the customer's item (appliedEvents): the same bounds as any other key.
  id: z.optional(IdSchema),
  source: IdSchema,
  "detail-type": IdSchema,
  account: z.optional(z.string()),
  time: z.iso.datetime({ offset: true }),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof EnvelopeSchema>;

type EventOf<T extends EventType> = {
  id: string;
  type: T;
  /** When it happened, epoch ms: `detail.occurredAt` when given, else the envelope's `time`. */
  at: number;
  source: string;
  detail: DetailOf<T>;
};
export type EngineEvent = { [T in EventType]: EventOf<T> }[EventType];
export type CustomerEvent = { [T in CustomerEventType]: EventOf<T> }[CustomerEventType];
export type CatalogEvent = { [T in CatalogEventType]: EventOf<T> }[CatalogEventType];

export type { FieldProblem };
export type ParseOutcome =
  | { kind: "event"; event: EngineEvent }
  | { kind: "ignored"; id: string; detailType: string }
  | { kind: "rejected"; id: string | undefined; detailType: string | undefined; problems: FieldProblem[] };

/**
 * Parses one envelope as EventBridge delivers it. Never throws: an unknown detail-type is
 * `ignored`, a bad envelope or detail is `rejected` with every field at fault.
 * `fallbackId` names events that come without an id (JSON Lines from the local tools).
 */
export function parseEnvelope(input: unknown, fallbackId?: string | (() => string)): ParseOutcome {
  return parseWithin(input, fallbackId, undefined);
}

/** `sourceChars`: the length of the JSON text `input` was parsed from, when known. */
function parseWithin(
  input: unknown,
  fallbackId: string | (() => string) | undefined,
  sourceChars: number | undefined,
): ParseOutcome {
  const envelope = isPlainEnvelope(input)
    ? { success: true as const, data: input }
    : EnvelopeSchema.safeParse(input);
  const rawId = typeof input === "object" && input !== null ? (input as { id?: unknown }).id : undefined;
  const id =
    typeof rawId === "string" && rawId.length > 0
      ? rawId.slice(0, EVENT_LIMITS.idChars)
      : typeof fallbackId === "function"
        ? fallbackId()
        : fallbackId;
  if (!envelope.success) {
    const rawType = (input as { "detail-type"?: unknown } | null)?.["detail-type"];
    return {
      kind: "rejected",
      id,
      detailType: typeof rawType === "string" ? rawType.slice(0, EVENT_LIMITS.idChars) : undefined,
      problems: toProblems(envelope.error),
    };
  }
  const { "detail-type": detailType, detail, source, time } = envelope.data;
  const eventId = id ?? stableId(JSON.stringify(input));
  if (!isEventType(detailType)) return { kind: "ignored", id: eventId, detailType };
  const parsed = detailSchemas[detailType].safeParse(detail);
  if (!parsed.success) {
    return { kind: "rejected", id: eventId, detailType, problems: toProblems(parsed.error, "detail") };
  }
  // Every known field is bounded by the schema; unknown fields are kept, so the whole is bounded too.
  const detailBytes = withinDetailBytes(sourceChars) ? 0 : Buffer.byteLength(JSON.stringify(detail));
  if (detailBytes > EVENT_LIMITS.detailBytes)
    return {
      kind: "rejected",
      id: eventId,
      detailType,
      problems: [
        {
          path: "detail",
          expected: `at most ${EVENT_LIMITS.detailBytes} bytes of JSON, got ${detailBytes}`,
        },
      ],
    };
  const occurredAt = (parsed.data as { occurredAt?: string }).occurredAt;
  const at = Date.parse(occurredAt ?? time);
  return {
    kind: "event",
    event: { id: eventId, type: detailType, at, source, detail: parsed.data } as EngineEvent,
  };
}

/** Parses one line of a JSON Lines stream; a missing id becomes a stable hash of the line. */
export function parseJsonLine(line: string): ParseOutcome {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (error) {
    return {
      kind: "rejected",
      id: undefined,
      detailType: undefined,
      problems: [{ path: "(line)", expected: `valid JSON (${(error as Error).message})` }],
    };
  }
  return parseWithin(input, () => stableId(line), line.length);
}

/**
 * Whether JSON text this short cannot hold a detail over the limit: written again, a JSON text takes
 * at most 6 UTF-8 bytes per UTF-16 unit it was parsed from (an escaped lone surrogate; a number such
 * as 1e20 takes 5.25), so the usual line skips measuring its detail.
 */
function withinDetailBytes(sourceChars: number | undefined): boolean {
  return sourceChars !== undefined && sourceChars * 6 <= EVENT_LIMITS.detailBytes;
}

export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.path}: expected ${p.expected}`).join("; ");
}

function stableId(text: string): string {
  return `line-${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
}

function toProblems(error: z.core.$ZodError, prefix?: string): FieldProblem[] {
  return describeIssues(error, prefix ? [prefix] : []);
}

/**
 * Rebuilds the event of a line that `parseJsonLine` already accepted, without validating again:
 * for readers that validate a stream in one pass and replay it in time order in another.
 */
export function eventOfAcceptedLine(line: string): EngineEvent {
  const input = JSON.parse(line) as Envelope & { detail: { occurredAt?: string } };
  const id = typeof input.id === "string" && input.id.length > 0 ? input.id : stableId(line);
  return {
    id,
    type: input["detail-type"],
    at: Date.parse(input.detail.occurredAt ?? input.time),
    source: input.source,
    detail: input.detail,
  } as EngineEvent;
}

import { decide } from "../core/engine/decide.ts";
import type { EventType } from "../core/events/details.ts";
import { type CustomerEvent, describeProblems, parseEnvelope } from "../core/events/envelope.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { translateSesEvent } from "./feedback-ses.ts";
import { SES_SOURCE, SMS_VOICE_SOURCE } from "./feedback-sources.ts";

/** The core's feedback events; one of them arriving as such (not from SES) is run as it is. */
const CORE_FEEDBACK_TYPES: ReadonlySet<string> = new Set<EventType>([
  "email.bounced",
  "email.complained",
  "email.engaged",
  "sms.opted_out",
]);

/** What a feedback event did, without addresses (safe to log). */
export type FeedbackSummary = {
  type: string;
  bounceType?: string;
  kind?: string;
  likelyMachineOpen?: boolean;
  likelyMachineClick?: boolean;
};

export type FeedbackOutcome =
  | { outcome: "applied"; id: string; source: string; customerId: string; events: FeedbackSummary[] }
  | { outcome: "ignored"; id: string | undefined; detailType: string | undefined; reason: string }
  | { outcome: "unattributed"; id: string | undefined; detailType: string; messageId: string }
  | { outcome: "rejected"; id: string | undefined; detailType: string | undefined; problems: string };

/**
 * One event of the feedback rule (SES event publishing, or a core feedback event) as the core's
 * feedback events for one customer. Never throws for a bad event: retrying cannot mend it.
 * Why SMS opt-outs arrive unattributed: docs/architecture.md, "Feedback".
 */
export async function feedbackEvent(deps: RuntimeDeps, input: unknown): Promise<FeedbackOutcome> {
  const envelope = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const id = typeof envelope.id === "string" ? envelope.id : undefined;
  const detailType = typeof envelope["detail-type"] === "string" ? envelope["detail-type"] : undefined;
  const source = typeof envelope.source === "string" ? envelope.source : undefined;

  if (source === SES_SOURCE) return sesFeedback(deps, envelope, id, detailType ?? "");
  if (detailType !== undefined && CORE_FEEDBACK_TYPES.has(detailType)) {
    const parsed = parseEnvelope(input);
    if (parsed.kind !== "event")
      return {
        outcome: "rejected",
        id: parsed.id,
        detailType,
        problems: parsed.kind === "rejected" ? describeProblems(parsed.problems) : "unknown detail-type",
      };
    const event = parsed.event as CustomerEvent;
    await runForCustomer(deps, event.detail.customerId, event.id, (state) =>
      decide(deps.compiled, state, event),
    );
    return {
      outcome: "applied",
      id: event.id,
      source: event.source,
      customerId: event.detail.customerId,
      events: [summary(event)],
    };
  }
  if (source === SMS_VOICE_SOURCE)
    return {
      outcome: "ignored",
      id,
      detailType,
      reason:
        "End User Messaging SMS events name no customer; SMS opt-outs are enforced by the account's opt-out list",
    };
  return { outcome: "ignored", id, detailType, reason: "not a feedback event" };
}

async function sesFeedback(
  deps: RuntimeDeps,
  envelope: Record<string, unknown>,
  id: string | undefined,
  detailType: string,
): Promise<FeedbackOutcome> {
  const translated = translateSesEvent(envelope);
  if (translated.kind === "rejected")
    return { outcome: "rejected", id, detailType, problems: translated.problems };
  if (translated.kind === "ignored")
    return { outcome: "ignored", id, detailType, reason: `SES ${translated.sesType} events change nothing` };
  if (translated.kind === "unattributed")
    return { outcome: "unattributed", id, detailType, messageId: translated.messageId };

  const events: CustomerEvent[] = [];
  for (const coreEnvelope of translated.envelopes) {
    const parsed = parseEnvelope(coreEnvelope);
    if (parsed.kind !== "event")
      return {
        outcome: "rejected",
        id,
        detailType,
        problems: parsed.kind === "rejected" ? describeProblems(parsed.problems) : "unknown detail-type",
      };
    events.push(parsed.event as CustomerEvent);
  }
  await runForCustomer(deps, translated.customerId, translated.eventId, (state) =>
    events.flatMap((event) => decide(deps.compiled, state, event)),
  );
  return {
    outcome: "applied",
    id: translated.eventId,
    source: SES_SOURCE,
    customerId: translated.customerId,
    events: events.map(summary),
  };
}

function summary(event: CustomerEvent): FeedbackSummary {
  const detail = event.detail as {
    bounceType?: string;
    kind?: string;
    likelyMachineOpen?: boolean;
    likelyMachineClick?: boolean;
  };
  return {
    type: event.type,
    ...(detail.bounceType ? { bounceType: detail.bounceType } : {}),
    ...(detail.kind ? { kind: detail.kind } : {}),
    ...(detail.likelyMachineOpen !== undefined ? { likelyMachineOpen: detail.likelyMachineOpen } : {}),
    ...(detail.likelyMachineClick !== undefined ? { likelyMachineClick: detail.likelyMachineClick } : {}),
  };
}

import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { Decision } from "../core/engine/decisions.ts";
import { AUDIT_SOURCE, type AuditEventType } from "./audit-events.ts";
import { PermanentError, RetryableError, translateAwsError } from "./errors.ts";

export { AUDIT_EVENT_TYPES, AUDIT_SOURCE, type AuditEventType } from "./audit-events.ts";

const PUT_EVENTS_MAX = 10;
// Entry error codes that clear by themselves; any other (MalformedDetail, AccessDenied…) will not.
const TRANSIENT_ENTRY_ERRORS = new Set(["ThrottlingException", "InternalFailure", "InternalException"]);

export type AuditEvent = { type: AuditEventType; at: number; detail: Record<string, unknown> };

export type EventBridgePublisherOptions = {
  eventBusName: string;
  /** Rounds of PutEvents for failed entries (default 5). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
};

/**
 * Publishes what the engine did (messages sent or suppressed, journeys started and ended) to the bus
 * for analytics and other consumers. EventBridge has no client-side dedup, so each detail carries an
 * `auditId` that is the same on every retry; consumers dedupe on it.
 */
export class EventBridgeAuditPublisher {
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgePublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Publishes the audit events among these decisions; returns how many. */
  async publish(decisions: readonly Decision[]): Promise<number> {
    const entries = decisions.flatMap((decision) => {
      const event = auditEventOf(decision);
      return event ? [this.entry(event)] : [];
    });
    for (let i = 0; i < entries.length; i += PUT_EVENTS_MAX)
      await this.putAll(entries.slice(i, i + PUT_EVENTS_MAX));
    return entries.length;
  }

  private entry(event: AuditEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.eventBusName,
      Source: AUDIT_SOURCE,
      DetailType: event.type,
      Time: new Date(event.at),
      Detail: JSON.stringify(event.detail),
    };
  }

  private async putAll(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    const rejected: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.maxAttempts)
        throw new RetryableError(
          `EventBridge PutEvents: ${pending.length} entr(ies) still failing after ${this.maxAttempts} rounds`,
          "failed_entries",
        );
      if (attempt > 1) await this.sleep(Math.min(100 * 2 ** (attempt - 2), 2_000));
      let output: PutEventsCommandOutput;
      try {
        output = await this.client.send(new PutEventsCommand({ Entries: pending }));
      } catch (error) {
        throw translateAwsError(error, "EventBridge PutEvents");
      }
      if (!output.FailedEntryCount) break;
      // Result entries line up with the request's: a failed one has an ErrorCode.
      const retry: PutEventsRequestEntry[] = [];
      pending.forEach((entry, i) => {
        const code = output.Entries?.[i]?.ErrorCode;
        if (!code) return;
        if (TRANSIENT_ENTRY_ERRORS.has(code)) retry.push(entry);
        else rejected.push(`${entry.DetailType}: ${code}`);
      });
      pending = retry;
    }
    if (rejected.length > 0)
      throw new PermanentError(`EventBridge PutEvents rejected ${rejected.join(", ")}`, "rejected_entries");
  }
}

/**
 * The audit event of a decision, or undefined for decisions that are not audited (wake-ups, interest).
 * No personal data: the customer id, never the address, the subject or the body.
 */
export function auditEventOf(decision: Decision): AuditEvent | undefined {
  switch (decision.type) {
    case "message": {
      const { line } = decision;
      return {
        type: line.status === "sent" ? "message.sent" : "message.suppressed",
        at: Date.parse(line.at),
        detail: withoutUndefined({
          auditId: `${decision.journeyId}|${line.step}|${line.status}`,
          journeyId: decision.journeyId,
          campaign: line.campaign,
          step: line.step,
          customerId: line.customerId,
          channel: line.channel,
          status: line.status,
          reason: line.reason,
          template: line.template,
          marketing: decision.marketing,
          topic: decision.topic,
          productIds: line.productIds,
          deferredFrom: line.deferredFrom,
          sentAt: decision.sentAt === undefined ? undefined : new Date(decision.sentAt).toISOString(),
        }),
      };
    }
    case "journey":
      return {
        type: `journey.${decision.change}`,
        at: decision.at,
        detail: withoutUndefined({
          auditId: `${decision.journeyId}|${decision.change}`,
          journeyId: decision.journeyId,
          campaign: decision.campaign,
          customerId: decision.customerId,
          exitEvent: decision.exitEvent,
          conversion: decision.conversion,
          reason: decision.reason,
        }),
      };
    default:
      return undefined;
  }
}

function withoutUndefined(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined));
}

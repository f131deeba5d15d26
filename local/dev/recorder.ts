import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import { maskAddress } from "../mask.ts";
import type { BusEnvelope } from "./put-events.ts";
import type {
  DevCampaignCount,
  DevDeadLetter,
  DevEvent,
  DevJourney,
  DevMessage,
  DevQueue,
  DevSuppression,
} from "./view.ts";
import type { Execution } from "./workflows.ts";

/** An email as the SES stand-in took it: what the recipient sees. */
export type CapturedEmail = {
  messageId: string;
  to: string;
  subject?: string;
  html?: string;
  text?: string;
  tags: Record<string, string>;
  claimed?: boolean;
};

/** An SMS or push the SNS stand-in took. */
export type CapturedPublish = { messageId: string; to: string; text: string; claimed?: boolean };

type Sent = DevMessage & {
  journeyId?: string;
  line: MessageLine;
  rendered?: { contentType: string; body: string };
};

const iso = (at: number) => new Date(at).toISOString();

/**
 * What the runtime saw, kept in memory for the page and the summary: events at the bus, the
 * engine's audit events (sent and suppressed messages, journeys), mail and SMS the stand-ins took,
 * executions and dead letters. Addresses leave here masked, except in `messageLines` (the
 * `engage simulate` format, which carries them as simulate's output file does).
 */
export class Recorder {
  readonly events: DevEvent[] = [];
  readonly sent: Sent[] = [];
  readonly suppressed: (DevSuppression & { line: MessageLine })[] = [];
  readonly queues = new Map<string, DevDeadLetter[]>();
  readonly campaignOfJourney = new Map<string, string>();
  readonly counts = new Map<string, DevCampaignCount>();
  readonly executions = new Map<string, Execution>();
  private readonly emails: CapturedEmail[] = [];
  private readonly publishes: CapturedPublish[] = [];
  private readonly addresses = new Map<string, { email?: string; phone?: string }>();
  private readonly listeners = new Set<() => void>();
  private changeScheduled = false;

  constructor(queueNames: string[]) {
    for (const name of queueNames) this.queues.set(name, []);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  event(event: DevEvent, envelope?: BusEnvelope): void {
    this.events.push(event);
    const detail = envelope?.detail;
    if (event.customerId && detail) {
      const known = this.addresses.get(event.customerId) ?? {};
      if (typeof detail.email === "string") known.email = detail.email;
      if (typeof detail.phone === "string") known.phone = detail.phone;
      this.addresses.set(event.customerId, known);
    }
    this.changed();
  }

  /** A later reason for an event already listed (ingest rejected what PutEvents accepted). */
  rejected(id: string, reason: string): void {
    const event = this.events.findLast((e) => e.id === id);
    if (event) Object.assign(event, { status: "rejected", reason });
    this.changed();
  }

  email(captured: CapturedEmail): void {
    this.emails.push(captured);
  }

  publish(captured: CapturedPublish): void {
    this.publishes.push(captured);
  }

  /** One of the engine's own events (source `engage`), as it put it on the bus. */
  audit(type: string, at: number, detail: Record<string, unknown>): void {
    const campaign = String(detail.campaign ?? "");
    const journeyId = typeof detail.journeyId === "string" ? detail.journeyId : undefined;
    if (journeyId && campaign) this.campaignOfJourney.set(journeyId, campaign);
    const counts = this.countsOf(campaign);
    if (type === "message.sent") {
      counts.sent++;
      this.recordSent(at, detail);
    } else if (type === "message.suppressed") {
      counts.suppressed++;
      const customerId = String(detail.customerId ?? "");
      const channel = String(detail.channel ?? "");
      const known = this.addresses.get(customerId);
      const address = channel === "email" ? known?.email : known?.phone;
      this.suppressed.push({
        customerId,
        channel,
        address: address ? maskAddress(address) : "",
        reason: String(detail.reason ?? ""),
        at: iso(at),
        line: messageLine(at, detail, "suppressed"),
      });
    } else if (type === "journey.started") {
      counts.journeysStarted++;
    }
    this.changed();
  }

  execution(execution: Execution): void {
    this.executions.set(execution.name, execution);
    this.changed();
  }

  deadLetter(queue: string, letter: DevDeadLetter): void {
    this.queues.get(queue)?.push(letter);
    this.changed();
  }

  campaignCounts(): DevCampaignCount[] {
    const inFlight = new Map<string, number>();
    for (const execution of this.executions.values()) {
      if (execution.status !== "RUNNING") continue;
      const campaign = this.campaignOf(execution.input.instanceId);
      inFlight.set(campaign, (inFlight.get(campaign) ?? 0) + 1);
    }
    return [...this.counts.values()]
      .map((c) => ({ ...c, journeysInFlight: inFlight.get(c.campaignId) ?? 0 }))
      .sort((a, b) => a.campaignId.localeCompare(b.campaignId));
  }

  journeys(): DevJourney[] {
    return [...this.executions.values()]
      .filter((e) => e.status === "RUNNING")
      .map((e) => ({
        customerId: e.input.customerId,
        campaignId: this.campaignOf(e.input.instanceId),
        journeyId: e.input.instanceId,
        stepId: e.nextStep ?? "",
        ...(e.nextWake !== undefined ? { nextWakeAt: iso(e.nextWake) } : {}),
      }));
  }

  /** Every message decision in `engage simulate`'s format (addresses in clear, as its output file has). */
  messageLines(): MessageLine[] {
    return [...this.sent.map((m) => m.line), ...this.suppressed.map((s) => s.line)].sort((a, b) =>
      a.at.localeCompare(b.at),
    );
  }

  private recordSent(at: number, detail: Record<string, unknown>): void {
    const channel = String(detail.channel ?? "email") as DevMessage["channel"];
    const customerId = String(detail.customerId ?? "");
    const line = messageLine(at, detail, "sent");
    let id = `${detail.journeyId ?? customerId}|${detail.step}`;
    let rendered: Sent["rendered"];
    if (channel === "email") {
      // The audit event follows the send: the oldest unclaimed mail with the same tags is this one.
      const email = this.emails.find(
        (e) =>
          !e.claimed &&
          e.tags.campaign === detail.campaign &&
          e.tags.step === detail.step &&
          (e.tags.customer === undefined || e.tags.customer === customerId),
      );
      if (email) {
        email.claimed = true;
        id = email.messageId;
        line.to = email.to;
        if (email.subject !== undefined) line.subject = email.subject;
        rendered = email.html
          ? { contentType: "text/html; charset=utf-8", body: email.html }
          : { contentType: "text/plain; charset=utf-8", body: email.text ?? "" };
      }
    } else {
      const publish = this.publishes.find((p) => !p.claimed);
      if (publish) {
        publish.claimed = true;
        id = publish.messageId;
        line.to = publish.to;
        rendered = { contentType: "text/plain; charset=utf-8", body: publish.text };
      }
    }
    this.sent.push({
      id,
      // When it went (a send held by quiet hours goes hours after its decision, `at`).
      sentAt: typeof detail.sentAt === "string" ? detail.sentAt : iso(at),
      customerId,
      campaignId: String(detail.campaign ?? ""),
      stepId: String(detail.step ?? ""),
      journeyId: typeof detail.journeyId === "string" ? detail.journeyId : undefined,
      channel,
      to: maskAddress(line.to ?? ""),
      ...(line.subject !== undefined ? { subject: line.subject } : {}),
      line,
      ...(rendered ? { rendered } : {}),
    } as Sent);
  }

  /** Journey ids start with their campaign id (functions/core/engine/journeys.ts), also after a restart. */
  private campaignOf(journeyId: string): string {
    return this.campaignOfJourney.get(journeyId) ?? journeyId.split(":")[0] ?? "";
  }

  private countsOf(campaignId: string): DevCampaignCount {
    let counts = this.counts.get(campaignId);
    if (!counts) {
      counts = { campaignId, sent: 0, suppressed: 0, journeysStarted: 0, journeysInFlight: 0 };
      if (campaignId) this.counts.set(campaignId, counts);
    }
    return counts;
  }

  /** Listeners hear of a burst of changes once, after it. */
  private changed(): void {
    if (this.changeScheduled || this.listeners.size === 0) return;
    this.changeScheduled = true;
    setImmediate(() => {
      this.changeScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}

function messageLine(
  at: number,
  detail: Record<string, unknown>,
  status: "sent" | "suppressed",
): MessageLine {
  const line: Record<string, unknown> = {
    at: iso(at),
    campaign: detail.campaign,
    step: detail.step,
    customerId: detail.customerId,
    channel: detail.channel,
    status,
    reason: detail.reason,
    template: detail.template,
    productIds: detail.productIds,
    deferredFrom: detail.deferredFrom,
  };
  return Object.fromEntries(Object.entries(line).filter(([, v]) => v !== undefined)) as MessageLine;
}

export type QueueView = DevQueue;

import type {
  DevCampaignCount,
  DevCustomer,
  DevDeadLetter,
  DevEvent,
  DevJourney,
  DevMessage,
  DevQueue,
  DevSuppression,
  DevView,
} from "../../local/dev/view.ts";
import { maskAddress } from "../../local/mask.ts";

/** A PutEvents request entry, as the EventBridge SDK sends it. */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
const newestFirst = <T>(items: T[], limit: number) => items.slice(-limit).reverse();

/**
 * A DevView held in memory, for the page's tests. `sendEvent` stands in for PutEvents and ingest: an
 * entry without a customerId is rejected with a reason; a `customer.signed_up` sends a welcome
 * email and starts a journey. The stored state keeps the plain profile, as the engine's does.
 */
export class MemoryDevView implements DevView {
  readonly eventList: DevEvent[] = [];
  readonly journeyList: DevJourney[] = [];
  readonly messageList: DevMessage[] = [];
  readonly suppressionList: DevSuppression[] = [];
  readonly queues: DevQueue[] = [];
  readonly customers = new Map<string, DevCustomer>();
  private readonly bodies = new Map<string, { contentType: string; body: string }>();
  private readonly listeners = new Set<() => void>();
  private clock: number;

  constructor(start = "2026-03-02T09:00:00.000Z") {
    this.clock = Date.parse(start);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  now = () => new Date(this.clock).toISOString();
  events = (limit: number) => newestFirst(this.eventList, limit);
  journeys = (limit: number) => newestFirst(this.journeyList, limit);
  messages = (limit: number) => newestFirst(this.messageList, limit);
  suppressions = (limit: number) => newestFirst(this.suppressionList, limit);
  renderedMessage = (id: string) => this.bodies.get(id);
  customer = async (customerId: string) => this.customers.get(customerId);
  deadLetterQueues = () => this.queues;

  counts(): DevCampaignCount[] {
    const campaigns = new Set([...this.messageList, ...this.journeyList].map((item) => item.campaignId));
    return [...campaigns].sort().map((campaignId) => ({
      campaignId,
      sent: this.messageList.filter((message) => message.campaignId === campaignId).length,
      suppressed: 0,
      journeysStarted: this.journeyList.filter((journey) => journey.campaignId === campaignId).length,
      journeysInFlight: this.journeyList.filter((journey) => journey.campaignId === campaignId).length,
    }));
  }

  async redrive(queueName: string): Promise<number> {
    const queue = this.queues.find((candidate) => candidate.name === queueName);
    const count = queue?.messages.length ?? 0;
    if (queue) queue.messages = [];
    this.changed();
    return count;
  }

  onChange(listener: () => void): () => void {
    const own = () => listener();
    this.listeners.add(own);
    return () => this.listeners.delete(own);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  addDeadLetter(queueName: string, letter: DevDeadLetter): void {
    let queue = this.queues.find((candidate) => candidate.name === queueName);
    if (!queue) {
      queue = { name: queueName, messages: [] };
      this.queues.push(queue);
    }
    queue.messages.push(letter);
    this.changed();
  }

  sendEvent(entry: PutEventsEntry): DevEvent {
    this.clock += 1000;
    const detail = JSON.parse(entry.Detail) as Record<string, unknown>;
    const customerId = typeof detail.customerId === "string" ? detail.customerId : undefined;
    const event: DevEvent = {
      id: `evt-${this.eventList.length + 1}`,
      receivedAt: this.now(),
      detailType: entry.DetailType,
      source: entry.Source,
      status: customerId ? "accepted" : "rejected",
      ...(customerId ? { customerId } : { reason: "detail.customerId: expected a string" }),
    };
    this.eventList.push(event);
    if (customerId && entry.DetailType === "customer.signed_up") this.welcome(customerId, detail);
    this.changed();
    return event;
  }

  private welcome(customerId: string, detail: Record<string, unknown>): void {
    const email = String(detail.email ?? "");
    const firstName = String(detail.firstName ?? "there");
    const message: DevMessage = {
      id: `msg-${this.messageList.length + 1}`,
      sentAt: this.now(),
      customerId,
      campaignId: "welcome",
      stepId: "hello",
      channel: "email",
      to: maskAddress(email),
      subject: `Welcome, ${firstName}`,
    };
    const journey: DevJourney = {
      customerId,
      campaignId: "welcome",
      journeyId: `welcome|${customerId}`,
      stepId: "wait-2d",
      nextWakeAt: new Date(this.clock + 2 * 86_400_000).toISOString(),
    };
    this.messageList.push(message);
    this.journeyList.push(journey);
    this.bodies.set(message.id, {
      contentType: "text/html; charset=utf-8",
      body: `<!doctype html><html><body style="font-family:sans-serif"><h1>Welcome, ${escapeHtml(firstName)}</h1><p>Thanks for joining the shop.</p></body></html>`,
    });
    const consent = { email: "granted", topics: {} };
    this.customers.set(customerId, {
      customerId,
      state: { customerId, profile: { email, firstName }, consent, suppressedAddresses: [] },
      consent,
      journeys: [journey],
      messages: [message],
    });
  }
}

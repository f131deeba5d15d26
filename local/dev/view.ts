// What the `engage dev` page reads from the live runtime. The runtime implements it; the page's
// HTTP routes (local/dev/page/) only call it, so each side can be tested alone.

export interface DevEvent {
  /** EventBridge entry id given by the PutEvents endpoint. */
  id: string;
  receivedAt: string;
  detailType: string;
  source: string;
  customerId?: string;
  status: "accepted" | "rejected";
  /** Why ingest (or PutEvents) refused it: which field, what was expected. */
  reason?: string;
}

export interface DevJourney {
  customerId: string;
  campaignId: string;
  journeyId: string;
  stepId: string;
  /** ISO time of the next wake-up (runtime clock), if waiting. */
  nextWakeAt?: string;
}

export interface DevMessage {
  id: string;
  sentAt: string;
  customerId: string;
  campaignId: string;
  stepId: string;
  channel: "email" | "sms" | "push";
  /** Masked address: never the plain email or phone. */
  to: string;
  subject?: string;
}

export interface DevSuppression {
  customerId: string;
  channel: string;
  /** Masked address. */
  address: string;
  reason: string;
  at: string;
}

export interface DevCampaignCount {
  campaignId: string;
  sent: number;
  suppressed: number;
  journeysStarted: number;
  journeysInFlight: number;
}

export interface DevCustomer {
  customerId: string;
  /** The decoded state item, as the engine stores it. */
  state: unknown;
  consent: unknown;
  journeys: DevJourney[];
  messages: DevMessage[];
}

export interface DevDeadLetter {
  id: string;
  receivedAt: string;
  reason: string;
  body: string;
}

export interface DevQueue {
  name: string;
  messages: DevDeadLetter[];
}

export interface DevView {
  /** Runtime clock (it runs faster than the wall clock with --speed). */
  now(): string;
  events(limit: number): DevEvent[];
  journeys(limit: number): DevJourney[];
  messages(limit: number): DevMessage[];
  /** The message as the recipient sees it: the rendered HTML body for email, text otherwise. */
  renderedMessage(id: string): { contentType: string; body: string } | undefined;
  suppressions(limit: number): DevSuppression[];
  counts(): DevCampaignCount[];
  customer(customerId: string): Promise<DevCustomer | undefined>;
  deadLetterQueues(): DevQueue[];
  /** Sends the queue's messages back to their source; resolves to how many were redriven. */
  redrive(queueName: string): Promise<number>;
  /** Calls back on every change (event, message, journey step, dead letter); returns unsubscribe. */
  onChange(listener: () => void): () => void;
}

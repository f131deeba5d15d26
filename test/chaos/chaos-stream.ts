import { type Envelope, generateShopStream, mixSeed, Rng } from "../../examples/shop-stream.ts";
import { type EventType, isCatalogEventType } from "../../functions/core/events/details.ts";

/** One event of the stream, with what the harness needs to route it. */
export type StreamEvent = {
  id: string;
  /** Its own time (epoch ms). */
  at: number;
  /** The customer it is about; none for a catalog event or a line too broken to say. */
  customerId?: string;
  /** A price or stock change: to the fan-out, not to ingest. */
  catalog?: boolean;
  envelope: Envelope;
};

/**
 * The sample shop (examples/shop-stream.ts, seeded, with its invalid, unknown and duplicate lines)
 * for `customers` over `days` (about 36 events per customer over 60 days), plus the feedback the shop
 * stream lacks: hard bounces, complaints and SMS STOP replies for a few customers, so sends to
 * suppressed addresses can be counted.
 */
export function chaosStream(customers: number, days: number, seed = 42): StreamEvent[] {
  const envelopes = generateShopStream({ seed, customers, days });
  const rng = new Rng(mixSeed(seed, 0xc4a05));
  const first = Date.parse(envelopes[0]?.time ?? "2026-03-02T00:00:00Z");
  const span = days * 24 * 3_600_000;
  const feedback: Envelope[] = [];
  for (const envelope of envelopes) {
    if (envelope["detail-type"] !== "customer.signed_up") continue;
    const detail = envelope.detail as { customerId?: string; email?: string; phone?: string };
    if (!detail.customerId) continue;
    const time = new Date(first + Math.floor(rng.next() * span)).toISOString();
    const id = `fb-${feedback.length + 1}`;
    const base = { id, source: "engage.feedback", time };
    const roll = rng.next();
    if (detail.email && roll < 0.03)
      feedback.push({
        ...base,
        "detail-type": "email.bounced",
        detail: { customerId: detail.customerId, address: detail.email, bounceType: "permanent" },
      });
    else if (detail.email && roll < 0.04)
      feedback.push({
        ...base,
        "detail-type": "email.complained",
        detail: { customerId: detail.customerId, address: detail.email },
      });
    else if (detail.phone && roll < 0.06)
      feedback.push({
        ...base,
        "detail-type": "sms.opted_out",
        detail: { customerId: detail.customerId, phone: detail.phone },
      });
  }
  // A line whose time does not parse is delivered when the line before it is (the edge rejects it).
  let previous = first;
  const events = [...envelopes, ...feedback].map((envelope) => {
    const event = toStreamEvent(envelope, previous);
    previous = event.at;
    return event;
  });
  return events.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

function toStreamEvent(envelope: Envelope, previous: number): StreamEvent {
  const detail = envelope.detail as { customerId?: unknown } | undefined;
  const customerId = typeof detail?.customerId === "string" ? detail.customerId : undefined;
  const at = Date.parse(envelope.time);
  return {
    id: String(envelope.id),
    at: Number.isNaN(at) ? previous : at,
    ...(customerId !== undefined ? { customerId } : {}),
    ...(isCatalogEventType(envelope["detail-type"] as EventType) ? { catalog: true } : {}),
    envelope,
  };
}

import { customerIdOfTags } from "../adapters/ses-customer-tag.ts";
import { describeIssues } from "../core/validation/describe-issue.ts";
import * as z from "../core/validation/zod.ts";
import { SES_SOURCE } from "./feedback-sources.ts";

/**
 * An open this soon after the message left SES is taken for a machine's. Security gateways
 * (Mimecast, Proofpoint, Microsoft Defender…) fetch a message's images, and follow its links, as it
 * arrives, and Apple Mail Privacy Protection downloads them when the message reaches the device, before
 * anyone looks at it. A person needs longer than a few seconds to notice a new message and open it.
 * SES gives the open event the send time (`mail.timestamp`), not the delivery time; delivery comes
 * later, so "within 5 s of sending" is within 5 s of delivery too: the rule errs toward a human open.
 */
export const MACHINE_OPEN_WITHIN_MS = 5_000;

/**
 * Apple Mail Privacy Protection fetches through Apple's proxy with a bare "Mozilla/5.0" user agent, at
 * download time and whether or not the message is ever read: such an open says nothing about the
 * reader. Gmail's image proxy ("GoogleImageProxy") is deliberately not listed: Gmail fetches images
 * through it when the reader opens the message (then caches them), so its opens are mostly human;
 * flagging them would discard the opens of every Gmail reader. It is flagged only when fast (above).
 */
const MACHINE_USER_AGENTS: readonly RegExp[] = [/^Mozilla\/5\.0$/];

export function isLikelyMachineOpen(
  sentAt: number | undefined,
  openedAt: number,
  userAgent?: string,
): boolean {
  if (sentAt !== undefined && openedAt - sentAt >= 0 && openedAt - sentAt <= MACHINE_OPEN_WITHIN_MS)
    return true;
  const agent = userAgent?.trim();
  return agent !== undefined && MACHINE_USER_AGENTS.some((pattern) => pattern.test(agent));
}

const Timestamp = z.iso.datetime({ offset: true });
const NonEmpty = z.string().check(z.minLength(1));
const Recipient = z.looseObject({ emailAddress: NonEmpty });
const Recipients = z.array(Recipient).check(z.minLength(1));
const At = z.optional(Timestamp);
const Engagement = z.optional(z.looseObject({ timestamp: At, userAgent: z.optional(z.string()) }));

/** The parts of an SES event-publishing record (EventBridge `detail`) the engine reads. */
const SesEventSchema = z.looseObject({
  eventType: z.optional(NonEmpty),
  mail: z.looseObject({
    messageId: NonEmpty,
    timestamp: At,
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(z.looseObject({ bounceType: NonEmpty, bouncedRecipients: Recipients, timestamp: At })),
  complaint: z.optional(z.looseObject({ complainedRecipients: Recipients, timestamp: At })),
  delivery: z.optional(z.looseObject({ timestamp: At })),
  open: Engagement,
  click: Engagement,
});

/** SES's EventBridge detail-types, for a record that lacks `eventType`. */
const EVENT_TYPE_OF_DETAIL_TYPE: Record<string, string> = {
  "Email Bounced": "Bounce",
  "Email Complaint Received": "Complaint",
  "Email Delivered": "Delivery",
  "Email Opened": "Open",
  "Email Clicked": "Click",
  "Email Rejected": "Reject",
  "Email Sent": "Send",
  "Email Delivery Delayed": "DeliveryDelay",
  "Email Rendering Failed": "Rendering Failure",
  "Email Subscribed": "Subscription",
};

/** A core feedback event, as an envelope for parseEnvelope (which validates it against the core's schema). */
export type FeedbackEnvelope = {
  id: string;
  source: string;
  "detail-type": "email.bounced" | "email.complained" | "email.engaged";
  time: string;
  detail: Record<string, unknown>;
};

export type SesTranslation =
  | { kind: "events"; sesType: string; customerId: string; eventId: string; envelopes: FeedbackEnvelope[] }
  | { kind: "ignored"; sesType: string; messageId: string }
  | { kind: "unattributed"; sesType: string; messageId: string }
  | { kind: "rejected"; problems: string };

/**
 * One SES event as the core's feedback events for the customer of its `customer` tag (the mapping:
 * docs/architecture.md, "Feedback"). Opens and clicks repeat, so their event id adds the event's time.
 */
export function translateSesEvent(envelope: {
  "detail-type"?: unknown;
  time?: unknown;
  detail?: unknown;
}): SesTranslation {
  const parsed = SesEventSchema.safeParse(envelope.detail);
  if (!parsed.success)
    return {
      kind: "rejected",
      problems: describeIssues(parsed.error, ["detail"])
        .map((p) => `${p.path}: expected ${p.expected}`)
        .join("; "),
    };
  const record = parsed.data;
  const detailType = typeof envelope["detail-type"] === "string" ? envelope["detail-type"] : "";
  const sesType = record.eventType ?? EVENT_TYPE_OF_DETAIL_TYPE[detailType] ?? "unknown";
  const { messageId } = record.mail;
  const envelopeTime = typeof envelope.time === "string" ? envelope.time : undefined;
  const sentAt = record.mail.timestamp ? Date.parse(record.mail.timestamp) : undefined;

  type Made = { type: FeedbackEnvelope["detail-type"]; detail: Record<string, unknown>; at?: string };
  let made: Made[];
  let eventId = `ses:${messageId}:${sesType}`;
  const campaign = record.mail.tags?.campaign?.[0];
  switch (sesType) {
    case "Bounce": {
      if (!record.bounce) return { kind: "rejected", problems: "detail.bounce: expected an object" };
      const bounceType = record.bounce.bounceType === "Permanent" ? "permanent" : "transient";
      made = record.bounce.bouncedRecipients.map((recipient) => ({
        type: "email.bounced",
        detail: { address: plainAddress(recipient.emailAddress), bounceType },
        at: record.bounce?.timestamp,
      }));
      break;
    }
    case "Complaint":
      if (!record.complaint) return { kind: "rejected", problems: "detail.complaint: expected an object" };
      made = record.complaint.complainedRecipients.map((recipient) => ({
        type: "email.complained",
        detail: { address: plainAddress(recipient.emailAddress) },
        at: record.complaint?.timestamp,
      }));
      break;
    case "Delivery":
      made = [{ type: "email.engaged", detail: { kind: "delivered" }, at: record.delivery?.timestamp }];
      break;
    case "Open": {
      const at = record.open?.timestamp ?? envelopeTime;
      const openedAt = at ? Date.parse(at) : Number.NaN;
      const machine =
        !Number.isNaN(openedAt) && isLikelyMachineOpen(sentAt, openedAt, record.open?.userAgent);
      made = [{ type: "email.engaged", detail: { kind: "opened", likelyMachineOpen: machine }, at }];
      eventId += `:${at ?? ""}`;
      break;
    }
    case "Click": {
      // Gateways follow links as the message arrives, like they fetch images: the same rule.
      const at = record.click?.timestamp ?? envelopeTime;
      const clickedAt = at ? Date.parse(at) : Number.NaN;
      const machine =
        !Number.isNaN(clickedAt) && isLikelyMachineOpen(sentAt, clickedAt, record.click?.userAgent);
      made = [
        {
          type: "email.engaged",
          detail: { kind: "clicked", likelyMachineClick: machine },
          at: record.click?.timestamp,
        },
      ];
      eventId += `:${record.click?.timestamp ?? envelopeTime ?? ""}`;
      break;
    }
    default:
      return { kind: "ignored", sesType, messageId };
  }

  const customerId = customerIdOfTags(record.mail.tags ?? {});
  if (customerId === undefined) return { kind: "unattributed", sesType, messageId };
  const envelopes = made.map(
    (event, index): FeedbackEnvelope => ({
      id: made.length > 1 ? `${eventId}:${index}` : eventId,
      source: SES_SOURCE,
      "detail-type": event.type,
      time: event.at ?? envelopeTime ?? record.mail.timestamp ?? new Date(0).toISOString(),
      detail: {
        customerId,
        ...event.detail,
        ...(event.type === "email.engaged" && campaign ? { campaign } : {}),
      },
    }),
  );
  return { kind: "events", sesType, customerId, eventId, envelopes };
}

/** SES reports the DSN's Final-Recipient, normally a bare address; take the address out of "Name <a@b>". */
function plainAddress(value: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  return (angle?.[1] ?? value).trim();
}

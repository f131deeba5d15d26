import type { Channel } from "../config/campaign.ts";
import type { SuppressionReason } from "../policies/judge-send.ts";
import type { StopReason } from "./live-edits.ts";

/** One line of `engage simulate`'s output: a message sent, or suppressed with its reason. */
export type MessageLine = {
  at: string;
  campaign: string;
  step: string;
  customerId: string;
  channel: Channel;
  status: "sent" | "suppressed";
  reason?: SuppressionReason;
  template: string;
  to?: string;
  subject?: string;
  productIds?: string[];
  deferredFrom?: string;
};

export type MessageDecision = {
  type: "message";
  journeyId: string;
  marketing: boolean;
  line: MessageLine;
  /** Rendered body, when the engine was compiled with `renderBodies`. */
  body?: string;
  /** The opt-out topic of the message, if any (for unsubscribe links). */
  topic?: string;
  /**
   * When its provider accepted it: set by the run that sent it, which may be hours after the decision
   * (`line.at`, the time the frequency cap counts) for a send held by quiet hours or retried.
   */
  sentAt?: number;
};

export type JourneyDecision = {
  type: "journey";
  change: "started" | "exited" | "completed" | "failed" | "stopped";
  campaign: string;
  journeyId: string;
  customerId: string;
  at: number;
  /** For exits: the event type that ended the journey, and whether it counts as a conversion. */
  exitEvent?: string;
  conversion?: boolean;
  /** For stops: why the journey ended before its steps did (a live edit of its campaign). */
  reason?: StopReason;
};

/**
 * The journey needs to be advanced at `at` (a timer, or a Step Functions wait). With `generation`:
 * its running workflow sleeps past `at`, so a new one (that generation) must be started.
 */
export type WakeDecision = {
  type: "wake";
  journeyId: string;
  customerId: string;
  at: number;
  generation?: number;
};

/** The customer is (newly or still) interested in these products: the fan-out index should know. */
export type InterestDecision = {
  type: "interest";
  customerId: string;
  productIds: string[];
  /** A view is interest for a while only: after this, the index may forget it (unless renewed). */
  until?: number;
};

export type Decision = MessageDecision | JourneyDecision | WakeDecision | InterestDecision;

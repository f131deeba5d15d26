import type { MessageLine } from "../../functions/core/engine/decisions.ts";

type Step = {
  at: string;
  step: string;
  /** Email unless given. */
  channel?: MessageLine["channel"];
  template: string;
  productIds?: string[];
};

/** Leaves out the fields not given, as a message line does. */
const given = (line: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(line).filter(([, value]) => value !== undefined)) as MessageLine;

/**
 * The message lines a campaign is expected to write for one customer (c1 unless given), campaign and
 * customer filled in: `sent` (an email goes to `<customerId>@example.com`, the address `customer()` gives,
 * unless `to` says otherwise) and `suppressed`, with its reason.
 */
export function expectedLines(campaign: string, customerId = "c1") {
  return {
    sent: ({
      at,
      step,
      channel = "email",
      template,
      to = channel === "email" ? `${customerId}@example.com` : undefined,
      subject,
      productIds,
    }: Step & { to?: string; subject?: string }) =>
      given({ at, campaign, step, customerId, channel, status: "sent", template, to, subject, productIds }),
    suppressed: ({
      at,
      step,
      channel = "email",
      reason,
      template,
      productIds,
    }: Step & { reason: NonNullable<MessageLine["reason"]> }) =>
      given({ at, campaign, step, customerId, channel, status: "suppressed", reason, template, productIds }),
  };
}

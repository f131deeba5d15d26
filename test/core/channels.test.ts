import { describe, expect, it } from "vitest";
import { CampaignSchema } from "../../functions/core/config/campaign.ts";
import { QuietHoursSchema } from "../../functions/core/config/policies.ts";
import { CHANNELS } from "../../functions/core/events/channels.ts";
import { detailSchemas } from "../../functions/core/events/details.ts";
import { OutboxEntrySchema } from "../../functions/core/state/customer-state.ts";
import { effectKinds } from "../../functions/runtime/effect-ports.ts";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../../functions/unsubscribe/token.ts";
import { FUNCTION_EFFECTS } from "../../functions/wiring.ts";

const SECRET = "s".repeat(64);
const NOT_A_CHANNEL = "whatsapp";

/** Every place a channel is written down, asked whether it takes this one. */
function takes(channel: string) {
  const token = signUnsubscribeToken(
    { customerId: "c1", channel: channel as (typeof CHANNELS)[number], campaign: "welcome", expiresAt: 2e12 },
    SECRET,
  );
  return {
    sendStep: CampaignSchema.safeParse({
      id: "note",
      name: "Note",
      kind: "marketing",
      triggers: [{ type: "event", event: "app.opened" }],
      steps: [{ id: "send", type: "send", channel, template: "note" }],
      templates: { note: { subject: "Hi", body: "Hi" } },
    }).success,
    outbox: OutboxEntrySchema.safeParse({
      kind: "message",
      id: "m1",
      journeyId: "j1",
      campaign: "note",
      step: "send",
      template: "note",
      channel,
      to: "c1@example.com",
      body: "Hi",
      marketing: true,
      claimedAt: 0,
    }).success,
    consent: detailSchemas["consent.updated"].safeParse({ customerId: "c1", channel, status: "opted_out" })
      .success,
    quietHours: QuietHoursSchema.safeParse({ start: "21:00", end: "08:00", channels: [channel] }).success,
    unsubscribeToken: verifyUnsubscribeToken(token, SECRET, 0).ok,
    effectKind: (effectKinds as readonly string[]).includes(channel),
    journeyStepSends: (FUNCTION_EFFECTS.journeyStep as readonly string[]).includes(channel),
  };
}

describe("channels: one list (core/events/channels.ts)", () => {
  it("every channel is taken by send steps, the outbox, consent, quiet hours, unsubscribe links and the runtime", () => {
    for (const channel of CHANNELS) {
      expect(
        Object.values(takes(channel)).every(Boolean),
        `${channel}: ${JSON.stringify(takes(channel))}`,
      ).toBe(true);
    }
  });

  it("nothing else is taken anywhere", () => {
    expect(takes(NOT_A_CHANNEL)).toEqual({
      sendStep: false,
      outbox: false,
      consent: false,
      quietHours: false,
      unsubscribeToken: false,
      effectKind: false,
      journeyStepSends: false,
    });
  });
});

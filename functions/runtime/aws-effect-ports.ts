import type { DynamoDbInterestIndex } from "../adapters/dynamodb-interest-index.ts";
import { RetryableError } from "../adapters/errors.ts";
import type { SesEmailSender } from "../adapters/ses-sender.ts";
import type { SnsSender } from "../adapters/sns-sender.ts";
import type { StepFunctionsJourneyStarter } from "../adapters/stepfunctions-starter.ts";
import { UNSUBSCRIBE_URL_PLACEHOLDER } from "../core/engine/journeys.ts";
import { signUnsubscribeToken, unsubscribeUrl } from "../unsubscribe/token.ts";
import type { MessageEntry } from "./claim-effects.ts";
import { type EffectKind, type EffectPorts, effectKind, effectKinds } from "./effect-ports.ts";

const LINK_LIFETIME_MS = 365 * 24 * 3_600_000;

export type AwsEffectPortsInput = {
  email?: SesEmailSender;
  sns?: SnsSender;
  journeys?: StepFunctionsJourneyStarter;
  interest?: DynamoDbInterestIndex;
  unsubscribe?: { baseUrl: string; secret: () => Promise<string> };
  /** The kinds this function's role is granted (default all): a configured port of another kind is not used. */
  effects?: readonly EffectKind[];
  now: () => number;
};

/** The effect ports on AWS: SES for email, SNS for SMS and push, Step Functions, the interest index. */
export function awsEffectPorts(input: AwsEffectPortsInput): EffectPorts {
  const granted = new Set<EffectKind>(input.effects ?? effectKinds);
  const configured: Record<EffectKind, boolean> = {
    email: input.email !== undefined,
    sms: input.sns !== undefined,
    push: input.sns !== undefined,
    start: input.journeys !== undefined,
    interest: input.interest !== undefined,
  };
  const { journeys } = input;
  return {
    ...(journeys && granted.has("start")
      ? { stopJourney: (_customerId, journeyId, generation) => journeys.stop({ journeyId, generation }) }
      : {}),
    canPerform(entry) {
      const kind = effectKind(entry);
      if (!granted.has(kind) || !configured[kind]) return false;
      // A marketing email needs its signed one-click link.
      return !(entry.kind === "message" && kind === "email" && entry.marketing && !input.unsubscribe);
    },
    async deliver(customerId, message, signal) {
      if (message.channel === "email") return deliverEmail(input, customerId, message, signal);
      const sns = need(input.sns, "SNS");
      if (message.channel === "sms") {
        await sns.sendSms(
          {
            phoneNumber: message.to,
            text: message.body,
            marketing: message.marketing,
            campaign: message.campaign,
            step: message.step,
          },
          signal,
        );
      } else {
        await sns.sendPush(
          {
            endpointArn: message.to,
            body: message.body,
            campaign: message.campaign,
            step: message.step,
            ...(message.subject ? { title: message.subject } : {}),
          },
          signal,
        );
      }
    },
    async startJourney(customerId, { journeyId, generation, wakeAt, step }) {
      await need(input.journeys, "the journey state machine").start({
        customerId,
        journeyId,
        ...(generation !== undefined ? { generation } : {}),
        wakeAt,
        ...(step !== undefined ? { step } : {}),
      });
    },
    async recordInterest(customerId, productIds, now) {
      await need(input.interest, "the interest index").record(customerId, productIds, now);
    },
  };
}

async function deliverEmail(
  input: AwsEffectPortsInput,
  customerId: string,
  message: MessageEntry,
  signal: AbortSignal | undefined,
): Promise<void> {
  const email = need(input.email, "SES");
  const common = {
    to: message.to,
    subject: message.subject ?? "",
    campaign: message.campaign,
    step: message.step,
    customerId,
  };
  if (!message.marketing) {
    await email.send(
      {
        ...common,
        html: message.body.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, ""),
        marketing: false,
      },
      signal,
    );
    return;
  }
  const unsubscribe = need(input.unsubscribe, "the unsubscribe link settings");
  const token = signUnsubscribeToken(
    {
      customerId,
      channel: "email",
      campaign: message.campaign,
      expiresAt: input.now() + LINK_LIFETIME_MS,
      ...(message.topic ? { topic: message.topic } : {}),
    },
    await unsubscribe.secret(),
  );
  const link = unsubscribeUrl(unsubscribe.baseUrl, token);
  await email.send(
    {
      ...common,
      html: message.body.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, link),
      marketing: true,
      unsubscribeUrl: link,
    },
    signal,
  );
}

/** A gap of this function's configuration is never final for the effect: it stays for a function that has it. */
function need<T>(port: T | undefined, what: string): T {
  if (port === undefined)
    throw new RetryableError(`this function is not configured for ${what}`, "not_configured");
  return port;
}

import {
  type MessageHeader,
  type MessageTag,
  type SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from "@aws-sdk/client-sesv2";
import { PermanentError, translateAwsError } from "./errors.ts";
import { customerTag } from "./ses-customer-tag.ts";

export type EmailMessage = {
  to: string;
  subject: string;
  html: string;
  text?: string;
  campaign: string;
  step: string;
  customerId: string;
} & (
  | {
      marketing: true;
      /** The signed one-click link (https), required by RFC 8058. */
      unsubscribeUrl: string;
    }
  | { marketing: false; unsubscribeUrl?: undefined }
);

export type SesSenderOptions = {
  from: string;
  configurationSetName: string;
  replyTo?: string[];
};

const SES_RULES = {
  permanent: [
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "AccountSuspendedException",
    "NotFoundException",
    "BadRequestException",
  ],
  // Paused sending is lifted by a person, not by time: keep the message for a later redrive.
  retryable: ["SendingPausedException"],
};

/** Sends one email through SES v2 with the engine's configuration set (its events feed back). */
export class SesEmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesSenderOptions,
  ) {}

  /** `signal` aborts the call (the runner's lease is lapsing). */
  async send(message: EmailMessage, signal?: AbortSignal): Promise<{ messageId: string }> {
    try {
      const output = await this.client.send(
        new SendEmailCommand(this.commandInput(message)),
        signal ? { abortSignal: signal } : {},
      );
      return { messageId: output.MessageId ?? "" };
    } catch (error) {
      throw translateAwsError(error, `SES SendEmail (${message.campaign}/${message.step})`, SES_RULES);
    }
  }

  private commandInput(message: EmailMessage): SendEmailCommandInput {
    const charset = "UTF-8";
    return {
      FromEmailAddress: this.options.from,
      ReplyToAddresses: this.options.replyTo,
      Destination: { ToAddresses: [message.to] },
      ConfigurationSetName: this.options.configurationSetName,
      EmailTags: emailTags(message),
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: charset },
          Body: {
            Html: { Data: message.html, Charset: charset },
            ...(message.text === undefined ? {} : { Text: { Data: message.text, Charset: charset } }),
          },
          ...(message.marketing ? { Headers: oneClickUnsubscribeHeaders(message.unsubscribeUrl) } : {}),
        },
      },
    };
  }
}

/** RFC 8058: the POST to the link unsubscribes; the link itself identifies the customer. */
export function oneClickUnsubscribeHeaders(unsubscribeUrl: string): MessageHeader[] {
  if (!unsubscribeUrl.startsWith("https://"))
    throw new PermanentError(
      "a one-click unsubscribe link must be https (RFC 8058)",
      "invalid_unsubscribe_url",
    );
  return [
    { Name: "List-Unsubscribe", Value: `<${unsubscribeUrl}>` },
    { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
  ];
}

/**
 * Tags come back on every SES event (delivery, open, bounce…): they say which campaign and step, and
 * which customer, so the feedback handler can find the customer's state. The customer tag is the
 * engine's own opaque customer id (never an address): a hash would not lead back to the customer.
 */
export function emailTags(message: Pick<EmailMessage, "campaign" | "step" | "customerId">): MessageTag[] {
  const customer = customerTag(message.customerId);
  return [
    { Name: "campaign", Value: tagValue(message.campaign) },
    { Name: "step", Value: tagValue(message.step) },
    ...(customer ? [customer] : []),
  ];
}

/** Tag values allow only [A-Za-z0-9_-], at most 256 characters. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256) || "_";
}

import {
  type MessageHeader,
  type MessageTag,
  type SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from "@aws-sdk/client-sesv2";
import { PermanentError, translateAwsError } from "./errors.ts";

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

const TAG_ALPHABET = /^[A-Za-z0-9_-]{1,256}$/;
export const CUSTOMER_TAG = "customer";
/** For ids outside the tag alphabet: the id's UTF-8 bytes in base64url, which is inside it. */
export const ENCODED_CUSTOMER_TAG = "customer64";

/**
 * The customer id as it is (`customer`) when SES allows it in a tag value, else base64url-encoded
 * (`customer64`), so that any id round-trips. No tag (the feedback handler then reports the event as
 * unattributed) for an id that is an email address or a phone number, which tags must never carry
 * (they travel to logs and other accounts), and for an id too long for a tag (over 192 bytes).
 */
export function customerTag(customerId: string): MessageTag | undefined {
  if (looksLikeAddress(customerId)) return undefined;
  if (TAG_ALPHABET.test(customerId)) return { Name: CUSTOMER_TAG, Value: customerId };
  const encoded = Buffer.from(customerId, "utf8").toString("base64url");
  return encoded.length > 0 && encoded.length <= 256
    ? { Name: ENCODED_CUSTOMER_TAG, Value: encoded }
    : undefined;
}

/** The customer id back from the tags of an SES event (`mail.tags`: name -> values). */
export function customerIdOfTags(
  tags: Readonly<Record<string, readonly string[] | undefined>>,
): string | undefined {
  const plain = tags[CUSTOMER_TAG]?.[0];
  if (plain !== undefined && TAG_ALPHABET.test(plain)) return plain;
  const encoded = tags[ENCODED_CUSTOMER_TAG]?.[0];
  if (encoded === undefined || !TAG_ALPHABET.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64url").toString("utf8");
  return decoded.length > 0 && customerTag(decoded)?.Value === encoded ? decoded : undefined;
}

function looksLikeAddress(customerId: string): boolean {
  return customerId.includes("@") || /^\+\d{7,15}$/.test(customerId.replace(/[\s().-]/g, ""));
}

/** Tag values allow only [A-Za-z0-9_-], at most 256 characters. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256) || "_";
}

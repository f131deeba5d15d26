import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { translateAwsError } from "./errors.ts";

export type SmsMessage = {
  /** E.164, e.g. +15555550100. */
  phoneNumber: string;
  text: string;
  marketing: boolean;
  campaign: string;
  step: string;
};

export type PushMessage = {
  /** The SNS platform endpoint ARN kept in the profile's pushToken. */
  endpointArn: string;
  title?: string;
  body: string;
  campaign: string;
  step: string;
};

// Named so a handler can act on the reason: an opted-out number or a disabled endpoint is final.
const SNS_RULES = {
  permanent: [
    "OptedOutException",
    "EndpointDisabledException",
    "PlatformApplicationDisabledException",
    "InvalidParameterException",
    "InvalidParameterValueException",
    "NotFoundException",
  ],
};

/** SMS and mobile push through SNS Publish. */
export class SnsSender {
  constructor(private readonly client: SNSClient) {}

  /** `signal` aborts the call (the runner's lease is lapsing); likewise for sendPush. */
  async sendSms(message: SmsMessage, signal?: AbortSignal): Promise<{ messageId: string }> {
    return this.publish(signal, `SNS Publish SMS (${message.campaign}/${message.step})`, {
      PhoneNumber: message.phoneNumber,
      Message: message.text,
      MessageAttributes: {
        // Transactional gets the more reliable (and dearer) route; promotional the cheaper one.
        "AWS.SNS.SMS.SMSType": {
          DataType: "String",
          StringValue: message.marketing ? "Promotional" : "Transactional",
        },
      },
    });
  }

  async sendPush(message: PushMessage, signal?: AbortSignal): Promise<{ messageId: string }> {
    return this.publish(signal, `SNS Publish push (${message.campaign}/${message.step})`, {
      TargetArn: message.endpointArn,
      MessageStructure: "json",
      Message: pushPayload(message),
    });
  }

  private async publish(
    signal: AbortSignal | undefined,
    operation: string,
    input: ConstructorParameters<typeof PublishCommand>[0],
  ): Promise<{ messageId: string }> {
    try {
      const output = await this.client.send(new PublishCommand(input), signal ? { abortSignal: signal } : {});
      return { messageId: output.MessageId ?? "" };
    } catch (error) {
      throw translateAwsError(error, operation, SNS_RULES);
    }
  }
}

/** One payload per platform, as SNS wants with MessageStructure "json"; `default` for the others. */
export function pushPayload({ title, body }: Pick<PushMessage, "title" | "body">): string {
  const apns = JSON.stringify({ aps: { alert: title === undefined ? body : { title, body } } });
  return JSON.stringify({
    default: body,
    APNS: apns,
    APNS_SANDBOX: apns,
    GCM: JSON.stringify({ notification: { ...(title === undefined ? {} : { title }), body } }),
  });
}

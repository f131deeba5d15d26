import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { EventBridgeAuditPublisher } from "./adapters/eventbridge-publisher.ts";
import { lazyClient } from "./adapters/lazy-client.ts";
import { sdkClientSettings } from "./adapters/sdk-client-settings.ts";
import { secretsClient } from "./adapters/secrets-manager-secret.ts";
import { SesEmailSender, type SesSenderOptions } from "./adapters/ses-sender.ts";
import { SnsSender } from "./adapters/sns-sender.ts";
import { sqsSendBatch } from "./adapters/sqs-fanout-queue.ts";
import { StepFunctionsJourneyStarter } from "./adapters/stepfunctions-starter.ts";
import { type AwsClients, stateTableClient } from "./wiring.ts";

// The adapters most first calls never use (sending, workflow starts, the audit bus) with their SDK
// clients (the link-signing key is read without the SDK, secrets-manager-secret.ts, from wiring.ts).
// wiring.ts imports this file only with import(), on the first call that
// needs one of them: in the Lambda bundles it is a chunk of its own, which a cold start does not
// compile. wiring.ts imports none of these clients itself (a static import would put them back in the
// cold start's code). A client a test gave is used; otherwise one is made here, on its first request.

/** Every client the functions use, each with request timeouts and retries bounded below the effect lease, created on first use. */
export function defaultClients(): AwsClients {
  return {
    ...stateTableClient(),
    ses: sesClient(),
    sns: snsClient(),
    sfn: sfnClient(),
    eventbridge: eventBridgeClient(),
    secrets: secretsClient(),
  };
}

const sesClient = () => lazyClient(() => new SESv2Client(sdkClientSettings()));
const snsClient = () => lazyClient(() => new SNSClient(sdkClientSettings()));
const sfnClient = () => lazyClient(() => new SFNClient(sdkClientSettings()));
const eventBridgeClient = () => lazyClient(() => new EventBridgeClient(sdkClientSettings()));

export const emailSender = (client: SESv2Client | undefined, options: SesSenderOptions) =>
  new SesEmailSender(client ?? sesClient(), options);

export const snsSender = (client: SNSClient | undefined) => new SnsSender(client ?? snsClient());

export const journeyStarter = (client: SFNClient | undefined, stateMachineArn: string) =>
  new StepFunctionsJourneyStarter(client ?? sfnClient(), stateMachineArn);

export const auditPublisher = (client: EventBridgeClient | undefined, eventBusName: string) =>
  new EventBridgeAuditPublisher(client ?? eventBridgeClient(), { eventBusName });

export const fanoutQueue = (client: SQSClient | undefined, queueUrl: string) =>
  sqsSendBatch(client ?? lazyClient(() => new SQSClient(sdkClientSettings())), queueUrl);

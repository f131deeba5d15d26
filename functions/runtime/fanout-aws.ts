import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbInterestIndex } from "../adapters/dynamodb-interest-index.ts";
import { translateAwsError } from "../adapters/errors.ts";
import { lazyClient } from "../adapters/lazy-client.ts";
import { sdkClientSettings } from "../adapters/sdk-client-settings.ts";
import { powertoolsLog } from "./aws-runtime.ts";
import { type Environment, readEnvironment, required } from "./environment.ts";
import type { FailedFanoutEntry, FanoutEntry, FanoutPorts } from "./fanout-catalog.ts";

/** The clients catalog fan-out uses (a test passes a dynalite client and a mocked SQS client). */
export type FanoutClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

export function defaultFanoutClients(): FanoutClients {
  const settings = sdkClientSettings();
  return {
    dynamodb: lazyClient(() => DynamoDBDocumentClient.from(new DynamoDBClient(settings))),
    sqs: lazyClient(() => new SQSClient(settings)),
  };
}

/** SendMessageBatch to the fan-out queue; a failed call becomes RetryableError or PermanentError. */
export function sqsSendBatch(
  client: SQSClient,
  queueUrl: string,
): (entries: FanoutEntry[]) => Promise<FailedFanoutEntry[]> {
  return async (entries) => {
    try {
      const output = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((entry) => ({ Id: entry.id, MessageBody: entry.body })),
        }),
      );
      return (output.Failed ?? []).map((failed) => ({
        id: failed.Id ?? "",
        code: failed.Code ?? "unknown",
        senderFault: failed.SenderFault === true,
      }));
    } catch (error) {
      throw translateAwsError(error, "SQS SendMessageBatch (fan-out)");
    }
  };
}

/** The fan-out's ports on AWS: the interest index table and the fan-out queue. */
export function awsFanoutPorts(
  clients: FanoutClients = defaultFanoutClients(),
  env: Environment = readEnvironment(),
): FanoutPorts {
  const index = new DynamoDbInterestIndex(clients.dynamodb, env.INTEREST_TABLE);
  return {
    interestedCustomerPages: (productId, now) => index.interestedCustomerPages(productId, now),
    sendBatch: sqsSendBatch(clients.sqs, required(env, "FANOUT_QUEUE_URL")),
    now: () => Date.now(),
    log: powertoolsLog,
  };
}

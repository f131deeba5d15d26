import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { translateAwsError } from "./errors.ts";

/** One message for the fan-out queue, and one the queue did not take. */
export type QueueEntry = { id: string; body: string };
export type FailedQueueEntry = { id: string; code: string; senderFault: boolean };

/** SendMessageBatch to the fan-out queue; a failed call becomes RetryableError or PermanentError. */
export function sqsSendBatch(
  client: SQSClient,
  queueUrl: string,
): (entries: QueueEntry[]) => Promise<FailedQueueEntry[]> {
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

import { Duration, Validations } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as eventSources from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetterQueue } from "./dead-letter-queue.ts";

export interface FanoutQueueProps {
  /** The consumer's timeout: SQS hides a message for six times that while it is being processed. */
  readonly consumerTimeout: Duration;
}

/** Per-customer messages from catalog fan-out, consumed by ingest in batches with partial failures. */
export class FanoutQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: FanoutQueueProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, "DeadLetters", {
      holds: "catalog fan-out messages that ingest failed five times",
      isRedriveTarget: true,
    });
    this.queue = new sqs.Queue(this, "Queue", {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters.queue, maxReceiveCount: 5 },
    });
  }

  deliverTo(consumer: lambda.IFunction): void {
    const source = new eventSources.SqsEventSource(this.queue, {
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      reportBatchItemFailures: true,
      // Bounds the send rate a big restock or price drop can cause against SES and SNS quotas.
      maxConcurrency: 10,
    });
    consumer.addEventSource(source);
    Validations.of(consumer).acknowledge({
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event source mappings do not support on-failure destinations; a message that fails five times moves to the queue's dead-letter queue (redrive policy), which has a depth alarm.",
    });
  }
}

import { Duration, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface DeadLetterQueueProps {
  /** What lands here, in words an operator reads in the alarm. */
  readonly holds: string;
  /** True when another queue's redrive policy points here (cdk-nag then sees it as a DLQ by itself). */
  readonly isRedriveTarget?: boolean;
}

/** An encrypted, TLS-only queue that keeps failures for 14 days and alarms as soon as one arrives. */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly depthAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, "Queue", {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.depthAlarm = this.queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: "Maximum" })
      .createAlarm(this, "DepthAlarm", {
        alarmDescription: `Dead-letter queue not empty: ${props.holds}. Inspect, fix the cause, then redrive.`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    Validations.of(this.queue).acknowledge({
      id: "Serverless-SQSRedrivePolicy",
      reason:
        "This queue is itself a dead-letter queue; a DLQ behind it would only hide failures that its depth alarm reports.",
    });
    if (!props.isRedriveTarget) {
      Validations.of(this.queue).acknowledge({
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is a dead-letter queue for an EventBridge target, a Scheduler target or a Lambda on-failure destination, which cdk-nag cannot see as DLQ use.",
      });
    }
  }
}

import { Aspects, Duration, type IAspect, Stack, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct, type IConstruct } from "constructs";

export interface OperationalAlarmsProps {
  /** Functions by a short name used in alarm descriptions. */
  readonly functions: Record<string, lambda.IFunction>;
  readonly journey: sfn.IStateMachine;
  /** Who is told; without it the topic exists and can be subscribed to later. */
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Errors and throttles of every function, failed journeys, and one topic that every alarm of the
 * stack notifies (dead-letter queue alarms included, wherever they are defined).
 */
export class OperationalAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", { displayName: "Engage alarms", enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "The topic carries alarm state changes only, no customer data; CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key for alarm names is not worth its cost.",
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: "Serverless-SNSRedrivePolicy",
        reason:
          "E-mail subscription for alarms: SNS retries e-mail delivery itself, and a DLQ of undelivered alarm mails would have to alarm through this same topic.",
      });
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      alarmWhenAbove(this, `${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: "Sum" }), 0, {
        description: `${name}: invocations failed`,
      });
      alarmWhenAbove(
        this,
        `${name}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: "Sum" }),
        0,
        {
          description: `${name}: invocations throttled (account or reserved concurrency reached)`,
        },
      );
    }
    alarmWhenAbove(this, "JourneysFailed", props.journey.metricFailed({ period: FIVE_MINUTES }), 0, {
      description:
        "journey executions failed (each ends its journey as failed: the workflow's journey.failed, or its status change)",
    });
    alarmWhenAbove(this, "JourneysTimedOut", props.journey.metricTimedOut({ period: FIVE_MINUTES }), 0, {
      description: "journey executions reached the state machine timeout",
    });

    Aspects.of(Stack.of(this)).add(new NotifyTopicOfEveryAlarm(this.topic));
  }
}

function alarmWhenAbove(
  scope: Construct,
  id: string,
  metric: cloudwatch.IMetric,
  threshold: number,
  { description }: { description: string },
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}

class NotifyTopicOfEveryAlarm implements IAspect {
  private readonly action: cloudwatch.IAlarmAction;
  private readonly notified = new Set<cloudwatch.Alarm>();

  constructor(topic: sns.ITopic) {
    this.action = new cloudwatchActions.SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (node instanceof cloudwatch.Alarm && !this.notified.has(node)) {
      this.notified.add(node);
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
    }
  }
}

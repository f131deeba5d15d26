import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { AUDIT_SOURCE } from "../../functions/adapters/audit-events.ts";
import { catalogEventTypes } from "../../functions/core/events/details.ts";
import { ENDED_UNRECORDED, EXECUTION_STATUS_EVENT } from "../../functions/core/events/journey-failed.ts";
import {
  FEEDBACK_SOURCES,
  SES_FEEDBACK_DETAIL_TYPES,
  SES_SOURCE,
  SMS_FEEDBACK_DETAIL_TYPES,
  SMS_VOICE_SOURCE,
} from "../../functions/use-cases/feedback-sources.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";

/**
 * What the engine itself puts on the bus for analytics (message.sent, journey.started, …): never
 * its own input. (journey.failed comes from the workflow with its own source, and ingest ends the
 * journey with it.)
 */
export const ENGINE_AUDIT_SOURCES = [AUDIT_SOURCE];

/** EventBridge keeps trying a target for a day, which covers a regional Lambda hiccup. */
const TARGET_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) };

export interface EventRoutingProps {
  readonly bus: events.IEventBus;
  readonly ingest: lambda.IFunction;
  readonly catalogFanout: lambda.IFunction;
  readonly feedback: lambda.IFunction;
  /** SES events are forwarded only for messages sent with this configuration set. */
  readonly sesConfigurationSetName: string;
  /** Its executions that fail or time out are reported to ingest, which ends their journeys. */
  readonly journey: sfn.IStateMachine;
}

/**
 * Rules on the engine bus (customer events, catalog events, feedback) and, on the default bus,
 * the forwarding of AWS feedback (SES and SMS publish only there) to the engine bus.
 */
export class EventRouting extends Construct {
  readonly customerEventsRule: events.Rule;
  readonly catalogEventsRule: events.Rule;
  readonly feedbackRule: events.Rule;
  readonly sesFeedbackForwardRule: events.Rule;
  readonly smsFeedbackForwardRule: events.Rule;
  readonly journeyEndedRule: events.Rule;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    const { bus } = props;

    this.customerEventsRule = new events.Rule(this, "CustomerEvents", {
      eventBus: bus,
      description:
        "Customer events and failed journeys to ingest (not catalog events, AWS feedback or the engine's audit events)",
      eventPattern: {
        detailType: events.Match.anythingBut(...catalogEventTypes),
        source: events.Match.anythingBut(...FEEDBACK_SOURCES, ...ENGINE_AUDIT_SOURCES),
      },
    });
    this.addLambdaTarget(
      this.customerEventsRule,
      props.ingest,
      "customer events EventBridge could not deliver to ingest",
    );

    this.catalogEventsRule = new events.Rule(this, "CatalogEvents", {
      eventBus: bus,
      description: "Price and inventory changes to catalog fan-out",
      eventPattern: { detailType: [...catalogEventTypes] },
    });
    this.addLambdaTarget(
      this.catalogEventsRule,
      props.catalogFanout,
      "catalog events EventBridge could not deliver to catalog fan-out",
    );

    this.feedbackRule = new events.Rule(this, "Feedback", {
      eventBus: bus,
      description: "SES and SMS feedback to the feedback handler",
      eventPattern: { source: FEEDBACK_SOURCES },
    });
    this.addLambdaTarget(this.feedbackRule, props.feedback, "feedback events EventBridge could not deliver");

    // On the default bus, where Step Functions puts status changes: the failures no Catch records.
    this.journeyEndedRule = new events.Rule(this, "JourneyExecutionsEnded", {
      description: "Journey executions that failed or timed out, to ingest (it ends their journeys)",
      eventPattern: {
        source: [EXECUTION_STATUS_EVENT.source],
        detailType: [EXECUTION_STATUS_EVENT.detailType],
        detail: { stateMachineArn: [props.journey.stateMachineArn], status: [...ENDED_UNRECORDED] },
      },
    });
    this.addLambdaTarget(
      this.journeyEndedRule,
      props.ingest,
      "journey execution status changes EventBridge could not deliver to ingest",
    );

    const forwardDeadLetters = new DeadLetterQueue(this, "ForwardDeadLetters", {
      holds: "SES or SMS feedback the default bus could not forward to the engine bus",
    });
    this.sesFeedbackForwardRule = new events.Rule(this, "SesFeedbackToEngineBus", {
      description: "SES events of the engine's configuration set, from the default bus to the engine bus",
      eventPattern: {
        source: [SES_SOURCE],
        detailType: SES_FEEDBACK_DETAIL_TYPES,
        detail: { mail: { tags: { "ses:configuration-set": [props.sesConfigurationSetName] } } },
      },
    });
    this.smsFeedbackForwardRule = new events.Rule(this, "SmsFeedbackToEngineBus", {
      description: "SMS delivery and opt-out events, from the default bus to the engine bus",
      eventPattern: { source: [SMS_VOICE_SOURCE], detailType: SMS_FEEDBACK_DETAIL_TYPES },
    });
    const forwardRole = new iam.Role(this, "ForwardRole", {
      assumedBy: new iam.ServicePrincipal("events.amazonaws.com"),
      description: "Forwards AWS feedback from the default bus to the engine bus",
    });
    for (const rule of [this.sesFeedbackForwardRule, this.smsFeedbackForwardRule]) {
      rule.addTarget(
        new targets.EventBus(bus, { deadLetterQueue: forwardDeadLetters.queue, role: forwardRole }),
      );
      // The EventBus target has no retry props; set the same policy as the Lambda targets.
      (rule.node.defaultChild as events.CfnRule).addPropertyOverride("Targets.0.RetryPolicy", {
        MaximumRetryAttempts: TARGET_RETRY.retryAttempts,
        MaximumEventAgeInSeconds: TARGET_RETRY.maxEventAge.toSeconds(),
      });
    }
  }

  private addLambdaTarget(rule: events.Rule, fn: lambda.IFunction, holds: string): void {
    const deadLetters = new DeadLetterQueue(this, `${rule.node.id}DeadLetters`, { holds });
    rule.addTarget(new targets.LambdaFunction(fn, { deadLetterQueue: deadLetters.queue, ...TARGET_RETRY }));
  }
}

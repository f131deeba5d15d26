import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import { TransientError } from "../../functions/adapters/errors.ts";
import { JOURNEY_FAILED_EVENT } from "../../functions/core/events/journey-failed.ts";
import { acknowledgeQualifiedInvoke } from "../acknowledge-qualified-invoke.ts";

/** State names are part of the contract with local runs (overrides are keyed by state name). */
export const JOURNEY_STATES = {
  step: "Step",
  doneOrWait: "DoneOrWait",
  waitUntilWakeAt: "WaitUntilWakeAt",
  done: "Done",
  invalidStepResult: "InvalidStepResult",
  recordFailure: "RecordFailure",
  failed: "JourneyFailed",
} as const;

/**
 * Errors the Step is retried on. The Lambda.* ones come from the invoke integration; a handler
 * reports a failure worth retrying (throttling, a lost conditional write race, a provider outage)
 * by throwing TransientError (functions/adapters/errors.ts). Anything else goes to the failure path.
 */
export const JOURNEY_TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException",
  "Sandbox.Timedout",
  "States.Timeout",
  TransientError.errorName,
];

/** How cdk-nag spells the journey machine's executions in a finding id. */
export const JOURNEY_EXECUTIONS_NAG_RESOURCE =
  "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<JourneyStateMachine79E50E5D.Name>:*";

/** The event the failure path puts on the bus; ingest ends the journey with it (failJourney). */
export { JOURNEY_FAILED_EVENT };

export interface JourneyStateMachineProps {
  /** journey-step: gets { customerId, instanceId }, returns { customerId, instanceId, done, wakeAt? }. */
  readonly stepFunction: lambda.IFunction;
  /** Where a failed journey is recorded as a `journey.failed` event. */
  readonly eventBus: events.IEventBus;
}

/**
 * The one generic journey workflow: Wait until wakeAt -> Step -> done? -> Wait until wakeAt -> Step
 * ... A campaign's steps live in its JSON file; this is only a durable timer loop. Execution input
 * is { customerId, instanceId, generation?, wakeAt, step? }, and the execution name is the journey id,
 * with the generation for a later one (set by the starter). The execution starts with the Wait: the
 * starter always passes the journey's wakeAt, so a Step at the start would only read it back, and a
 * Choice for an input without it would cost a transition on every journey. An input without it fails
 * at the Wait (docs/architecture.md, "Upgrading").
 */
export class JourneyStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: JourneyStateMachineProps) {
    super(scope, id);
    const failed = new sfn.Fail(this, JOURNEY_STATES.failed, {
      errorPath: "$.error.Error",
      causePath: "$.error.Cause",
    });
    const recordFailure = new tasks.EventBridgePutEvents(this, JOURNEY_STATES.recordFailure, {
      entries: [
        {
          eventBus: props.eventBus,
          source: JOURNEY_FAILED_EVENT.source,
          detailType: JOURNEY_FAILED_EVENT.detailType,
          detail: sfn.TaskInput.fromObject({
            customerId: sfn.JsonPath.stringAt("$.customerId"),
            instanceId: sfn.JsonPath.stringAt("$.instanceId"),
            // With its generation, when set (a path to an absent field would fail the task), so
            // ingest can tell a stale execution's failure from the live workflow's.
            executionInput: sfn.JsonPath.objectAt(sfn.JsonPath.executionInput),
            error: sfn.JsonPath.stringAt("$.error.Error"),
            cause: sfn.JsonPath.stringAt("$.error.Cause"),
          }),
        },
      ],
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordFailure.addRetry({ errors: ["States.ALL"], interval: Duration.seconds(1), maxAttempts: 3 });
    // The journey fails either way; losing the record must not hide the original error.
    recordFailure.addCatch(failed, { resultPath: sfn.JsonPath.DISCARD });
    recordFailure.next(failed);

    const step = new tasks.LambdaInvoke(this, JOURNEY_STATES.step, {
      lambdaFunction: props.stepFunction,
      // The whole state: { customerId, instanceId, generation? }, generation there only when set
      // (a path to an absent field would fail the task); the Step echoes it back.
      payload: sfn.TaskInput.fromJsonPathAt("$"),
      outputPath: "$.Payload",
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(90)),
    });
    step.addRetry({
      errors: JOURNEY_TRANSIENT_ERRORS,
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.minutes(1),
      jitterStrategy: sfn.JitterType.FULL,
    });
    step.addCatch(recordFailure, { errors: ["States.ALL"], resultPath: "$.error" });

    const invalidStepResult = new sfn.Pass(this, JOURNEY_STATES.invalidStepResult, {
      result: sfn.Result.fromObject({
        Error: "JourneyStepContractViolation",
        Cause: "journey-step returned neither done: true nor a wakeAt timestamp",
      }),
      resultPath: "$.error",
    }).next(recordFailure);

    const waitUntilWakeAt = new sfn.Wait(this, JOURNEY_STATES.waitUntilWakeAt, {
      time: sfn.WaitTime.timestampPath("$.wakeAt"),
    }).next(step);

    const doneOrWait = new sfn.Choice(this, JOURNEY_STATES.doneOrWait)
      .when(
        sfn.Condition.and(sfn.Condition.isPresent("$.done"), sfn.Condition.booleanEquals("$.done", true)),
        new sfn.Succeed(this, JOURNEY_STATES.done),
      )
      .when(
        sfn.Condition.and(sfn.Condition.isPresent("$.wakeAt"), sfn.Condition.isTimestamp("$.wakeAt")),
        waitUntilWakeAt,
      )
      .otherwise(invalidStepResult);
    step.next(doneOrWait);

    const logGroup = new logs.LogGroup(this, "Logs", {
      // The vended-logs prefix keeps CloudWatch Logs' resource policy small however many machines log.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-journey`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      comment: "Generic journey: wait until wakeAt, then Step, until the step says done",
      definitionBody: sfn.DefinitionBody.fromChainable(waitUntilWakeAt),
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Standard workflows run for at most a year; the longest journey waits are months.
      timeout: Duration.days(365),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    acknowledgeQualifiedInvoke(this.stateMachine, props.stepFunction, "The journey's Step task");
    Validations.of(this.stateMachine).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray (xray:PutTraceSegments) do not support resource-level permissions.",
    });
  }

  grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Stopping the workflow of a journey that ended while it waited: any execution of this machine
   * (named after journey ids), and nothing else.
   */
  grantStopExecution(grantee: iam.IGrantable & Construct): iam.Grant {
    const executions = Stack.of(this).formatArn({
      service: "states",
      resource: "execution",
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ["states:StopExecution"],
      resourceArns: [executions],
    });
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${JOURNEY_EXECUTIONS_NAG_RESOURCE}]`,
      reason:
        "StopExecution of a journey that ended while its workflow waited: the execution is named after the journey id at run time, so the grant covers the executions of the journey state machine only.",
    });
    return grant;
  }
}

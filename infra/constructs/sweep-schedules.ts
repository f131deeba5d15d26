import { Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import { acknowledgeQualifiedInvoke } from "../../workflows/acknowledge-qualified-invoke.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";

/** Hourly, because "10:00" is each customer's local time and the time zones differ. */
export const SWEEP_SCHEDULE_EXPRESSION = "cron(0 * * * ? *)";

export interface SweepSchedulesProps {
  readonly sweep: lambda.IFunction;
  readonly campaignIds: readonly string[];
}

/**
 * One EventBridge Scheduler schedule per swept campaign, invoking sweep with { campaignId }, and one
 * for the claims' sweep, with { sweep: "claims" }, always.
 */
export class SweepSchedules extends Construct {
  readonly schedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: SweepSchedulesProps) {
    super(scope, id);
    const deadLetters = new DeadLetterQueue(this, "DeadLetters", {
      holds: "sweep invocations EventBridge Scheduler could not deliver",
    });
    // One role for all schedules, so its grant can be reviewed (and acknowledged) in one place.
    const role = new iam.Role(this, "InvokeRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "EventBridge Scheduler: invoke the sweep function, dead-letter undeliverable invocations",
    });
    acknowledgeQualifiedInvoke(role, props.sweep, "EventBridge Scheduler");
    const hourly = (id: string, description: string, input: Record<string, unknown>) =>
      new scheduler.Schedule(this, id, {
        description,
        schedule: scheduler.ScheduleExpression.expression(SWEEP_SCHEDULE_EXPRESSION),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.LambdaInvoke(props.sweep, {
          // The scheduled hour, not the delivery time: a retried invocation still sweeps its own hour.
          input: scheduler.ScheduleTargetInput.fromObject({
            ...input,
            scheduledTime: scheduler.ContextAttribute.scheduledTime,
          }),
          role,
          deadLetterQueue: deadLetters.queue,
          retryAttempts: 3,
          // The next hourly run sweeps again; an older invocation has nothing left to add.
          maxEventAge: Duration.hours(1),
        }),
      });
    this.schedules = [
      ...props.campaignIds.map((campaignId) =>
        hourly(`Sweep-${campaignId}`, `Hourly sweep of campaign ${campaignId}`, { campaignId }),
      ),
      // Whatever campaigns are swept: the backstop of claims whose run died (sweep-claims.ts).
      hourly("ClaimsSweep", "Hourly sweep of lapsed claims (sends of runs that died)", { sweep: "claims" }),
    ];
  }
}

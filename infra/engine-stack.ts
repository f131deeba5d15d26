import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import type { Construct } from "constructs";
import type { EnvironmentName } from "../functions/runtime/environment.ts";
import { JourneyStateMachine } from "../workflows/journey/journey-state-machine.ts";
import { type CampaignSummary, sweptCampaignIds } from "./campaign-config.ts";
import { CampaignDashboards } from "./constructs/campaign-dashboards.ts";
import { EmailSending } from "./constructs/email-sending.ts";
import type { FunctionSources } from "./constructs/engine-function.ts";
import { EngineFunctions, INGEST_TIMEOUT } from "./constructs/engine-functions.ts";
import { EngineTables } from "./constructs/engine-tables.ts";
import { EventRouting } from "./constructs/event-routing.ts";
import { FanoutQueue } from "./constructs/fanout-queue.ts";
import { OperationalAlarms } from "./constructs/operational-alarms.ts";
import { SweepSchedules } from "./constructs/sweep-schedules.ts";

export interface EngineStackProps extends StackProps {
  readonly fromAddress: string;
  /** Verified SES identity covering fromAddress: a domain or that email address. */
  readonly sesIdentity: string;
  readonly alarmEmail?: string;
  /** Reserved concurrency of the public unsubscribe function. */
  readonly unsubscribeConcurrency: number;
  /** The validated campaigns (their ids and triggers decide schedules and dashboards). */
  readonly campaigns: readonly CampaignSummary[];
  readonly sources: FunctionSources;
}

/** The whole engine in one environment-agnostic stack. */
export class EngineStack extends Stack {
  readonly tables: EngineTables;
  readonly bus: events.EventBus;
  readonly functions: EngineFunctions;
  readonly journey: JourneyStateMachine;
  readonly routing: EventRouting;
  readonly sweeps: SweepSchedules;
  readonly alarms: OperationalAlarms;

  constructor(scope: Construct, id: string, props: EngineStackProps) {
    super(scope, id, props);
    this.tables = new EngineTables(this, "Tables");
    this.bus = new events.EventBus(this, "Bus", {
      description: "Engage: customer, catalog and feedback events",
    });
    // Replays after a handler bug fix; each customer's item remembers the events it applied, so a
    // replayed event does not act twice (docs/state.md, "Applied events and replays").
    this.bus.archive("Archive", {
      description: "Every event of the engine bus, for replay",
      eventPattern: { account: [this.account] },
      retention: Duration.days(30),
    });

    const email = new EmailSending(this, "Email", {
      fromAddress: props.fromAddress,
      sesIdentity: props.sesIdentity,
    });
    const fanout = new FanoutQueue(this, "Fanout", { consumerTimeout: INGEST_TIMEOUT });
    this.functions = new EngineFunctions(this, "Functions", {
      sources: props.sources,
      tables: this.tables,
      bus: this.bus,
      email,
      fanout,
      unsubscribeConcurrency: props.unsubscribeConcurrency,
    });
    const { ingest, catalogFanout, journeyStep, sweep, feedback, unsubscribe } = this.functions;

    this.journey = new JourneyStateMachine(this, "Journey", {
      stepFunction: journeyStep.function,
      eventBus: this.bus,
    });
    for (const starter of [ingest, sweep]) {
      starter.function.addEnvironment(
        "JOURNEY_STATE_MACHINE_ARN" satisfies EnvironmentName,
        this.journey.stateMachine.stateMachineArn,
      );
      this.journey.grantStartExecution(starter.role);
      this.journey.grantStopExecution(starter.role);
    }
    fanout.deliverTo(ingest.function);

    this.routing = new EventRouting(this, "Routing", {
      bus: this.bus,
      ingest: ingest.function,
      catalogFanout: catalogFanout.function,
      feedback: feedback.function,
      sesConfigurationSetName: email.configurationSet.configurationSetName,
      journey: this.journey.stateMachine,
    });
    this.sweeps = new SweepSchedules(this, "Sweeps", {
      sweep: sweep.function,
      campaignIds: sweptCampaignIds(props.campaigns),
    });
    new CampaignDashboards(this, "Dashboards", { campaignIds: props.campaigns.map((c) => c.id) });
    this.alarms = new OperationalAlarms(this, "Alarms", {
      functions: {
        ingest: ingest.function,
        catalogFanout: catalogFanout.function,
        journeyStep: journeyStep.function,
        sweep: sweep.function,
        feedback: feedback.function,
        unsubscribe: unsubscribe.function,
      },
      journey: this.journey.stateMachine,
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, "EventBusName", { value: this.bus.eventBusName, description: "Apps PutEvents here" });
    new CfnOutput(this, "EventBusArn", { value: this.bus.eventBusArn });
    new CfnOutput(this, "UnsubscribeUrl", { value: this.functions.unsubscribeUrl.url });
    new CfnOutput(this, "SesConfigurationSetName", { value: email.configurationSet.configurationSetName });
    new CfnOutput(this, "JourneyStateMachineArn", { value: this.journey.stateMachine.stateMachineArn });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarms.topic.topicArn });
  }
}

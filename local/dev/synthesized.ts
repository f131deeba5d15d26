// What engage dev reads from the stack's own constructs, synthesized once in a throwaway stack: the
// tables' keys and indexes, the journey workflow's ASL and the bus rules' event patterns. A rule or
// index added to a construct is picked up here without a second list.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { EngineTables } from "../../infra/constructs/engine-tables.ts";
import { EventRouting } from "../../infra/constructs/event-routing.ts";
import {
  type AslDefinition,
  type CloudFormationTemplate,
  localAslFromTemplate,
} from "../../workflows/journey/asl.ts";
import { JourneyStateMachine } from "../../workflows/journey/journey-state-machine.ts";
import type { TableProperties } from "./tables.ts";

/** The Lambda functions the engine bus's rules target. */
export type RuleTarget = "ingest" | "catalogFanout" | "feedback";

export type BusRule = {
  /** The rule's construct id (CustomerEvents, CatalogEvents, Feedback), also its dead-letter queue's prefix. */
  name: string;
  target: RuleTarget;
  eventPattern: Record<string, unknown>;
};

export type SynthesizedEngine = {
  tables: Map<string, TableProperties>;
  journeyAsl: AslDefinition;
  rules: BusRule[];
};

export const SES_CONFIGURATION_SET = "engage";

export function synthesizeEngine(): SynthesizedEngine {
  const outdir = mkdtempSync(join(tmpdir(), "engage-dev-"));
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, "EngageDev");
    const placeholder = (id: string) =>
      new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: "index.handler",
        code: lambda.Code.fromInline("exports.handler = async () => { throw new Error('bound locally'); };"),
      });
    const tables = new EngineTables(stack, "Tables");
    const bus = new events.EventBus(stack, "Bus");
    const journey = new JourneyStateMachine(stack, "Journey", {
      stepFunction: placeholder("JourneyStep"),
      eventBus: bus,
    });
    // The engine bus's rules only: nothing here puts Step Functions' status changes on a default bus.
    const routing = new EventRouting(stack, "Routing", {
      bus,
      ingest: placeholder("Ingest"),
      catalogFanout: placeholder("CatalogFanout"),
      feedback: placeholder("Feedback"),
      sesConfigurationSetName: SES_CONFIGURATION_SET,
      journey: journey.stateMachine,
    });
    const template = app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate & {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const properties = (construct: { node: { defaultChild?: unknown } }) =>
      template.Resources[stack.getLogicalId(construct.node.defaultChild as never)]!.Properties;

    const tableDefinitions = new Map<string, TableProperties>();
    for (const table of [tables.customerState, tables.interestIndex])
      tableDefinitions.set(table.node.id, properties(table) as TableProperties);
    const targets: [events.Rule, RuleTarget][] = [
      [routing.customerEventsRule, "ingest"],
      [routing.catalogEventsRule, "catalogFanout"],
      [routing.feedbackRule, "feedback"],
    ];
    return {
      tables: tableDefinitions,
      journeyAsl: localAslFromTemplate(template),
      rules: targets.map(([rule, target]) => ({
        name: rule.node.id,
        target,
        eventPattern: properties(rule).EventPattern as Record<string, unknown>,
      })),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

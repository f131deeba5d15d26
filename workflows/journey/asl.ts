import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { JourneyStateMachine } from "./journey-state-machine.ts";

/** Plain Amazon States Language, as a local interpreter (aws-local-stepfunctions) takes it. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, { Type: string; [field: string]: unknown }>;
  Comment?: string;
  TimeoutSeconds?: number;
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  Resources?: Record<string, TemplateResource>;
}

/** Stand-ins for what CloudFormation would resolve at deploy time. */
export const LOCAL_ENVIRONMENT = { partition: "aws", region: "us-east-1", account: "123456789012" } as const;

/** Node's timers overflow past 2^31-1 ms (about 24.8 days); longer machine timeouts break local runs. */
const MAX_LOCAL_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The ASL of a state machine in a synthesized template, made runnable locally: intrinsic functions
 * (Fn::Join, Ref, Fn::GetAtt) replaced by fixed local names and ARNs, and a machine-level
 * TimeoutSeconds dropped when a local timer cannot hold it.
 */
export function localAslFromTemplate(template: CloudFormationTemplate, logicalId?: string): AslDefinition {
  const resources = template.Resources ?? {};
  const machines = Object.entries(resources).filter(
    ([id, resource]) =>
      resource.Type === "AWS::StepFunctions::StateMachine" && (logicalId === undefined || id === logicalId),
  );
  const [machine, ...others] = machines;
  if (!machine || others.length > 0) {
    throw new Error(
      `Expected one state machine${logicalId ? ` with logical id ${logicalId}` : ""} in the template, found ${machines.length}`,
    );
  }
  const properties = machine[1].Properties ?? {};
  const resolved = resolveIntrinsics(properties.DefinitionString, resources);
  if (typeof resolved !== "string") throw new Error(`State machine ${machine[0]} has no DefinitionString`);
  let definition = resolved;
  const substitutions = (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(substitutions)) {
    definition = definition.split(`\${${name}}`).join(String(resolveIntrinsics(value, resources)));
  }
  const asl = JSON.parse(definition) as AslDefinition;
  if (asl.TimeoutSeconds !== undefined && asl.TimeoutSeconds > MAX_LOCAL_TIMEOUT_SECONDS) {
    delete asl.TimeoutSeconds;
  }
  return asl;
}

/**
 * The journey's local ASL without synthesizing (and bundling) the whole engine: the same construct
 * in a throwaway stack, its step function a placeholder that local runs replace by state name.
 */
export function synthesizeLocalJourneyAsl(): AslDefinition {
  const outdir = mkdtempSync(join(tmpdir(), "journey-asl-"));
  // The engine stack's synth runs CDK's CloudFormation checks on this same construct; skip them here.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, "JourneyLocal");
  const stepFunction = new lambda.Function(stack, "JourneyStep", {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: "index.handler",
    code: lambda.Code.fromInline(
      "exports.handler = async () => { throw new Error('bind a local handler'); };",
    ),
  });
  const eventBus = new events.EventBus(stack, "Bus");
  new JourneyStateMachine(stack, "Journey", { stepFunction, eventBus });
  try {
    const template = app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate;
    return localAslFromTemplate(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The ASL for a harness whose Step sleeps in virtual time inside its Task (the chaos engine, the
 * bench's AWS run, test/e2e's local engine): every Task's timeout out of a run's reach.
 * aws-local-stepfunctions enforces a Task's timeout with a real timer, and a Task with no
 * TimeoutSeconds gets the library's default of 60 s, not none. Once a run lasted more than that in
 * real time (90 s with the Step's own timeout), every Step still asleep timed out, `States.Timeout` is
 * in its Retry list, and a second copy of the Step ran beside the first, outside the virtual clock's
 * control: extra Steps, two runs of one customer at once, all depending on the machine's load. No Step
 * of a harness takes 90 s of virtual time, so the timeout has nothing to catch there.
 */
export function aslOnVirtualTime(definition: AslDefinition): AslDefinition {
  const { TimeoutSeconds: _machine, ...rest } = definition;
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const { TimeoutSeconds: _t, TimeoutSecondsPath: _p, HeartbeatSeconds: _h, ...kept } = state;
      const timeout = state.Type === "Task" ? { TimeoutSeconds: MAX_LOCAL_TIMEOUT_SECONDS } : {};
      return [name, { ...kept, ...timeout } as AslDefinition["States"][string]];
    }),
  );
  return { ...rest, States: states };
}

function resolveIntrinsics(value: unknown, resources: Record<string, TemplateResource>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resources));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [intrinsic] = entries;
  if (entries.length === 1 && intrinsic) {
    const [name, argument] = intrinsic;
    if (name === "Ref") return refValue(String(argument), resources);
    if (name === "Fn::GetAtt") {
      const [resourceId, attribute] = argument as [string, string];
      return getAttValue(resourceId, attribute, resources);
    }
    if (name === "Fn::Join") {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => resolveIntrinsics(part, resources)).join(separator);
    }
    if (name.startsWith("Fn::")) throw new Error(`Cannot resolve ${name} for a local run`);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, resources)]));
}

function refValue(id: string, resources: Record<string, TemplateResource>): string {
  const { partition, region, account } = LOCAL_ENVIRONMENT;
  const pseudo: Record<string, string> = {
    "AWS::Partition": partition,
    "AWS::Region": region,
    "AWS::AccountId": account,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "local",
  };
  const known = pseudo[id];
  if (known !== undefined) return known;
  // Ref gives an ARN for these types, a name for the others used in state machines.
  const type = resources[id]?.Type;
  if (type === "AWS::StepFunctions::StateMachine" || type === "AWS::SNS::Topic") {
    return getAttValue(id, "Arn", resources);
  }
  return id;
}

function getAttValue(id: string, attribute: string, resources: Record<string, TemplateResource>): string {
  if (attribute !== "Arn") return `${id}.${attribute}`;
  const { partition, region, account } = LOCAL_ENVIRONMENT;
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  switch (resources[id]?.Type) {
    case "AWS::Lambda::Function":
      return arn("lambda", `function:${id}`);
    case "AWS::Events::EventBus":
      return arn("events", `event-bus/${id}`);
    case "AWS::SQS::Queue":
      return arn("sqs", id);
    case "AWS::SNS::Topic":
      return arn("sns", id);
    case "AWS::DynamoDB::Table":
      return arn("dynamodb", `table/${id}`);
    case "AWS::StepFunctions::StateMachine":
      return arn("states", `stateMachine:${id}`);
    default:
      return arn("cloudformation", `local/${id}`);
  }
}

/**
 * The time the Wait state before a Step waited until: the Step's payload's wakeAt (from the
 * execution's input, or the previous Step's result). Local runs override the Wait to take no time,
 * and their Step sleeps until this on their own clock instead; undefined for a payload without one.
 */
export function waitedUntil(payload: unknown): number | undefined {
  const wakeAt = (payload as { wakeAt?: unknown } | undefined)?.wakeAt;
  if (typeof wakeAt !== "string") return undefined;
  const at = Date.parse(wakeAt);
  return Number.isNaN(at) ? undefined : at;
}

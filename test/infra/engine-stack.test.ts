import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import aslValidator from "asl-validator";
import { App, type CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUE_INDEX_NAME } from "../../functions/adapters/dynamodb-due-index.ts";
import { AUDIT_EVENT_TYPES, AUDIT_SOURCE } from "../../functions/adapters/eventbridge-publisher.ts";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { campaignVersion } from "../../functions/core/engine/campaign-version.ts";
import { eventTypes, isCatalogEventType } from "../../functions/core/events/details.ts";
import { BUNDLED_CAMPAIGNS_FILE } from "../../functions/runtime/bundled-campaigns.ts";
import { ENVIRONMENT_NAMES, readEnvironment } from "../../functions/runtime/environment.ts";
import { LIQUIDJS_FILE } from "../../functions/runtime/liquidjs-on-first-use.ts";
import { CampaignFilesError, sweptCampaignIds } from "../../infra/campaign-config.ts";
import { esbuildOptions, writeFirstUseFiles } from "../../infra/constructs/lambda-bundle.ts";
import { SWEEP_SCHEDULE_EXPRESSION } from "../../infra/constructs/sweep-schedules.ts";
import { addEngineStack, DEFAULT_UNSUBSCRIBE_CONCURRENCY } from "../../infra/engine-app.ts";
import { localAslFromTemplate } from "../../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";
import {
  type EngineFixture,
  engineContext,
  FIXTURE_CAMPAIGNS,
  FIXTURE_SETTINGS,
  PROJECT_ROOT,
  scratchDir,
  synthesizeEngine,
  writeCampaignDir,
} from "./engine-app-fixture.ts";
import { type EventPattern, matchesPattern } from "./event-pattern-matcher.ts";

type Resource = { Type: string; Properties: Record<string, unknown> };
type RuleProperties = {
  EventBusName?: unknown;
  EventPattern: EventPattern;
  Targets: Record<string, unknown>[];
};
type QueueProperties = {
  RedrivePolicy?: { deadLetterTargetArn: { "Fn::GetAtt": [string, string] }; maxReceiveCount: number };
  SqsManagedSseEnabled?: boolean;
};
type PolicyDocument = { Statement: Statement[] };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; NotResource?: unknown };

let engine: EngineFixture;
let resources: Record<string, Resource>;

// Bundling six functions with esbuild (the AWS SDK included) and validating the template: well over 30 s
// on a shared, busy machine, and about 5 minutes when it is loaded.
const SYNTH_TIMEOUT_MS = 600_000;
const HANDLERS = ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"];

beforeAll(() => {
  engine = synthesizeEngine({ bundle: true, validateTemplate: true });
  resources = engine.template.toJSON().Resources as Record<string, Resource>;
}, SYNTH_TIMEOUT_MS);

afterAll(() => engine?.cleanUp());

const logicalId = (construct: IConstruct) =>
  engine.stack.resolve(engine.stack.getLogicalId(construct.node.defaultChild as CfnElement)) as string;
const arnOf = (construct: IConstruct) => ({ "Fn::GetAtt": [logicalId(construct), "Arn"] });
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

it("passes CDK's built-in CloudFormation validation of the template", () => {
  const report = JSON.parse(readFileSync(join(engine.outdir, "validation-report.json"), "utf8")) as {
    pluginReports: { violations: unknown[] }[];
  };
  expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
});

describe("event routing", () => {
  const rule = (construct: IConstruct) => resources[logicalId(construct)]!.Properties as RuleProperties;

  it("sends customer events to ingest, with a DLQ and a retry policy", () => {
    const { routing, functions, bus } = engine.stack;
    expect(rule(routing.customerEventsRule)).toMatchObject({
      EventBusName: { Ref: logicalId(bus) },
      EventPattern: {
        "detail-type": [{ "anything-but": ["product.inventory_changed", "product.price_changed"] }],
        source: [{ "anything-but": ["aws.ses", "aws.sms-voice", "engage"] }],
      },
      Targets: [
        {
          Arn: arnOf(functions.ingest.function),
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      ],
    });
  });

  it("sends the two catalog event types to catalog fan-out", () => {
    const { routing, functions, bus } = engine.stack;
    expect(rule(routing.catalogEventsRule)).toMatchObject({
      EventBusName: { Ref: logicalId(bus) },
      EventPattern: { "detail-type": ["product.inventory_changed", "product.price_changed"] },
      Targets: [
        { Arn: arnOf(functions.catalogFanout.function), DeadLetterConfig: { Arn: expect.anything() } },
      ],
    });
  });

  it("sends SES and SMS feedback to the feedback handler", () => {
    const { routing, functions, bus } = engine.stack;
    expect(rule(routing.feedbackRule)).toMatchObject({
      EventBusName: { Ref: logicalId(bus) },
      EventPattern: { source: ["aws.ses", "aws.sms-voice"] },
      Targets: [{ Arn: arnOf(functions.feedback.function), DeadLetterConfig: { Arn: expect.anything() } }],
    });
  });

  it("forwards the configuration set's SES events and SMS events from the default bus to the engine bus", () => {
    const { routing, bus } = engine.stack;
    const ses = rule(routing.sesFeedbackForwardRule);
    const sms = rule(routing.smsFeedbackForwardRule);
    for (const forward of [ses, sms]) {
      expect(forward.EventBusName).toBeUndefined();
      expect(forward.Targets).toEqual([
        expect.objectContaining({
          Arn: arnOf(bus),
          DeadLetterConfig: { Arn: expect.anything() },
          RoleArn: expect.anything(),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ]);
    }
    expect(ses.EventPattern).toMatchObject({
      source: ["aws.ses"],
      "detail-type": expect.arrayContaining(["Email Bounced", "Email Complaint Received"]),
      detail: {
        mail: {
          tags: { "ses:configuration-set": [{ Ref: expect.stringMatching(/^EmailConfigurationSet/) }] },
        },
      },
    });
    expect(sms.EventPattern).toEqual({
      source: ["aws.sms-voice"],
      "detail-type": ["Text Message Delivery Status Updated"],
    });
  });

  it("sends the journey machine's failed and timed-out executions from the default bus to ingest", () => {
    const { routing, functions, journey } = engine.stack;
    const ended = rule(routing.journeyEndedRule);
    expect(ended.EventBusName).toBeUndefined();
    expect(ended).toMatchObject({
      EventPattern: {
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: {
          stateMachineArn: [{ Ref: logicalId(journey.stateMachine) }],
          status: ["FAILED", "TIMED_OUT"],
        },
      },
      Targets: [
        {
          Arn: arnOf(functions.ingest.function),
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      ],
    });
    const status = (stateMachineArn: string, value: string) => ({
      source: "aws.states",
      "detail-type": "Step Functions Execution Status Change",
      detail: { stateMachineArn, status: value },
    });
    const pattern = {
      ...ended.EventPattern,
      detail: { stateMachineArn: ["journey"], status: ["FAILED", "TIMED_OUT"] },
    };
    expect(matchesPattern(status("journey", "FAILED"), pattern)).toBe(true);
    expect(matchesPattern(status("journey", "TIMED_OUT"), pattern)).toBe(true);
    // Stopped by the engine (the journey ended) or succeeded: nothing to end.
    expect(matchesPattern(status("journey", "ABORTED"), pattern)).toBe(false);
    expect(matchesPattern(status("journey", "SUCCEEDED"), pattern)).toBe(false);
    expect(matchesPattern(status("another-machine", "FAILED"), pattern)).toBe(false);
  });

  it("routes every kind of event to exactly one handler", () => {
    const { routing } = engine.stack;
    const patterns = {
      ingest: rule(routing.customerEventsRule).EventPattern,
      catalogFanout: rule(routing.catalogEventsRule).EventPattern,
      feedback: rule(routing.feedbackRule).EventPattern,
    };
    const routedTo = (event: Record<string, unknown>) =>
      Object.entries(patterns)
        .filter(([, pattern]) => matchesPattern(event, pattern))
        .map(([name]) => name);
    const event = (source: string, detailType: string) => ({ source, "detail-type": detailType, detail: {} });

    expect(routedTo(event("shop.web", "cart.updated"))).toEqual(["ingest"]);
    expect(routedTo(event("shop.web", "order.placed"))).toEqual(["ingest"]);
    expect(routedTo(event("engage.journey", "journey.failed"))).toEqual(["ingest"]);
    // The engine's own audit events are for analytics: no handler takes them back as input.
    for (const type of AUDIT_EVENT_TYPES) expect(routedTo(event(AUDIT_SOURCE, type)), type).toEqual([]);
    expect(routedTo(event("shop.catalog", "product.inventory_changed"))).toEqual(["catalogFanout"]);
    expect(routedTo(event("shop.catalog", "product.price_changed"))).toEqual(["catalogFanout"]);
    // The core's list of catalog events is the one the rules route by.
    for (const type of eventTypes) {
      expect(routedTo(event("shop.web", type)), type).toEqual([
        isCatalogEventType(type) ? "catalogFanout" : "ingest",
      ]);
    }
    expect(routedTo(event("aws.ses", "Email Bounced"))).toEqual(["feedback"]);
    expect(routedTo(event("aws.sms-voice", "Text Message Delivery Status Updated"))).toEqual(["feedback"]);

    const sesForward = { ...rule(routing.sesFeedbackForwardRule).EventPattern };
    sesForward.detail = { mail: { tags: { "ses:configuration-set": ["engage-set"] } } };
    const sesEvent = (configurationSet: string) => ({
      ...event("aws.ses", "Email Complaint Received"),
      detail: { mail: { tags: { "ses:configuration-set": [configurationSet] } } },
    });
    expect(matchesPattern(sesEvent("engage-set"), sesForward)).toBe(true);
    expect(matchesPattern(sesEvent("another-app"), sesForward)).toBe(false);
  });

  it("feeds the fan-out queue to ingest in batches with partial batch failures", () => {
    const { functions } = engine.stack;
    engine.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: logicalId(functions.ingest.function) },
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^FanoutQueue"), "Arn"] },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});

describe("dead-letter queues", () => {
  it("has a DLQ on every EventBridge rule target", () => {
    const targets = ofType("AWS::Events::Rule").flatMap(
      ([, r]) => r.Properties.Targets as Record<string, unknown>[],
    );
    expect(targets).toHaveLength(6);
    for (const target of targets) expect(target.DeadLetterConfig).toEqual({ Arn: expect.anything() });
  });

  it("has an on-failure destination and a retry policy for every asynchronously invoked function", () => {
    const { ingest, catalogFanout, sweep, feedback } = engine.stack.functions;
    const configs = ofType("AWS::Lambda::EventInvokeConfig").map(([, r]) => r.Properties);
    for (const fn of [ingest, catalogFanout, sweep, feedback]) {
      expect(configs).toContainEqual({
        FunctionName: { Ref: logicalId(fn.function) },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: arnOf(fn.failedInvocations!.queue) } },
      });
    }
  });

  it("has a redrive policy on every queue that is not itself a dead-letter queue", () => {
    type ArnRef = { "Fn::GetAtt": [string, "Arn"] } | undefined;
    const idOf = (arn: ArnRef) => (arn ? [arn["Fn::GetAtt"][0]] : []);
    const queues = ofType("AWS::SQS::Queue").map(([id, q]) => ({ id, ...(q.Properties as QueueProperties) }));
    const deadLetterQueueIds = new Set([
      ...ofType("AWS::Events::Rule").flatMap(([, r]) =>
        (r.Properties as RuleProperties).Targets.flatMap((t) =>
          idOf((t.DeadLetterConfig as { Arn: ArnRef }).Arn),
        ),
      ),
      ...ofType("AWS::Scheduler::Schedule").flatMap(([, s]) =>
        idOf((s.Properties.Target as { DeadLetterConfig: { Arn: ArnRef } }).DeadLetterConfig.Arn),
      ),
      ...ofType("AWS::Lambda::EventInvokeConfig").flatMap(([, c]) =>
        idOf(
          (c.Properties.DestinationConfig as { OnFailure: { Destination: ArnRef } }).OnFailure.Destination,
        ),
      ),
      ...queues.flatMap((q) => idOf(q.RedrivePolicy?.deadLetterTargetArn as ArnRef)),
    ]);
    const workQueues = queues.filter((q) => !deadLetterQueueIds.has(q.id));

    expect(deadLetterQueueIds.size).toBe(queues.length - 1);
    expect(workQueues.map((q) => q.id)).toEqual([expect.stringMatching(/^FanoutQueue/)]);
    for (const queue of workQueues) expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
  });

  it("encrypts every queue and alarms on every dead-letter queue's depth", () => {
    const queues = ofType("AWS::SQS::Queue");
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const depthAlarms = ofType("AWS::CloudWatch::Alarm").filter(
      ([, a]) => a.Properties.MetricName === "ApproximateNumberOfMessagesVisible",
    );
    expect(depthAlarms).toHaveLength(queues.length - 1);
  });
});

describe("IAM", () => {
  const statements = (): Statement[] => [
    ...ofType("AWS::IAM::Policy").flatMap(
      ([, p]) => (p.Properties.PolicyDocument as PolicyDocument).Statement,
    ),
    ...ofType("AWS::IAM::Role").flatMap(([, r]) =>
      ((r.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      ),
    ),
  ];
  const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

  it("uses no wildcard action", () => {
    const actions = statements().flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(50);
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
  });

  it("allows Resource * only for actions that have no resource-level permissions", () => {
    const unscopable = new Set([
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]);
    const unscoped = statements().filter((s) => s.Resource === "*");
    expect(unscoped.flatMap(actionsOf).filter((action) => !unscopable.has(action))).toEqual([]);
  });

  it("lets the senders publish SMS to phone numbers and push to this account's endpoints, never to a topic", () => {
    const local = { "AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012" };
    const resolve = (value: unknown): string => {
      if (typeof value === "string") return value;
      const { Ref, "Fn::Join": join } = value as {
        Ref?: keyof typeof local;
        "Fn::Join"?: [string, unknown[]];
      };
      if (Ref) return local[Ref];
      if (join) return join[1].map(resolve).join(join[0]);
      throw new Error(`unexpected ${JSON.stringify(value)}`);
    };
    const patterns = (value: unknown) => (Array.isArray(value) ? value : [value]).map(resolve);
    // IAM's ARN matching: * any characters, ? one.
    const matches = (pattern: string, target: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(target);
    const publish = statements().filter((s) => actionsOf(s).includes("sns:Publish"));
    expect(publish.every((s) => s.Effect === "Allow" && actionsOf(s).length === 1)).toBe(true);
    const allowed = (target: string) =>
      publish.some((s) =>
        s.NotResource !== undefined
          ? !patterns(s.NotResource).some((p) => matches(p, target))
          : patterns(s.Resource).some((p) => matches(p, target)),
      );

    expect(new Set(publish.map((s) => JSON.stringify(s))).size).toBe(2);
    expect(allowed("+14155550123")).toBe(true);
    expect(
      allowed(
        "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/shop-app/5e3e9847-3183-3f18-a7e8-671c3a57d4b3",
      ),
    ).toBe(true);
    expect(allowed("arn:aws:sns:us-east-1:123456789012:EngageAlarmTopic")).toBe(false);
    expect(allowed("arn:aws:sns:us-east-1:210987654321:endpoint/GCM/other-app/1")).toBe(false);
    expect(allowed("arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/shop-app/1")).toBe(false);
    expect(publish.some((s) => s.Resource === "*")).toBe(false);
  });

  it("lets only the workflow starters stop a journey's workflow, and only this machine's executions", () => {
    const { functions, journey } = engine.stack;
    const machine = logicalId(journey.stateMachine);
    const stops = ofType("AWS::IAM::Policy").flatMap(([, p]) =>
      (p.Properties.PolicyDocument as PolicyDocument).Statement.filter((s) =>
        actionsOf(s).includes("states:StopExecution"),
      ).map((s) => ({ roles: JSON.stringify(p.Properties.Roles), statement: s })),
    );
    const roles = [functions.ingest, functions.sweep].map((fn) => logicalId(fn.role));
    expect(stops.map((s) => roles.filter((role) => s.roles.includes(role)))).toEqual([
      [roles[0]],
      [roles[1]],
    ]);
    for (const { statement } of stops) {
      expect(actionsOf(statement)).toEqual(["states:StopExecution"]);
      const resource = JSON.stringify(statement.Resource);
      expect(resource).toContain(":execution:");
      expect(resource).toContain(`{"Fn::GetAtt":["${machine}","Name"]}`);
      expect(resource.endsWith(`":*"]]}`)).toBe(true);
    }
  });

  it("attaches no managed policy to any role", () => {
    for (const [, role] of ofType("AWS::IAM::Role"))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("lets only the senders send email, from the configured address", () => {
    const sesStatements = statements().filter((s) => actionsOf(s).includes("ses:SendEmail"));
    expect(sesStatements).toHaveLength(3);
    for (const s of sesStatements) {
      expect(s).toMatchObject({
        Condition: { StringEquals: { "ses:FromAddress": FIXTURE_SETTINGS.fromAddress } },
      });
    }
  });
});

describe("tables", () => {
  it("are the two the code reads, on-demand, encrypted, with point-in-time recovery and TTL on expiresAt", () => {
    const tables = ofType("AWS::DynamoDB::Table");
    expect(tables).toHaveLength(2);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it("have the keys the adapters use", () => {
    const { customerState, interestIndex } = engine.stack.tables;
    const keysOf = (table: IConstruct) => resources[logicalId(table)]!.Properties.KeySchema;
    expect(keysOf(customerState)).toEqual([{ AttributeName: "customerId", KeyType: "HASH" }]);
    expect(keysOf(interestIndex)).toEqual([
      { AttributeName: "productId", KeyType: "HASH" },
      { AttributeName: "customerId", KeyType: "RANGE" },
    ]);
  });

  it("grant each role the DynamoDB actions its adapters send, read from the adapters' own commands", () => {
    const { customerState, interestIndex } = engine.stack.tables;
    const { ingest, catalogFanout, journeyStep, sweep, feedback, unsubscribe } = engine.stack.functions;
    // lib-dynamodb's command names, as IAM names their actions.
    const actionOf = (command: string) =>
      `dynamodb:${command.replace(/^(Get|Put|Update|Delete|BatchGet|BatchWrite)$/, "$1Item")}`;
    const commandsIn = (file: string, pick: (command: string) => boolean = () => true) => [
      ...new Set(
        [...readFileSync(join("functions", "adapters", file), "utf8").matchAll(/new (\w+)Command\(/g)]
          .map((m) => m[1]!)
          .filter(pick),
      ),
    ];
    const policies = ofType("AWS::IAM::Policy").map(([, p]) => ({
      roles: JSON.stringify(p.Properties.Roles),
      statements: (p.Properties.PolicyDocument as PolicyDocument).Statement,
    }));
    const granted = (role: IConstruct, table: IConstruct, action: string) =>
      policies.some(
        (p) =>
          p.roles.includes(logicalId(role)) &&
          p.statements.some(
            (s) =>
              (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action) &&
              JSON.stringify(s.Resource).includes(logicalId(table)),
          ),
      );
    const stateRoles = [ingest, journeyStep, sweep, feedback, unsubscribe].map((fn) => fn.role);
    const cases: [IConstruct[], IConstruct, string[]][] = [
      [[ingest.role], interestIndex, commandsIn("dynamodb-interest-index.ts", (c) => c !== "Query")],
      [[catalogFanout.role], interestIndex, ["Query"]],
      [stateRoles, customerState, commandsIn("dynamodb-state-store.ts")],
      [stateRoles, customerState, commandsIn("dynamodb-effect-receipts.ts")],
    ];
    const missing = cases.flatMap(([roles, table, commands]) =>
      roles.flatMap((role) =>
        commands
          .map(actionOf)
          .filter((action) => !granted(role, table, action))
          .map((action) => `${logicalId(role)} ${action}`),
      ),
    );
    expect(cases.flatMap(([, , commands]) => commands)).toContain("BatchWrite");
    expect(missing).toEqual([]);
  });

  it("index the customers' due times for the sweep, keys only, and let the sweep Query that index and nothing else", () => {
    const { customerState } = engine.stack.tables;
    const table = resources[logicalId(customerState)]!.Properties;
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: DUE_INDEX_NAME,
        KeySchema: [
          { AttributeName: "dueBucket", KeyType: "HASH" },
          { AttributeName: "dueAt", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: "dueBucket", AttributeType: "S" },
        { AttributeName: "dueAt", AttributeType: "N" },
      ]),
    );
    const tableArn = arnOf(customerState);
    const statements = ofType("AWS::IAM::Policy").flatMap(([, p]) =>
      ((p.Properties.PolicyDocument as PolicyDocument).Statement as Statement[]).map((s) => ({
        ...s,
        roles: p.Properties.Roles,
      })),
    );
    const granting = (action: string) =>
      statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action));
    const query = granting("dynamodb:Query").filter((s) =>
      JSON.stringify(s.Resource).includes(logicalId(customerState)),
    );
    expect(query).toHaveLength(1);
    expect(query[0]!.Resource).toEqual({ "Fn::Join": ["", [tableArn, `/index/${DUE_INDEX_NAME}`]] });
    expect(query[0]!.roles).toEqual([{ Ref: logicalId(engine.stack.functions.sweep.role) }]);
    expect(granting("dynamodb:Scan")).toEqual([]);
    // No statement reaches every index of the state table.
    expect(JSON.stringify(statements)).not.toContain("/index/*");
  });
});

describe("sweep schedules", () => {
  it("cover every shipped campaign with a schedule trigger", () => {
    const { campaigns } = loadCampaignDirectory(join(PROJECT_ROOT, "campaigns"));
    expect(sweptCampaignIds(campaigns).sort()).toEqual([
      "milestones",
      "newsletters",
      "personal-offers",
      "personalized-event-markers",
      "recommendations",
      "win-back",
    ]);
  });

  it("exist, hourly, for each swept campaign and for no other, and for the claims", () => {
    const schedules = ofType("AWS::Scheduler::Schedule").map(([, s]) => s.Properties);
    const inputs = schedules.map(
      (s) => JSON.parse((s.Target as { Input: string }).Input) as { campaignId?: string; sweep?: string },
    );
    expect(inputs.flatMap((input) => (input.campaignId ? [input.campaignId] : [])).sort()).toEqual([
      "milestones",
      "recommendations",
      "win-back",
    ]);
    expect(inputs.filter((input) => input.campaignId === undefined)).toEqual([
      { sweep: "claims", scheduledTime: "<aws.scheduler.scheduled-time>" },
    ]);
    for (const input of inputs)
      expect(input).toMatchObject({ scheduledTime: "<aws.scheduler.scheduled-time>" });
    for (const schedule of schedules) {
      expect(schedule).toMatchObject({
        ScheduleExpression: SWEEP_SCHEDULE_EXPRESSION,
        State: "ENABLED",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: {
          Arn: arnOf(engine.stack.functions.sweep.function),
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        },
      });
    }
    expect(SWEEP_SCHEDULE_EXPRESSION).toBe("cron(0 * * * ? *)");
  });

  it("sweep the claims hourly with no swept campaign too, with retry and dead letters", () => {
    const campaignsDir = writeCampaignDir({
      "welcome.json": FIXTURE_CAMPAIGNS["welcome.json"],
      "engine.json": FIXTURE_CAMPAIGNS["engine.json"],
    });
    const outdir = scratchDir("cdk.out-");
    try {
      const app = new App({ outdir, context: engineContext({ "aws:cdk:bundling-stacks": [] }) });
      const stack = addEngineStack(app, { projectRoot: PROJECT_ROOT, campaignsDir });
      const schedules = Object.values(
        Template.fromStack(stack).findResources("AWS::Scheduler::Schedule"),
      ) as Resource[];
      expect(schedules.map((s) => s.Properties)).toEqual([
        expect.objectContaining({
          ScheduleExpression: SWEEP_SCHEDULE_EXPRESSION,
          State: "ENABLED",
          Target: expect.objectContaining({
            Input: JSON.stringify({ sweep: "claims", scheduledTime: "<aws.scheduler.scheduled-time>" }),
            DeadLetterConfig: { Arn: expect.anything() },
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          }),
        }),
      ]);
    } finally {
      for (const dir of [campaignsDir, outdir]) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("functions", () => {
  it("are six arm64 Node.js 22 functions with explicit memory, timeout, tracing and log retention", () => {
    const functions = ofType("AWS::Lambda::Function");
    expect(functions).toHaveLength(6);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        MemorySize: expect.any(Number),
        Timeout: expect.any(Number),
        TracingConfig: { Mode: "Active" },
        LoggingConfig: { LogFormat: "JSON", LogGroup: expect.anything() },
      });
    }
    for (const [, logGroup] of ofType("AWS::Logs::LogGroup")) {
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it("get the environment of the contract", () => {
    const { ingest, sweep, catalogFanout, journeyStep } = engine.stack.functions;
    const environmentOf = (fn: IConstruct) =>
      (resources[logicalId(fn)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const tables = ["STATE_TABLE", "INTEREST_TABLE", "EVENT_BUS_NAME"];
    const sender = ["SES_CONFIGURATION_SET", "FROM_ADDRESS", "UNSUBSCRIBE_URL", "UNSUBSCRIBE_SECRET_ARN"];
    for (const fn of [ingest, sweep]) {
      expect(Object.keys(environmentOf(fn.function))).toEqual(
        expect.arrayContaining([...tables, ...sender, "JOURNEY_STATE_MACHINE_ARN"]),
      );
    }
    expect(Object.keys(environmentOf(journeyStep.function))).toEqual(
      expect.arrayContaining([...tables, ...sender]),
    );
    expect(environmentOf(journeyStep.function).JOURNEY_STATE_MACHINE_ARN).toBeUndefined();
    expect(Object.keys(environmentOf(catalogFanout.function))).toEqual(
      expect.arrayContaining([...tables, "FANOUT_QUEUE_URL"]),
    );
    expect(environmentOf(ingest.function).FROM_ADDRESS).toBe(FIXTURE_SETTINGS.fromAddress);
    // No function is told of a table that does not exist (the unused idempotency and suppression ones).
    for (const [, fn] of ofType("AWS::Lambda::Function")) {
      const names = Object.keys(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
      );
      expect(names.filter((name) => name.endsWith("_TABLE")).sort()).toEqual([
        "INTEREST_TABLE",
        "STATE_TABLE",
      ]);
    }
  });

  it("are given only variables the runtime reads (runtime/environment.ts), and all it requires", () => {
    const ownedByLambdaTooling = /^(POWERTOOLS_|NODE_OPTIONS$)/;
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const names = Object.keys(variables).filter((name) => !ownedByLambdaTooling.test(name));
      expect(
        names.filter((name) => !(ENVIRONMENT_NAMES as readonly string[]).includes(name)),
        id,
      ).toEqual([]);
      // CloudFormation fills the values in; any URL-shaped string stands for them here.
      const deployed = Object.fromEntries(names.map((name) => [name, "https://resolved.example/"]));
      expect(() => readEnvironment(deployed), id).not.toThrow();
    }
  });

  it("are bundled with esbuild as ESM (index.mjs and its chunks), with the validated campaigns beside the code, liquidjs for those that render, and nothing else", () => {
    const assets = readdirSync(engine.outdir).filter((name) => name.startsWith("asset."));
    expect(assets).toHaveLength(6);
    const directory = loadCampaignDirectory(engine.campaignsDir);
    const versions = Object.fromEntries(directory.campaigns.map((c) => [c.id, campaignVersion(c)]));
    const validated = JSON.parse(JSON.stringify({ ...directory, versions })) as unknown;
    let rendering = 0;
    for (const asset of assets) {
      const files = readdirSync(join(engine.outdir, asset));
      // Every function but catalog-fanout renders: liquidjs, required by the first render (lambda-bundle.ts).
      if (files.includes(LIQUIDJS_FILE)) rendering++;
      expect(
        files.filter((file) => !/^[\w-]+-[A-Z0-9]{8}\.mjs$/.test(file) && file !== LIQUIDJS_FILE).sort(),
      ).toEqual([BUNDLED_CAMPAIGNS_FILE, "index.mjs"]);
      expect(JSON.parse(readFileSync(join(engine.outdir, asset, BUNDLED_CAMPAIGNS_FILE), "utf8"))).toEqual(
        validated,
      );
    }
    expect(rendering).toBe(5);
  });

  it("bundle the AWS SDK the lockfile pins, and load no source map at runtime (the maps are an artifact)", () => {
    for (const [, fn] of ofType("AWS::Lambda::Function")) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.NODE_OPTIONS).toBeUndefined();
    }
    for (const asset of readdirSync(engine.outdir).filter((name) => name.startsWith("asset."))) {
      const chunks = readdirSync(join(engine.outdir, asset)).filter((file) => file.endsWith(".mjs"));
      const code = chunks.map((file) => readFileSync(join(engine.outdir, asset, file), "utf8")).join("\n");
      // No import of the SDK is left for the runtime to resolve (to its own, unpinned copy).
      expect(code).not.toMatch(/from\s*"@(?:aws-sdk|smithy)\//);
      expect(code).not.toContain("sourceMappingURL");
      // Credentials from the environment only (Lambda puts them there): no SSO, ini, web identity chain.
      expect(code).toContain('"@aws-sdk/credential-provider-env - fromEnv"');
      expect(code).not.toMatch(/"@aws-sdk\/credential-provider-(?:ini|sso|process|web-identity|http) - /);
      // Nor the campaign-file schemas: the campaigns ship validated (LAMBDA_BUNDLE defines ENGAGE_LAMBDA_BUNDLE).
      expect(code).not.toContain("a step id in kebab-case such as first-reminder");
    }
    // The entry's map is <handler>.mjs.map, a chunk's <handler>.<chunk>.mjs.map.
    const maps = readdirSync(join(engine.outdir, "sourcemaps"));
    expect(maps.filter((file) => !/\.[\w-]+-[A-Z0-9]{8}\.mjs\.map$/.test(file)).sort()).toEqual(
      HANDLERS.map((name) => `${name}.mjs.map`).sort(),
    );
  });

  it("are the bundles bench/bundles.bench.ts builds: the same esbuild options, byte for byte", async () => {
    const fn = engine.stack.functions.ingest.function;
    const code = resources[logicalId(fn)]!.Properties.Code as { S3Key: string };
    const deployed = join(engine.outdir, `asset.${code.S3Key.replace(/\.zip$/, "")}`);
    const outdir = scratchDir("bench-bundle-");
    try {
      const { metafile } = await build({
        ...esbuildOptions(join(PROJECT_ROOT, "functions", "handlers", "ingest.ts"), outdir),
        metafile: true,
      });
      writeFirstUseFiles(metafile as Metafile, outdir);
      // A chunk's name hashes its source map too, whose paths are relative to the output directory:
      // the names differ between two directories, the code does not.
      const chunkName = /-[A-Z0-9]{8}\.mjs/g;
      const code = (dir: string) =>
        readdirSync(dir)
          .filter((file) => file.endsWith(".mjs") || file.endsWith(".cjs"))
          .map((file) => `${file}\n${readFileSync(join(dir, file), "utf8")}`.replace(chunkName, ".mjs"))
          .sort();
      expect(code(deployed).some((file) => file.startsWith("index.mjs\n"))).toBe(true);
      expect(code(outdir)).toEqual(code(deployed));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("reserve a small concurrency for the public unsubscribe URL only, so a flood cannot starve the others", () => {
    const { functions } = engine.stack;
    expect(
      resources[logicalId(functions.unsubscribe.function)]!.Properties.ReservedConcurrentExecutions,
    ).toBe(DEFAULT_UNSUBSCRIBE_CONCURRENCY);
    const reserved = ofType("AWS::Lambda::Function").filter(
      ([, fn]) => fn.Properties.ReservedConcurrentExecutions,
    );
    expect(reserved.map(([id]) => id)).toEqual([logicalId(functions.unsubscribe.function)]);
  });

  it("expose unsubscribe through a function URL", () => {
    engine.template.hasResourceProperties("AWS::Lambda::Url", {
      AuthType: "NONE",
      TargetFunctionArn: arnOf(engine.stack.functions.unsubscribe.function),
    });
  });
});

describe("journey state machine", () => {
  it("is a logged, traced standard workflow whose Step invokes journey-step", () => {
    const asl = localAslFromTemplate(engine.template.toJSON());
    const validation = aslValidator(structuredClone(asl));
    expect(validation.errors).toEqual([]);
    expect(Object.keys(asl.States).sort()).toEqual(Object.values(JOURNEY_STATES).sort());
    expect(asl.States[JOURNEY_STATES.step]).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: {
        FunctionName: `arn:aws:lambda:us-east-1:123456789012:function:${logicalId(engine.stack.functions.journeyStep.function)}`,
      },
    });
    engine.template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineType: "STANDARD",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: "ALL" }),
    });
  });
});

describe("observability", () => {
  it("has one dashboard per campaign", () => {
    const dashboards = ofType("AWS::CloudWatch::Dashboard");
    expect(dashboards).toHaveLength(Object.keys(FIXTURE_CAMPAIGNS).length - 1);
    const body = JSON.stringify(dashboards.map(([, d]) => d.Properties.DashboardBody));
    for (const metric of ["Triggered", "Sent", "Suppressed", "Converted"]) {
      expect(body).toContain(`MetricName=\\\\\\"${metric}\\\\\\" campaign=\\\\\\"win-back\\\\\\"`);
    }
  });

  it("alarms on errors and throttles of every function and on failed journeys, all notifying the topic", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric("Errors")).toHaveLength(6);
    expect(byMetric("Throttles")).toHaveLength(6);
    expect(byMetric("ExecutionsFailed")).toHaveLength(1);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(engine.stack.alarms.topic) }]);
    }
    engine.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: FIXTURE_SETTINGS.alarmEmail,
    });
  });

  it("publishes the SES configuration set's events to the default bus", () => {
    engine.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      EventDestination: {
        Enabled: true,
        EventBridgeDestination: {
          EventBusArn: {
            "Fn::Join": ["", Match.arrayWith([":event-bus/default"])],
          },
        },
        MatchingEventTypes: Match.arrayWith(["bounce", "complaint"]),
      },
    });
  });
});

describe("configuration errors stop the synth", () => {
  const build = (campaignFiles: Record<string, unknown>, context: Record<string, unknown> = {}) => {
    const campaignsDir = writeCampaignDir(campaignFiles);
    const outdir = scratchDir("cdk.out-");
    try {
      const app = new App({ outdir, context: engineContext({ "aws:cdk:bundling-stacks": [], ...context }) });
      return addEngineStack(app, { projectRoot: PROJECT_ROOT, campaignsDir });
    } finally {
      for (const dir of [campaignsDir, outdir]) rmSync(dir, { recursive: true, force: true });
    }
  };

  it("rejects a bad campaign file with the loader's message: file, JSON path, expectation", () => {
    const { "welcome.json": welcome, "engine.json": engineJson } = FIXTURE_CAMPAIGNS;
    const files = { "welcome.json": { ...welcome, kind: "promotional" }, "engine.json": engineJson };
    expect(() => build(files)).toThrow(CampaignFilesError);
    expect(() => build(files)).toThrow(/welcome\.json: kind: expected one of "marketing", "transactional"/);
  });

  it("takes the unsubscribe concurrency from the context, and refuses one that is not a whole number from 1 to 1000", () => {
    const files = { "engine.json": FIXTURE_CAMPAIGNS["engine.json"] };
    const concurrencyOf = (value: unknown) => {
      const stack = build(files, { "engage:unsubscribeConcurrency": value });
      return (
        stack.functions.unsubscribe.function.node.defaultChild as { reservedConcurrentExecutions?: number }
      ).reservedConcurrentExecutions;
    };
    expect(concurrencyOf("25")).toBe(25);
    expect(concurrencyOf(3)).toBe(3);
    for (const bad of ["0", "ten", -1, 2.5, 5000])
      expect(() => concurrencyOf(bad)).toThrow(/engage:unsubscribeConcurrency.*whole number from 1 to 1000/);
  });

  it("rejects a from address the SES identity does not cover", () => {
    const files = { "engine.json": FIXTURE_CAMPAIGNS["engine.json"] };
    expect(() => build(files, { "engage:fromAddress": "news@elsewhere.example" })).toThrow(
      /does not cover fromAddress/,
    );
  });
});

import { ArnFormat, Duration, Stack, Validations } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { DUE_INDEX_NAME } from "../../functions/adapters/dynamodb-due-index.ts";
import type { EmailSending } from "./email-sending.ts";
import { EngineFunction, type FunctionEnvironment, type FunctionSources } from "./engine-function.ts";
import type { EngineTables } from "./engine-tables.ts";
import type { FanoutQueue } from "./fanout-queue.ts";

export interface EngineFunctionsProps {
  readonly sources: FunctionSources;
  readonly tables: EngineTables;
  readonly bus: events.IEventBus;
  readonly email: EmailSending;
  readonly fanout: FanoutQueue;
  /** Reserved concurrency of the public unsubscribe function, so a flood cannot starve the others. */
  readonly unsubscribeConcurrency: number;
}

export const INGEST_TIMEOUT = Duration.seconds(30);

const STATE_ITEM_ACCESS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];

/**
 * The six handlers and, in one place, what each may do. Every grant names its actions and
 * resources; nothing gets a managed policy. JOURNEY_STATE_MACHINE_ARN is added by the stack once
 * the workflow exists (it needs journey-step first).
 */
export class EngineFunctions extends Construct {
  readonly ingest: EngineFunction;
  readonly catalogFanout: EngineFunction;
  readonly journeyStep: EngineFunction;
  readonly sweep: EngineFunction;
  readonly feedback: EngineFunction;
  readonly unsubscribe: EngineFunction;
  readonly unsubscribeUrl: lambda.FunctionUrl;
  readonly unsubscribeSigningSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: EngineFunctionsProps) {
    super(scope, id);
    const { sources, tables, bus, email, fanout } = props;
    const tableEnvironment: FunctionEnvironment = {
      STATE_TABLE: tables.customerState.tableName,
      INTEREST_TABLE: tables.interestIndex.tableName,
      EVENT_BUS_NAME: bus.eventBusName,
    };

    this.unsubscribeSigningSecret = new secretsmanager.Secret(this, "UnsubscribeSigningSecret", {
      description: "HMAC key that signs one-click unsubscribe links (RFC 8058)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.unsubscribeSigningSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Rotating the link-signing key would invalidate every unsubscribe link already delivered, which the law requires to keep working; rotate by hand with a grace period if it leaks.",
    });

    this.unsubscribe = new EngineFunction(this, "Unsubscribe", {
      sources,
      handlerFile: "unsubscribe.ts",
      description: "One-click unsubscribe endpoint (signed links, RFC 8058)",
      timeout: Duration.seconds(10),
      memorySize: 256,
      invocation: "sync",
      reservedConcurrency: props.unsubscribeConcurrency,
      environment: { ...tableEnvironment, UNSUBSCRIBE_SECRET_ARN: this.unsubscribeSigningSecret.secretArn },
    });
    // Mail providers post the one-click request without credentials; the link's signature is the auth.
    this.unsubscribeUrl = this.unsubscribe.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
    });

    const senderEnvironment: FunctionEnvironment = {
      ...tableEnvironment,
      ...email.environment,
      UNSUBSCRIBE_URL: this.unsubscribeUrl.url,
      UNSUBSCRIBE_SECRET_ARN: this.unsubscribeSigningSecret.secretArn,
    };

    this.ingest = new EngineFunction(this, "Ingest", {
      sources,
      handlerFile: "ingest.ts",
      description: "Customer events: profile, traits, consent, interest; triggers, exits, immediate sends",
      timeout: INGEST_TIMEOUT,
      memorySize: 512,
      invocation: "async",
      environment: senderEnvironment,
    });
    this.catalogFanout = new EngineFunction(this, "CatalogFanout", {
      sources,
      handlerFile: "catalog-fanout.ts",
      description: "Catalog events: one message per interested customer onto the fan-out queue",
      timeout: Duration.minutes(2),
      memorySize: 512,
      invocation: "async",
      environment: { ...tableEnvironment, FANOUT_QUEUE_URL: fanout.queue.queueUrl },
    });
    this.journeyStep = new EngineFunction(this, "JourneyStep", {
      sources,
      handlerFile: "journey-step.ts",
      description: "Journey workflow step: what is due now, and when to wake up next",
      timeout: Duration.seconds(30),
      memorySize: 512,
      invocation: "sync",
      environment: senderEnvironment,
    });
    this.sweep = new EngineFunction(this, "Sweep", {
      sources,
      handlerFile: "sweep.ts",
      description: "Scheduled sweep of one campaign (win-back, birthdays, weekly sends)",
      timeout: Duration.minutes(5),
      memorySize: 1024,
      invocation: "async",
      environment: senderEnvironment,
    });
    this.feedback = new EngineFunction(this, "Feedback", {
      sources,
      handlerFile: "feedback.ts",
      description: "SES and SMS feedback: suppress bounced, complained, opted-out addresses; engagement",
      timeout: Duration.seconds(30),
      memorySize: 256,
      invocation: "async",
      environment: tableEnvironment,
    });

    // Who may do what: each grant names its actions; the resource is the table, queue or bus itself.
    const { customerState, interestIndex } = tables;
    const { ingest, catalogFanout, journeyStep, sweep, feedback, unsubscribe } = this;
    // Statements on the table ARN alone: Table.grant would add `index/*` now that the table has an index.
    const grantState = (role: iam.IRole, actions: string[], resource = customerState.tableArn) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [resource] }));
    for (const fn of [ingest, journeyStep, sweep, feedback, unsubscribe]) {
      grantState(fn.role, STATE_ITEM_ACCESS);
    }
    // The sweep reads who is due from the due-time index, then their items, and never scans the table.
    grantState(sweep.role, ["dynamodb:Query"], `${customerState.tableArn}/index/${DUE_INDEX_NAME}`);
    grantState(sweep.role, ["dynamodb:BatchGetItem"]);
    for (const fn of [ingest, journeyStep, sweep, feedback]) bus.grantPutEventsTo(fn.role);
    for (const fn of [ingest, journeyStep, sweep]) this.grantSending(fn, props);
    // The interest index adapter writes in batches only (BatchWriteItem is an action of its own).
    interestIndex.grant(ingest.role, "dynamodb:BatchWriteItem");
    interestIndex.grant(catalogFanout.role, "dynamodb:Query");
    fanout.queue.grantSendMessages(catalogFanout.role);
    this.unsubscribeSigningSecret.grantRead(unsubscribe.role);
  }

  /** Senders: sign unsubscribe links, send email (SES) and SMS/push (SNS). */
  private grantSending(fn: EngineFunction, { email }: EngineFunctionsProps): void {
    this.unsubscribeSigningSecret.grantRead(fn.role);
    email.grantSend(fn.role);
    for (const statement of snsPublishStatements(Stack.of(this))) fn.role.addToPrincipalPolicy(statement);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${PUSH_ENDPOINTS_NAG_RESOURCE}]`,
      reason:
        "Push goes to the platform endpoint ARN of each customer's device, created by the app: any endpoint of this account and region, and nothing else of SNS.",
    });
  }
}

/** How cdk-nag spells the push endpoints resource in a finding id. */
export const PUSH_ENDPOINTS_NAG_RESOURCE =
  "arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*";

/**
 * SNS Publish for SMS and push, and for nothing else (no topic, no other account's endpoint).
 * Publishing straight to a phone number is authorized against the number itself, which is no ARN,
 * so it cannot be named in Resource: an Allow with NotResource of every SNS ARN grants exactly the
 * non-ARN targets (phone numbers). Push is allowed to this account's platform endpoints only.
 */
export function snsPublishStatements(stack: Stack): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ["sns:Publish"], notResources: ["arn:*:sns:*:*:*"] }),
    new iam.PolicyStatement({
      actions: ["sns:Publish"],
      resources: [
        stack.formatArn({
          service: "sns",
          resource: "endpoint",
          resourceName: "*",
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    }),
  ];
}

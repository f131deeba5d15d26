import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { BUNDLED_CAMPAIGNS_FILE } from "../../functions/runtime/bundled-campaigns.ts";
import type { EnvironmentName } from "../../functions/runtime/environment.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { lambdaCode, moveSourceMaps } from "./lambda-bundle.ts";

/** Where the sources live: the handler entries, the lock file, the validated campaigns to ship. */
export interface FunctionSources {
  readonly projectRoot: string;
  /** The campaign directory validated into one file (infra/bundled-campaigns.ts), copied into every package. */
  readonly campaignsFile: string;
  /** Where each function's source map goes (`<handler>.mjs.map`), outside the package Lambda loads. */
  readonly sourceMapsDir: string;
}

export const METRICS_NAMESPACE = "Engage";
export const SERVICE_NAME = "engage";

/** A function's variables, named as functions/runtime/environment.ts reads them. */
export type FunctionEnvironment = { readonly [name in EnvironmentName]?: string };

export interface EngineFunctionProps {
  readonly sources: FunctionSources;
  /** File name under functions/handlers/, e.g. "ingest.ts". */
  readonly handlerFile: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment?: FunctionEnvironment;
  /**
   * "async": invoked by EventBridge or Scheduler; failed events go, after two retries, to an
   * on-failure queue. "sync": the caller (Step Functions, a function URL client) gets the error.
   */
  readonly invocation: "async" | "sync";
  /** Caps (and guarantees) the function's concurrent executions; unset: the account's pool. */
  readonly reservedConcurrency?: number;
}

/**
 * One Lambda handler: bundled locally with esbuild (lambda-bundle.ts: ESM, the AWS SDK included, no
 * source map in the package), arm64, Node.js 22, with the validated campaigns beside the code, its own
 * log group with a retention, X-Ray, and a role that starts empty (only writing to its own log group)
 * so every other permission is a visible grant.
 */
export class EngineFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly failedInvocations?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EngineFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${props.description} (execution role)`,
    });
    logGroup.grant(this.role, "logs:CreateLogStream", "logs:PutLogEvents");

    if (props.invocation === "async") {
      this.failedInvocations = new DeadLetterQueue(this, "FailedInvocations", {
        holds: `events that ${props.handlerFile} failed to process after its retries`,
      });
    }

    const { projectRoot } = props.sources;
    this.function = new lambda.Function(this, "Function", {
      code: lambdaCode(
        projectRoot,
        join(projectRoot, "functions", "handlers", props.handlerFile),
        (outputDir) => finishPackage(props.sources, props.handlerFile.replace(/\.ts$/, ""), outputDir),
      ),
      handler: "index.handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      ...(this.failedInvocations && {
        onFailure: new destinations.SqsDestination(this.failedInvocations.queue),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      }),
    });

    acknowledgeCommonFindings(this, props);
  }
}

/**
 * After esbuild: the validated campaigns beside the code (the function reads them without validating
 * again), and the source maps moved out of the package into the artifacts.
 */
function finishPackage(sources: FunctionSources, name: string, outputDir: string): void {
  copyFileSync(sources.campaignsFile, join(outputDir, BUNDLED_CAMPAIGNS_FILE));
  mkdirSync(sources.sourceMapsDir, { recursive: true });
  moveSourceMaps(outputDir, sources.sourceMapsDir, name);
}

function acknowledgeCommonFindings(fn: EngineFunction, props: EngineFunctionProps): void {
  Validations.of(fn.role).acknowledge({
    id: "AwsSolutions-IAM5[Resource::*]",
    reason:
      "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.",
  });
  const runtimeReason =
    "Node.js 22 (NODEJS_22_X, supported, not deprecated) is the runtime the project targets and tests with; Node.js 24 is a separate, deliberate upgrade.";
  Validations.of(fn.function).acknowledge(
    { id: "AwsSolutions-L1", reason: runtimeReason },
    { id: "Serverless-LambdaLatestVersion", reason: runtimeReason },
  );
  Validations.of(fn.function).acknowledge({
    id: "Serverless-LambdaDLQ",
    reason:
      props.invocation === "async"
        ? "Asynchronous failures go to an on-failure destination (an SQS queue with a depth alarm), which carries the error as well as the event; a DLQ as well would duplicate every failure."
        : "Invoked synchronously only (Step Functions task or function URL): the caller receives the error and retries or reports it; a Lambda DLQ applies to asynchronous invocations only.",
  });
}

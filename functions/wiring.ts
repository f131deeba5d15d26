import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SESv2Client } from "@aws-sdk/client-sesv2";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbDocuments } from "./adapters/dynamodb-documents.ts";
import { dynamoDbDueIndex } from "./adapters/dynamodb-due-index.ts";
import { DynamoDbInterestIndex } from "./adapters/dynamodb-interest-index.ts";
import { dynamoDbStateScan } from "./adapters/dynamodb-state-scan.ts";
import { DynamoDbCustomerStateStore } from "./adapters/dynamodb-state-store.ts";
import { lazyClient } from "./adapters/lazy-client.ts";
import { type SecretsManagerSecrets, unsubscribeSecret } from "./adapters/secrets-manager-secret.ts";
import type { CampaignCount } from "./core/engine/campaign-counts.ts";
import { CHANNELS } from "./core/events/channels.ts";
import { awsEffectPorts } from "./runtime/aws-effect-ports.ts";
import { bundledCampaigns } from "./runtime/bundled-campaigns.ts";
import type { RuntimeDeps } from "./runtime/customer-runner.ts";
import { type EffectKind, type EffectPorts, effectKinds } from "./runtime/effect-ports.ts";
import { MetricUnit } from "./runtime/emf-metrics.ts";
import { type Environment, readEnvironment, required } from "./runtime/environment.ts";
import { logger, metrics } from "./runtime/handler-shell.ts";
import { loadedOnFirstCall } from "./runtime/loaded-on-first-call.ts";
import type { FanoutPorts } from "./use-cases/catalog-fanout.ts";
import { MAX_INVOCATION_MS, type SweepRuntime, sweepDueAt } from "./use-cases/sweep.ts";
import type { UnsubscribeDeps } from "./use-cases/unsubscribe.ts";
import type * as OnFirstUse from "./wiring-on-first-use.ts";

// The one composition root: each handler's runtime built from its environment and the AWS clients,
// once per container; tests call the same functions with dynalite or mocked clients.

/**
 * The reader of a campaign directory (CAMPAIGNS_DIR: tests and local runs), which validates every file
 * with the campaign schemas. The Lambda bundles define ENGAGE_LAMBDA_BUNDLE (infra/constructs/
 * lambda-bundle.ts) and read the campaigns validated at bundling: there this import is dead code, and
 * the bundle holds neither the reader nor the schemas, whose construction was a fifth of a cold start.
 */
const readCampaignDirectory = process.env.ENGAGE_LAMBDA_BUNDLE
  ? undefined
  : (await import("./campaign-files/load.ts")).loadCampaignDirectory;

/** SDK clients a test can replace (with aws-sdk-client-mock or a dynalite endpoint). */
export type AwsClients = {
  dynamodb: DynamoDbDocuments;
  ses: SESv2Client;
  sns: SNSClient;
  sfn: SFNClient;
  eventbridge: EventBridgeClient;
  secrets: SecretsManagerSecrets;
};

/**
 * The adapters most first calls never use (sending, workflow starts, the audit bus)
 * come from wiring-on-first-use.ts, imported by the first call that needs one: the bundles hold that
 * file and its SDK clients in a chunk of their own (infra/constructs/lambda-bundle.ts), which a cold
 * start does not compile. A client given here (tests) is used; a missing one is made there.
 */
function onFirstUse<Adapter extends object>(build: (module: typeof OnFirstUse) => Adapter): Adapter {
  return loadedOnFirstCall(async () => build(await import("./wiring-on-first-use.ts")));
}

/** What a runtime is given: the state table's client, and any other client a test replaces. */
export type GivenClients = Pick<AwsClients, "dynamodb"> & Partial<AwsClients>;

/** The state table's client alone: what the handlers start with (the others are made on first use). */
export function stateTableClient(): Pick<AwsClients, "dynamodb"> {
  return {
    // Not the SDK's DocumentClient: its cold start cost ~100 ms of CPU (dynamodb-documents.ts).
    dynamodb: lazyClient(() => new DynamoDbDocuments()),
  };
}

/** Per-campaign counts as CloudWatch metrics (EMF): the dashboards read Engage/<name> by campaign. */
export function emitCampaignCounts(counts: CampaignCount[]): void {
  for (const count of counts) {
    const metric = metrics.singleMetric();
    metric.addDimension("campaign", count.campaign);
    if (count.reason) metric.addDimension("reason", count.reason);
    metric.addMetric(count.name, MetricUnit.Count, 1);
  }
}

/**
 * The effects each function's role is granted (infra/constructs/engine-functions.ts). A run takes over
 * only the outbox entries its function can perform; the rest wait for the next run of a function that
 * can, or for the hourly sweep, which finishes every customer's leftovers. Journey-step cannot start
 * workflows (its own state machine would depend on it) and only ingest writes the interest index;
 * feedback and the public unsubscribe URL send nothing.
 */
export const FUNCTION_EFFECTS = {
  ingest: effectKinds,
  journeyStep: CHANNELS,
  sweep: [...CHANNELS, "start"],
  feedback: [],
  unsubscribe: [],
} as const satisfies Record<string, readonly EffectKind[]>;

/**
 * Everything a handler needs, built once per container from its environment. An effect is configured
 * only when the function has what it needs: SES and SNS with the sender settings (given together with
 * the sending grants), workflow starts with the state machine ARN, and only if `effects` grants it.
 */
export function awsRuntime(
  clients: GivenClients = stateTableClient(),
  env: Environment = readEnvironment(),
  effects: readonly EffectKind[] = FUNCTION_EFFECTS.ingest,
  now: () => number = () => Date.now(),
): RuntimeDeps {
  const { FROM_ADDRESS: from, SES_CONFIGURATION_SET: configurationSetName } = env;
  const { JOURNEY_STATE_MACHINE_ARN: stateMachineArn, UNSUBSCRIBE_SECRET_ARN: secretArn } = env;
  return runtimeWithPorts(
    clients,
    env,
    now,
    awsEffectPorts({
      now,
      effects,
      interest: new DynamoDbInterestIndex(clients.dynamodb, env.INTEREST_TABLE),
      ...(from && configurationSetName
        ? {
            email: onFirstUse((built) => built.emailSender(clients.ses, { from, configurationSetName })),
            sns: onFirstUse((built) => built.snsSender(clients.sns)),
          }
        : {}),
      ...(stateMachineArn
        ? { journeys: onFirstUse((built) => built.journeyStarter(clients.sfn, stateMachineArn)) }
        : {}),
      ...(env.UNSUBSCRIBE_URL && secretArn
        ? {
            unsubscribe: {
              baseUrl: env.UNSUBSCRIBE_URL,
              secret: unsubscribeSecret(clients.secrets, secretArn),
            },
          }
        : {}),
    }),
  );
}

/**
 * The runtime of a function granted no effect (FUNCTION_EFFECTS: feedback, unsubscribe): what awsRuntime
 * gives it, without the sending adapters it would never use (its decisions' messages wait in the outbox).
 */
export function awsRecordingRuntime(
  clients: GivenClients = stateTableClient(),
  env: Environment = readEnvironment(),
  now: () => number = () => Date.now(),
): RuntimeDeps {
  return runtimeWithPorts(clients, env, now, awsEffectPorts({ now, effects: [] }));
}

function runtimeWithPorts(
  clients: GivenClients,
  env: Environment,
  now: () => number,
  ports: EffectPorts,
): RuntimeDeps {
  const campaignsDir = env.CAMPAIGNS_DIR;
  if (campaignsDir && !readCampaignDirectory)
    throw new Error("function environment: CAMPAIGNS_DIR is not read by a bundled function");
  const compiled = bundledCampaigns(
    campaignsDir && readCampaignDirectory ? () => readCampaignDirectory(campaignsDir) : undefined,
  );
  const audit = onFirstUse((built) => built.auditPublisher(clients.eventbridge, env.EVENT_BUS_NAME));
  return {
    compiled,
    // Every write files the customer in the sweep's due-time index, in the same conditional put, and a
    // claim that lapses before that time under its receipt's key.
    store: new DynamoDbCustomerStateStore(clients.dynamodb, env.STATE_TABLE, {
      dueAt: (state, filedDueAt) => sweepDueAt(compiled, state, now(), filedDueAt),
      claimLapseMs: MAX_INVOCATION_MS,
    }),
    ports,
    publishAudit: (decisions) => audit.publish(decisions),
    count: emitCampaignCounts,
    now,
    log: logger,
  };
}

/**
 * The clients catalog fan-out uses (a test passes a dynalite client and a mocked SQS client). Without
 * one, the SQS client is made in wiring-on-first-use.ts by the first batch sent: a first call that
 * finds no interested customer does not compile the SDK.
 */
export type FanoutClients = { dynamodb: DynamoDbDocuments; sqs?: SQSClient };

export function defaultFanoutClients(): FanoutClients {
  return { dynamodb: lazyClient(() => new DynamoDbDocuments()) };
}

/** The fan-out's ports on AWS: the interest index table and the fan-out queue. */
export function awsFanoutPorts(
  clients: FanoutClients = defaultFanoutClients(),
  env: Environment = readEnvironment(),
): FanoutPorts {
  const index = new DynamoDbInterestIndex(clients.dynamodb, env.INTEREST_TABLE);
  return {
    interestedCustomerPages: (productId, now) => index.interestedCustomerPages(productId, now),
    sendBatch: onFirstUse((module) => ({
      send: module.fanoutQueue(clients.sqs, required(env, "FANOUT_QUEUE_URL")),
    })).send,
    now: () => Date.now(),
    log: logger,
  };
}

/**
 * The sweep's runtime on AWS: the common one, reading the due-time index of the CustomerState table
 * (the scan stays for tests and comparisons).
 */
export function awsSweepRuntime(
  clients: GivenClients = stateTableClient(),
  env: Environment = readEnvironment(),
  now: () => number = () => Date.now(),
): SweepRuntime {
  return {
    deps: awsRuntime(clients, env, FUNCTION_EFFECTS.sweep, now),
    scan: dynamoDbStateScan(clients.dynamodb, env.STATE_TABLE),
    options: { dueIndex: dynamoDbDueIndex(clients.dynamodb, env.STATE_TABLE) },
  };
}

/** The unsubscribe endpoint's runtime on AWS: the common one, and the cached link-signing key. */
export function awsUnsubscribeDeps(
  clients: GivenClients = stateTableClient(),
  env: Environment = readEnvironment(),
): UnsubscribeDeps {
  const secretArn = required(env, "UNSUBSCRIBE_SECRET_ARN");
  return {
    runtime: awsRecordingRuntime(clients, env),
    // Read without the SDK (secrets-manager-secret.ts): the first call compiles no SDK client.
    secret: unsubscribeSecret(clients.secrets, secretArn),
  };
}

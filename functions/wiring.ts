import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoDbDueIndex } from "./adapters/dynamodb-due-index.ts";
import { DynamoDbInterestIndex } from "./adapters/dynamodb-interest-index.ts";
import { dynamoDbStateScan } from "./adapters/dynamodb-state-scan.ts";
import { DynamoDbCustomerStateStore } from "./adapters/dynamodb-state-store.ts";
import { EventBridgeAuditPublisher } from "./adapters/eventbridge-publisher.ts";
import { lazyClient } from "./adapters/lazy-client.ts";
import { dynamoDbClientSettings, sdkClientSettings } from "./adapters/sdk-client-settings.ts";
import { cachedSecret } from "./adapters/secrets-manager-secret.ts";
import { SesEmailSender } from "./adapters/ses-sender.ts";
import { SnsSender } from "./adapters/sns-sender.ts";
import { sqsSendBatch } from "./adapters/sqs-fanout-queue.ts";
import { StepFunctionsJourneyStarter } from "./adapters/stepfunctions-starter.ts";
import type { CampaignCount } from "./core/engine/campaign-counts.ts";
import { CHANNELS } from "./core/events/channels.ts";
import { awsEffectPorts } from "./runtime/aws-effect-ports.ts";
import { bundledCampaigns } from "./runtime/bundled-campaigns.ts";
import type { RuntimeDeps } from "./runtime/customer-runner.ts";
import { type EffectKind, type EffectPorts, effectKinds } from "./runtime/effect-ports.ts";
import { type Environment, readEnvironment, required } from "./runtime/environment.ts";
import { logger, metrics } from "./runtime/handler-shell.ts";
import type { RuntimeLog } from "./runtime/runtime-log.ts";
import type { FanoutPorts } from "./use-cases/catalog-fanout.ts";
import { type SweepRuntime, sweepDueAt } from "./use-cases/sweep.ts";
import type { UnsubscribeDeps } from "./use-cases/unsubscribe.ts";

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
  dynamodb: DynamoDBDocumentClient;
  ses: SESv2Client;
  sns: SNSClient;
  sfn: SFNClient;
  eventbridge: EventBridgeClient;
  secrets: SecretsManagerClient;
};

/** The clients, each with request timeouts and retries bounded below the effect lease, created on first use. */
export function defaultClients(): AwsClients {
  const clientSettings = sdkClientSettings();
  return {
    ...recordingClients(),
    ses: lazyClient(() => new SESv2Client(clientSettings)),
    sns: lazyClient(() => new SNSClient(clientSettings)),
    sfn: lazyClient(() => new SFNClient(clientSettings)),
  };
}

/** What a function that performs no effect uses: the state table, the audit bus, the link-signing key. */
export type RecordingClients = Pick<AwsClients, "dynamodb" | "eventbridge" | "secrets">;

/**
 * defaultClients without the sending ones: feedback and unsubscribe build only these, so their bundles
 * hold no SES, SNS or Step Functions client to compile at a cold start.
 */
export function recordingClients(): RecordingClients {
  const clientSettings = sdkClientSettings();
  return {
    dynamodb: lazyClient(() =>
      DynamoDBDocumentClient.from(new DynamoDBClient(dynamoDbClientSettings()), {
        marshallOptions: { removeUndefinedValues: true },
      }),
    ),
    eventbridge: lazyClient(() => new EventBridgeClient(clientSettings)),
    secrets: lazyClient(() => new SecretsManagerClient(clientSettings)),
  };
}

export const powertoolsLog: RuntimeLog = {
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};

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
  clients: AwsClients = defaultClients(),
  env: Environment = readEnvironment(),
  effects: readonly EffectKind[] = FUNCTION_EFFECTS.ingest,
  now: () => number = () => Date.now(),
): RuntimeDeps {
  return runtimeWithPorts(
    clients,
    env,
    now,
    awsEffectPorts({
      now,
      effects,
      interest: new DynamoDbInterestIndex(clients.dynamodb, env.INTEREST_TABLE),
      ...(env.FROM_ADDRESS && env.SES_CONFIGURATION_SET
        ? {
            email: new SesEmailSender(clients.ses, {
              from: env.FROM_ADDRESS,
              configurationSetName: env.SES_CONFIGURATION_SET,
            }),
            sns: new SnsSender(clients.sns),
          }
        : {}),
      ...(env.JOURNEY_STATE_MACHINE_ARN
        ? { journeys: new StepFunctionsJourneyStarter(clients.sfn, env.JOURNEY_STATE_MACHINE_ARN) }
        : {}),
      ...(env.UNSUBSCRIBE_URL && env.UNSUBSCRIBE_SECRET_ARN
        ? {
            unsubscribe: {
              baseUrl: env.UNSUBSCRIBE_URL,
              secret: cachedSecret(clients.secrets, env.UNSUBSCRIBE_SECRET_ARN),
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
  clients: RecordingClients = recordingClients(),
  env: Environment = readEnvironment(),
  now: () => number = () => Date.now(),
): RuntimeDeps {
  return runtimeWithPorts(clients, env, now, awsEffectPorts({ now, effects: [] }));
}

function runtimeWithPorts(
  clients: Pick<AwsClients, "dynamodb" | "eventbridge">,
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
  return {
    compiled,
    // Every write files the customer in the sweep's due-time index, in the same conditional put.
    store: new DynamoDbCustomerStateStore(clients.dynamodb, env.STATE_TABLE, {
      dueAt: (state, filedDueAt) => sweepDueAt(compiled, state, now(), filedDueAt),
    }),
    ports,
    publishAudit: (decisions) =>
      new EventBridgeAuditPublisher(clients.eventbridge, { eventBusName: env.EVENT_BUS_NAME }).publish(
        decisions,
      ),
    count: emitCampaignCounts,
    now,
    log: powertoolsLog,
  };
}

/** The clients catalog fan-out uses (a test passes a dynalite client and a mocked SQS client). */
export type FanoutClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

export function defaultFanoutClients(): FanoutClients {
  const clientSettings = sdkClientSettings();
  return {
    dynamodb: lazyClient(() => DynamoDBDocumentClient.from(new DynamoDBClient(dynamoDbClientSettings()))),
    sqs: lazyClient(() => new SQSClient(clientSettings)),
  };
}

/** The fan-out's ports on AWS: the interest index table and the fan-out queue. */
export function awsFanoutPorts(
  clients: FanoutClients = defaultFanoutClients(),
  env: Environment = readEnvironment(),
): FanoutPorts {
  const index = new DynamoDbInterestIndex(clients.dynamodb, env.INTEREST_TABLE);
  return {
    interestedCustomerPages: (productId, now) => index.interestedCustomerPages(productId, now),
    sendBatch: sqsSendBatch(clients.sqs, required(env, "FANOUT_QUEUE_URL")),
    now: () => Date.now(),
    log: powertoolsLog,
  };
}

/**
 * The sweep's runtime on AWS: the common one, reading the due-time index of the CustomerState table
 * (the scan stays for tests and comparisons).
 */
export function awsSweepRuntime(
  clients: AwsClients = defaultClients(),
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
  clients: RecordingClients = recordingClients(),
  env: Environment = readEnvironment(),
): UnsubscribeDeps {
  return {
    runtime: awsRecordingRuntime(clients, env),
    secret: cachedSecret(clients.secrets, required(env, "UNSUBSCRIBE_SECRET_ARN")),
  };
}

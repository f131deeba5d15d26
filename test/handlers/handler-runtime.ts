import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { decide, decideCatalog } from "../../functions/core/engine/decide.ts";
import type { Decision } from "../../functions/core/engine/decisions.ts";
import {
  type CatalogEvent,
  type CustomerEvent,
  parseEnvelope,
} from "../../functions/core/events/envelope.ts";
import { type RuntimeDeps, runForCustomer } from "../../functions/runtime/customer-runner.ts";
import type { Environment } from "../../functions/runtime/environment.ts";
import { silentLog } from "../../functions/runtime/runtime-log.ts";
import { type AwsClients, awsRuntime } from "../../functions/wiring.ts";
import {
  createTable,
  DUE_INDEX_TABLE_INDEX,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from "../adapters/local-dynamodb.ts";
import { CAMPAIGNS_DIR, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { secretsManagerStandIn } from "../support/secrets-manager-stand-in.ts";

export const SECRET = "s".repeat(64);
export const ENV: Environment = {
  STATE_TABLE: "customer-state",
  INTEREST_TABLE: "interest-index",
  EVENT_BUS_NAME: "engage",
  JOURNEY_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:journey",
  FANOUT_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/fanout",
  SES_CONFIGURATION_SET: "engage",
  FROM_ADDRESS: "Shop <news@shop.example>",
  UNSUBSCRIBE_URL: "https://unsubscribe.shop.example/",
  UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
  CAMPAIGNS_DIR,
};

/**
 * The handlers' runtime as awsRuntime builds it, on dynalite (the CustomerState and interest tables)
 * and on mocked SES, SNS, Step Functions, EventBridge and Secrets Manager clients, with a clock the
 * test sets.
 */
export async function startHandlerRuntime() {
  const db: LocalDynamoDb = await startLocalDynamoDb();
  await createTable(db.client, ENV.STATE_TABLE, "customerId", undefined, DUE_INDEX_TABLE_INDEX);
  await createTable(db.client, ENV.INTEREST_TABLE, "productId", "customerId");
  const secrets = secretsManagerStandIn(SECRET);
  const clients: AwsClients = {
    dynamodb: db.documents,
    ses: new SESv2Client({ region: "us-east-1" }),
    sns: new SNSClient({ region: "us-east-1" }),
    sfn: new SFNClient({ region: "us-east-1" }),
    eventbridge: new EventBridgeClient({ region: "us-east-1" }),
    secrets: secrets.client,
  };
  const mocks = {
    ses: mockClient(clients.ses),
    sns: mockClient(clients.sns),
    sfn: mockClient(clients.sfn),
    eventbridge: mockClient(clients.eventbridge),
  };
  const resetMocks = () => {
    for (const mock of Object.values(mocks)) mock.reset();
    let sent = 0;
    mocks.ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++sent}` }));
    mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:execution", startDate: new Date() });
    mocks.eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    secrets.reset();
  };
  resetMocks();
  const clock = { now: Date.parse("2026-03-01T08:00:00Z") };
  const now = () => clock.now;
  const deps: RuntimeDeps = { ...awsRuntime(clients, ENV, undefined, now), now, log: silentLog };
  const store = new DynamoDbCustomerStateStore(clients.dynamodb, ENV.STATE_TABLE);

  /** A customer event through the ingest path (runForCustomer + decide); its decisions. */
  const ingest = async (event: TestEvent & { id: string }): Promise<Decision[]> => {
    const parsed = parseEnvelope(JSON.parse(toJsonLines([event])[0]!));
    if (parsed.kind !== "event") throw new Error(`test event not accepted: ${JSON.stringify(parsed)}`);
    const customerEvent = parsed.event as CustomerEvent;
    const { decisions } = await runForCustomer(
      deps,
      customerEvent.detail.customerId,
      customerEvent.id,
      (state) => decide(deps.compiled, state, customerEvent),
    );
    return decisions;
  };

  /** A catalog event for one customer, as ingest runs a fan-out message; its decisions. */
  const ingestCatalog = async (customerId: string, envelope: unknown): Promise<Decision[]> => {
    const parsed = parseEnvelope(envelope);
    if (parsed.kind !== "event") throw new Error(`test event not accepted: ${JSON.stringify(parsed)}`);
    const event = parsed.event as CatalogEvent;
    const { decisions } = await runForCustomer(deps, customerId, event.id, (state) =>
      decideCatalog(deps.compiled, state, event),
    );
    return decisions;
  };

  /** The campaign and customer of each email SES was asked to send, from the message tags. */
  const sentEmails = () =>
    mocks.ses.commandCalls(SendEmailCommand).map((call) => {
      const tags = Object.fromEntries((call.args[0].input.EmailTags ?? []).map((t) => [t.Name, t.Value]));
      return {
        campaign: tags.campaign,
        customerId: tags.customer,
        to: call.args[0].input.Destination?.ToAddresses?.[0],
      };
    });

  return { db, clients, mocks, secrets, resetMocks, clock, deps, store, ingest, ingestCatalog, sentEmails };
}

export type HandlerRuntime = Awaited<ReturnType<typeof startHandlerRuntime>>;

/**
 * The handlers' runtime for a test file: started before its tests, stopped after them, and before
 * each test its mocks reset and its clock set to `clockAt`. Read it inside tests or hooks (the
 * returned object forwards to the runtime once started).
 */
export function useHandlerRuntime(clockAt = "2026-03-01T08:00:00Z"): HandlerRuntime {
  let started: HandlerRuntime | undefined;
  beforeAll(async () => {
    started = await startHandlerRuntime();
  });
  afterAll(async () => {
    await started?.db.stop();
  });
  beforeEach(() => {
    started!.resetMocks();
    started!.clock.now = Date.parse(clockAt);
  });
  return new Proxy({} as HandlerRuntime, {
    get(_, key) {
      if (!started) throw new Error("the handler runtime starts in beforeAll: read it inside a test or hook");
      return started[key as keyof HandlerRuntime];
    },
  });
}

/** The message decisions, as `campaign status reason` lines. */
export function messageLines(decisions: readonly Decision[]): string[] {
  return decisions.flatMap((d) =>
    d.type === "message"
      ? [`${d.line.campaign} ${d.line.status}${d.line.reason ? ` ${d.line.reason}` : ""}`]
      : [],
  );
}

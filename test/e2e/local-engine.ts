import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import type { CompiledCampaigns } from "../../functions/core/engine/compile.ts";
import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import { handler as ingestHandler, useRuntime as useIngestRuntime } from "../../functions/handlers/ingest.ts";
import {
  handler as journeyStepHandler,
  useRuntime as useJourneyStepRuntime,
} from "../../functions/handlers/journey-step.ts";
import type { Environment } from "../../functions/runtime/environment.ts";
import type { StepResult } from "../../functions/use-cases/journey-step.ts";
import { awsRuntime } from "../../functions/wiring.ts";
import { VirtualTime } from "../../local/dev/virtual-time.ts";
import {
  type AslDefinition,
  aslOnVirtualTime,
  synthesizeLocalJourneyAsl,
  waitedUntil,
} from "../../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";
import { createTable, type LocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { mockExecutions } from "../support/mocked-executions.ts";
import { recordingLog } from "../support/recording-ports.ts";
import { CAMPAIGNS_DIR, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { secretsManagerStandIn } from "../support/secrets-manager-stand-in.ts";

type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** One workflow execution as the local Step Functions ran it. */
export type LocalExecution = {
  name: string;
  input: { customerId: string; instanceId: string; generation?: number; wakeAt?: string; step?: string };
  startedAt: string;
  /** Virtual times at which the Step task ran (a retry runs at the same instant). */
  stepCalls: string[];
  events: EventLog[];
  failuresRecorded: unknown[];
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
  /** When StopExecution stopped it (its Step asleep then wakes and returns, calling nothing). */
  stoppedAt?: string;
  output?: unknown;
  error?: unknown;
  endedAt?: string;
  /** The wakeAt the last Step returned: the Wait state's timestamp. */
  nextWake?: number;
  /** Names of the states entered, in order, from the execution's event log. */
  statesEntered(): string[];
  retries(): number;
};

export type SentEmail = { at: string; input: SendEmailCommandInput };
export type AuditRecord = { type: string; time: string; detail: Record<string, unknown> };

const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Journey";
export const UNSUBSCRIBE_SECRET = "local-unsubscribe-signing-secret-0123456789";
const iso = (at: number) => new Date(at).toISOString();

let asl: AslDefinition | undefined;
/**
 * The journey ASL synthesized from the CDK construct once per test file (CDK synth takes a while), its
 * Tasks' timeouts off the wall clock: the Step sleeps in virtual time inside its Task.
 */
function journeyAsl(): AslDefinition {
  asl ??= aslOnVirtualTime(synthesizeLocalJourneyAsl());
  return asl;
}

let tableCount = 0;

export type LocalEngineOptions = {
  db: LocalDynamoDb;
  /** The virtual time the run starts at. */
  start: string;
  /** Campaigns to run; default the shipped ones, as bundled with the functions. */
  compiled?: CompiledCampaigns;
};

/**
 * The engine as deployed, locally: the real ingest and journey-step handlers on the real AWS runtime
 * (awsRuntime) with DynamoDB on dynalite, the journey workflow's synthesized ASL on
 * aws-local-stepfunctions, and SES, SNS, EventBridge, Secrets Manager and Step Functions'
 * StartExecution mocked at the SDK (StartExecution launches the local execution).
 */
export async function startLocalEngine(options: LocalEngineOptions) {
  const { db } = options;
  const time = new VirtualTime(Date.parse(options.start));
  const suffix = ++tableCount;
  const env: Environment = {
    STATE_TABLE: `customer-state-${suffix}`,
    INTEREST_TABLE: `interest-index-${suffix}`,
    EVENT_BUS_NAME: "engage",
    JOURNEY_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    SES_CONFIGURATION_SET: "engage",
    FROM_ADDRESS: "shop@example.com",
    UNSUBSCRIBE_URL: "https://unsubscribe.example.com/",
    UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
    CAMPAIGNS_DIR,
  };
  await createTable(db.client, env.STATE_TABLE, "customerId");
  await createTable(db.client, env.INTEREST_TABLE, "productId", "customerId");

  const region = { region: "us-east-1" };
  const clients = {
    dynamodb: db.documents,
    ses: new SESv2Client(region),
    sns: new SNSClient(region),
    sfn: new SFNClient(region),
    eventbridge: new EventBridgeClient(region),
    secrets: secretsManagerStandIn(UNSUBSCRIBE_SECRET).client,
  };

  // SES: every call recorded at its virtual time; `sesFailures` says what the next calls throw.
  const sesCalls: SentEmail[] = [];
  const sent: SentEmail[] = [];
  const sesFailures: Error[] = [];
  // What the next journey Step calls throw, before the handler runs (a crash, a bug).
  const stepFailures: Error[] = [];
  mockClient(clients.ses)
    .on(SendEmailCommand)
    .callsFake(async (input: SendEmailCommandInput) => {
      sesCalls.push({ at: iso(time.now), input });
      const failure = sesFailures.shift();
      if (failure) throw failure;
      sent.push({ at: iso(time.now), input });
      return { MessageId: `ses-${sent.length}` };
    });
  const sms: unknown[] = [];
  mockClient(clients.sns)
    .on(PublishCommand)
    .callsFake(async (input: unknown) => {
      sms.push(input);
      return { MessageId: `sns-${sms.length}` };
    });
  const audit: AuditRecord[] = [];
  mockClient(clients.eventbridge)
    .on(PutEventsCommand)
    .callsFake(async ({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => {
      for (const entry of Entries)
        audit.push({
          type: entry.DetailType ?? "",
          time: entry.Time ? entry.Time.toISOString() : "",
          detail: JSON.parse(entry.Detail ?? "{}") as Record<string, unknown>,
        });
      return {
        FailedEntryCount: 0,
        Entries: Entries.map((_, i) => ({ EventId: `audit-${audit.length + i}` })),
      };
    });

  const base = awsRuntime(clients, env);
  const log = recordingLog();
  const deps = {
    ...base,
    ...(options.compiled ? { compiled: options.compiled } : {}),
    now: () => time.now,
    log,
  };
  useIngestRuntime(deps);
  useJourneyStepRuntime(deps);

  // Step Functions: StartExecution launches the journey ASL locally, its Step bound to the real handler.
  const machine = new StateMachine(journeyAsl() as never);
  const running: Promise<unknown>[] = [];
  const aborts: (() => void)[] = [];
  const { executions, startCalls } = mockExecutions(clients.sfn, STATE_MACHINE_ARN, () => time.now, {
    start: (name, input) => launch(name, input as LocalExecution["input"]),
    stop(execution: LocalExecution) {
      if (execution.status !== "RUNNING") return;
      execution.status = "ABORTED";
      execution.stoppedAt = iso(time.now);
    },
  });

  function launch(name: string, input: LocalExecution["input"]): LocalExecution {
    const events: EventLog[] = [];
    const execution: LocalExecution = {
      name,
      input,
      startedAt: iso(time.now),
      stepCalls: [],
      events,
      failuresRecorded: [],
      status: "RUNNING",
      statesEntered: () =>
        events.flatMap((e) => (e.type === "StateEntered" && "state" in e ? [e.state.name] : [])),
      retries: () => events.filter((e) => e.type === "StateRetried").length,
    };
    time.enter();
    const run = machine.run(input, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async (task) => {
            // The Wait state took no real time: the Step sleeps in virtual time until its wakeAt.
            const wakeAt = execution.nextWake ?? waitedUntil((task as { Payload: unknown }).Payload);
            execution.nextWake = undefined;
            if (wakeAt !== undefined) await time.sleepUntil(wakeAt);
            if (execution.status === "ABORTED") {
              run.abort();
              return { Payload: { done: true } } as never;
            }
            execution.stepCalls.push(iso(time.now));
            const failure = stepFailures.shift();
            if (failure) throw failure;
            const result: StepResult = await journeyStepHandler((task as { Payload: unknown }).Payload);
            if (!result.done && result.wakeAt) execution.nextWake = Date.parse(result.wakeAt);
            return { Payload: result } as never;
          },
          [JOURNEY_STATES.recordFailure]: async (entries) => {
            execution.failuresRecorded.push(entries);
            // As the bus would: the customer-events rule takes journey.failed to ingest.
            for (const entry of (entries as { Entries: PutEventsEntryInput[] }).Entries)
              await ingestEnvelope(busEnvelope(entry, time.now));
            return { Entries: [{ EventId: "failure-1" }], FailedEntryCount: 0 };
          },
        },
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        retryIntervalOverrides: { [JOURNEY_STATES.step]: 0, [JOURNEY_STATES.recordFailure]: 0 },
      },
    });
    aborts.push(run.abort);
    const collected = (async () => {
      for await (const event of run.eventLogs) events.push(event);
    })();
    const finished = run.result.then(
      (output) => {
        if (execution.status === "ABORTED") return;
        execution.status = "SUCCEEDED";
        execution.output = output;
      },
      (error: unknown) => {
        execution.status = "FAILED";
        execution.error = error;
      },
    );
    running.push(
      finished.finally(() => {
        execution.endedAt = iso(time.now);
        time.leave();
      }),
      collected,
    );
    return execution;
  }

  const ingestEnvelope = async (envelope: { time: string }) => {
    time.now = Math.max(time.now, Date.parse(envelope.time));
    time.enter();
    try {
      await ingestHandler(envelope);
    } finally {
      time.leave();
    }
  };

  return {
    time,
    env,
    deps,
    log,
    store: new DynamoDbCustomerStateStore(clients.dynamodb, env.STATE_TABLE),
    /** Every SendEmail call, and those that succeeded. */
    sesCalls,
    sent,
    sesFailures,
    stepFailures,
    sms,
    audit,
    executions,
    startExecutionCalls: startCalls,

    /**
     * Delivers the events through the ingest handler at their virtual times, and lets the workflows
     * run (in virtual time order, wake-ups before an event at the same instant, as the simulator
     * does) until nothing is due before `until`.
     */
    async run(events: TestEvent[], until: string): Promise<void> {
      const end = Date.parse(until);
      const pending = toJsonLines(events)
        .map((line) => JSON.parse(line) as { time: string })
        .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
      for (;;) {
        await time.settled();
        const wakeAt = time.nextWakeAt();
        const next = pending[0];
        const nextAt = next ? Date.parse(next.time) : undefined;
        if (wakeAt !== undefined && wakeAt <= end && (nextAt === undefined || wakeAt <= nextAt)) {
          time.wakeNext();
        } else if (next && nextAt !== undefined && nextAt <= end) {
          pending.shift();
          await ingestEnvelope(next);
        } else break;
      }
      await time.settled();
    },

    /** Stops the executions still waiting and waits for every execution's log. */
    async stop(): Promise<void> {
      for (const abort of aborts) abort();
      await Promise.all(running);
    },

    /**
     * The engine's messages as `engage simulate` writes them: each email SES accepted (its virtual
     * time, recipient, subject, campaign and step tags) with the template and products of its
     * message.sent audit event, and each message.suppressed audit event.
     */
    messageLines(): MessageLine[] {
      const auditOf = (type: string) => audit.filter((a) => a.type === type).map((a) => a.detail);
      const sentAudit = auditOf("message.sent");
      const lines: MessageLine[] = sent.map(({ at, input }) => {
        const tag = (name: string) => input.EmailTags?.find((t) => t.Name === name)?.Value;
        const detail = sentAudit.find((d) => d.campaign === tag("campaign") && d.step === tag("step")) ?? {};
        return withoutUndefined({
          at,
          campaign: tag("campaign"),
          step: tag("step"),
          customerId: detail.customerId,
          channel: "email",
          status: "sent",
          template: detail.template,
          to: input.Destination?.ToAddresses?.[0],
          subject: input.Content?.Simple?.Subject?.Data,
          productIds: detail.productIds,
        }) as MessageLine;
      });
      for (const record of audit.filter((a) => a.type === "message.suppressed")) {
        const d = record.detail;
        lines.push(
          withoutUndefined({
            at: record.time,
            campaign: d.campaign,
            step: d.step,
            customerId: d.customerId,
            channel: d.channel,
            status: "suppressed",
            reason: d.reason,
            template: d.template,
            productIds: d.productIds,
          }) as MessageLine,
        );
      }
      return lines.sort((a, b) => a.at.localeCompare(b.at));
    },
  };
}

export type LocalEngine = Awaited<ReturnType<typeof startLocalEngine>>;

/** A PutEvents entry as the state machine's task passes it (Detail still an object, or a JSON string). */
type PutEventsEntryInput = { Source: string; DetailType: string; Detail: unknown };

let busEventCount = 0;
function busEnvelope(entry: PutEventsEntryInput, at: number) {
  return {
    version: "0",
    id: `bus-${++busEventCount}`,
    source: entry.Source,
    "detail-type": entry.DetailType,
    account: "123456789012",
    time: new Date(at).toISOString(),
    region: "us-east-1",
    resources: [],
    detail: typeof entry.Detail === "string" ? (JSON.parse(entry.Detail) as unknown) : entry.Detail,
  };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

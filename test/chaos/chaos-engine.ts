import { AsyncLocalStorage } from "node:async_hooks";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { SQSRecord } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import { type DynamoDbDocuments, ScanCommand } from "../../functions/adapters/dynamodb-documents.ts";
import { RECEIPT_PREFIX, receiptKey } from "../../functions/adapters/dynamodb-effect-receipts.ts";
import { DynamoDbInterestIndex } from "../../functions/adapters/dynamodb-interest-index.ts";
import { dynamoDbStateScan, type ScannedCustomer } from "../../functions/adapters/dynamodb-state-scan.ts";
import { stateItemBytes } from "../../functions/adapters/dynamodb-state-store.ts";
import { SDK_CALL_BUDGET_MS } from "../../functions/adapters/sdk-client-settings.ts";
import { decodeStateAttribute } from "../../functions/adapters/state-item-codec.ts";
import type { CompiledCampaigns } from "../../functions/core/engine/compile.ts";
import {
  handler as fanoutHandler,
  useRuntime as useFanoutRuntime,
} from "../../functions/handlers/catalog-fanout.ts";
import { handler as ingestHandler, useRuntime as useIngestRuntime } from "../../functions/handlers/ingest.ts";
import {
  handler as journeyStepHandler,
  useRuntime as useJourneyStepRuntime,
} from "../../functions/handlers/journey-step.ts";
import { handler as sweepHandler, useRuntime as useSweepRuntime } from "../../functions/handlers/sweep.ts";
import type { MessageEntry } from "../../functions/runtime/claim-effects.ts";
import { EFFECT_LEASE_MS, type RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import type { Environment } from "../../functions/runtime/environment.ts";
import type { RuntimeLog } from "../../functions/runtime/runtime-log.ts";
import type { StepResult } from "../../functions/use-cases/journey-step.ts";
import type { SweepOutcome } from "../../functions/use-cases/sweep.ts";
import type { ClaimsSweepOutcome } from "../../functions/use-cases/sweep-claims.ts";
import { awsRuntime, FUNCTION_EFFECTS } from "../../functions/wiring.ts";
import { TimerQueue } from "../../local/timer-queue.ts";
import {
  type AslDefinition,
  aslOnVirtualTime,
  synthesizeLocalJourneyAsl,
  waitedUntil,
} from "../../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";
import { createTable, type LocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { mockExecutions } from "../support/mocked-executions.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";
import { secretsManagerStandIn } from "../support/secrets-manager-stand-in.ts";
import type { StreamEvent } from "./chaos-stream.ts";
import { customerTrace, outboxOf } from "./customer-trace.ts";
import { DueCustomers } from "./due-sweep.ts";
import {
  conditionalCheckFailed,
  dynamoThrottling,
  FaultDice,
  type FaultKind,
  type FaultPlan,
  ProcessCrash,
  sdkAborted,
  sdkTimeout,
  sesThrottling,
  snsThrottling,
} from "./fault-plan.ts";
import { VirtualClock } from "./virtual-clock.ts";

/** Lambda's asynchronous invocation (EventBridge -> ingest, fan-out): two retries, then the failure destination. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
/** The fan-out queue: redelivered after the visibility timeout, to the dead-letter queue after 5 receives. */
const SQS_VISIBILITY_MS = 60_000;
const SQS_MAX_RECEIVES = 5;
/** How long a slow send takes: past the lease, so a concurrent run may take the entry over. */
const SLOW_SEND_MS = EFFECT_LEASE_MS + 10_000;
/** EventBridge Scheduler invokes the sweep of each scheduled campaign at the start of every hour. */
const HOUR_MS = 3_600_000;
/** Steps in a row that wake their journey no later than now: the journey is wedged. */
const STALLED_STEPS = 20;
/**
 * Ops redrive the dead-letter queues (their alarm fires on the first message) once a day, and once
 * more an hour before the run ends, so a lost event means one still parked after that.
 */
const REDRIVE_EVERY_MS = 24 * HOUR_MS;

/** A message SES or SNS accepted (the customer will receive it). */
export type AcceptedSend = {
  at: number;
  customerId: string;
  campaign: string;
  step: string;
  journeyId: string;
  entryId: string;
  channel: "email" | "sms" | "push";
  marketing: boolean;
  topic?: string;
  to: string;
  /** Position of the send's start among sends and event applications (the order of the run). */
  startedSeq: number;
};

/** An event (or one customer's copy of a catalog event) that was never applied: Lambda gave up. */
export type DeadLetter = {
  eventId: string;
  customerId?: string;
  via: "ingest" | "fanout" | "sqs" | "sweep";
  error: string;
  /** The faults injected into its last attempt; none means the engine failed on its own. */
  faults: FaultKind[];
  /** Parked again after a redrive. */
  afterRedrive?: boolean;
};

/** What ops' redrives of the dead-letter queues did (events and fan-out messages; not sweeps, see docs/chaos.md). */
export type Redrives = {
  /** Redrives that found something to redrive. */
  rounds: number;
  /** Dead letters sent back (each time it was). */
  redriven: number;
  /** Redriven deliveries that were applied (their invocation returned). */
  applied: number;
};

export type Suppression = { at: number; customerId: string; journeyId: string; step: string; reason: string };

export type ChaosRun = {
  label: string;
  plan: FaultPlan;
  events: number;
  deliveries: number;
  sends: AcceptedSend[];
  /**
   * Messages (journeyId|step) the provider accepted that the engine could not know were sent: the
   * process crashed before recording them, or the SDK timed out after the provider had accepted.
   */
  crashedAfterSend: Map<string, number>;
  /** The auditId of each message.sent put on the bus, in order. */
  sentAudits: string[];
  suppressed: Suppression[];
  /** Dead letters still parked at the end of the run, after the last redrive. */
  deadLetters: DeadLetter[];
  /** Every parking in a dead-letter queue, redriven since or not. */
  parked: DeadLetter[];
  redrives: Redrives;
  /** When each event was first applied (its delivery returned), in the order of AcceptedSend.startedSeq. */
  appliedSeq: Map<string, number>;
  failedJourneys: { customerId: string; journeyId: string; error: string }[];
  /** Journeys whose Step kept waking them at the same instant (stopped by the harness). */
  wedgedJourneys: { customerId: string; journeyId: string; at: number }[];
  /** Executions stopped (StopExecution: their journey ended while they waited) before their next Step. */
  stoppedWorkflows: number;
  /** Effects the runtime dropped for good (log "effect dropped"), by reason. */
  droppedEffects: { customerId: string; entry: string; reason: string }[];
  /** Outbox entries still waiting at the end of the run. */
  outboxLeft: { customerId: string; entry: string; kind: string }[];
  faults: Partial<Record<FaultKind, number>>;
  largestStateItem: { customerId: string; bytes: number };
  stateItems: number;
  wallMs: number;
  /** CPU time of this process during the run (user + system): what the run costs on a shared machine. */
  cpuMs: number;
  /** Actors active at once, at most (1: every run was serialized by the virtual clock). */
  maxActive: number;
  /** Hourly sweeps invoked, and skipped because no customer could be due in them (`sweepScan: "due"`). */
  sweeps: { invoked: number; skipped: number };
  /** Customers a sweep wrote that DueCustomers did not list for it: must be none (checked in every mode). */
  sweptOutsideDue: { campaignId: string; hour: string; customerId: string }[];
  /** DynamoDB requests in flight at once, at most (the SDK queues past 50 sockets). */
  maxDynamoDbInFlight: number;
};

/** One Lambda invocation, as the faults see it. */
type Invocation = {
  id: number;
  crashed?: ProcessCrash;
  statePuts: number;
  sends: number;
  /** Messages (journeyId|step) the provider accepted that no state write has recorded since. */
  unrecorded: Set<string>;
  /** The faults injected into it, in order. */
  faults: FaultKind[];
  /** The traced customers it touched (CHAOS_TRACE_CUSTOMERS), to trace its crash for them. */
  traced: Set<string>;
};

const newInvocation = (id: number): Invocation => ({
  id,
  statePuts: 0,
  sends: 0,
  unrecorded: new Set(),
  faults: [],
  traced: new Set(),
});

/** Rolls the dice for one fault in an invocation, and remembers it there. */
function inject(dice: FaultDice, invocation: Invocation | undefined, kind: FaultKind, p: number): boolean {
  if (!dice.roll(kind, p)) return false;
  invocation?.faults.push(kind);
  return true;
}

type Delivery =
  | { kind: "event"; event: StreamEvent; attempt: number; redriven?: boolean }
  | {
      kind: "sqs";
      customerId: string;
      event: StreamEvent;
      receive: number;
      messageId: string;
      redriven?: boolean;
    }
  | { kind: "sweep"; campaignId: string; hour: number; attempt: number }
  | { kind: "redrive" };

const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Journey";
const UNSUBSCRIBE_SECRET = "chaos-unsubscribe-signing-secret-0123456789";

let asl: AslDefinition | undefined;
let tableCount = 0;

export type ChaosRunOptions = {
  db: LocalDynamoDb;
  label: string;
  plan: FaultPlan;
  events: readonly StreamEvent[];
  /** Virtual end of the run (journeys still waiting then are stopped). */
  until: number;
  compiled?: CompiledCampaigns;
  /**
   * What each sweep reads: the whole table as deployed today (a Scan per campaign per hour), or only the
   * customers DueCustomers lists for its campaign and hour, as the due-time index of issue 9 will
   * (default; sweeps with nobody listed are not invoked). Linear in events; the table mode checks the list.
   */
  sweepScan?: "table" | "due";
};

/**
 * Runs a stream through the engine as deployed (ingest, catalog fan-out and journey-step handlers on
 * the AWS runtime, DynamoDB on dynalite, the journey ASL on aws-local-stepfunctions, SES/SNS/SFN/
 * EventBridge mocked at the SDK) on a virtual clock, with the plan's faults injected at the SDK
 * clients and in the delivery of events. Lambda's retries are replayed as AWS would: a failed
 * invocation runs again after its delay, then goes to a dead-letter list.
 */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosRun> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const { db, plan, until } = options;
  const dice = new FaultDice(plan);
  const first = options.events.reduce((min, e) => Math.min(min, e.at), Number.POSITIVE_INFINITY);
  const time = new VirtualClock(first);
  const { trace, traced } = customerTrace(options.label, () => time.now);
  /** Traces for a customer in the current invocation, and remembers it there for the invocation's crash. */
  const traceIn = (invocation: Invocation | undefined, customerId: string | undefined, text: string) => {
    if (!traced(customerId)) return;
    invocation?.traced.add(customerId as string);
    trace(customerId, `${invocation ? `inv ${invocation.id} ` : ""}${text}`);
  };
  const suffix = ++tableCount;
  const env: Environment = {
    STATE_TABLE: `chaos-state-${suffix}`,
    INTEREST_TABLE: `chaos-interest-${suffix}`,
    EVENT_BUS_NAME: "engage",
    JOURNEY_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    FANOUT_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/fanout",
    SES_CONFIGURATION_SET: "engage",
    FROM_ADDRESS: "shop@example.com",
    UNSUBSCRIBE_URL: "https://unsubscribe.example.com/",
    UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
    CAMPAIGNS_DIR,
  };
  await createTable(db.client, env.STATE_TABLE, "customerId");
  await createTable(db.client, env.INTEREST_TABLE, "productId", "customerId");

  const invocations = new AsyncLocalStorage<Invocation>();
  const performing = new AsyncLocalStorage<{
    customerId: string;
    message: MessageEntry;
    signal?: AbortSignal;
  }>();
  /** The sweep an invocation runs, and the customers DueCustomers listed for it. */
  const sweeping = new AsyncLocalStorage<{ campaignId: string; hour: string; due: ScannedCustomer[] }>();
  const sweptOutsideDue: ChaosRun["sweptOutsideDue"] = [];
  const sweeps = { invoked: 0, skipped: 0 };
  let invocationCount = 0;
  const crash = (invocation: Invocation, point: ProcessCrash["point"]): never => {
    invocation.crashed = new ProcessCrash(point);
    for (const customerId of invocation.traced)
      trace(
        customerId,
        `inv ${invocation.id} CRASH ${point} (unrecorded: ${[...invocation.unrecorded].join(", ")})`,
      );
    // Accepted by the provider, never recorded: the one window a resend cannot be told from a first send.
    for (const key of invocation.unrecorded) crashedAfterSend.set(key, (crashedAfterSend.get(key) ?? 0) + 1);
    throw invocation.crashed;
  };

  const dynamodb = db.documents;
  const largest = { customerId: "", bytes: 0 };
  let dueCustomers: DueCustomers | undefined;
  const inFlight = { now: 0, max: 0 };
  const removeFaults = injectDynamoDbFaults(db.documents, {
    stateTable: env.STATE_TABLE,
    current: () => invocations.getStore(),
    dice,
    crash,
    inFlight,
    trace: traceIn,
    onRequest: (command) => time.expectActive(command),
    onStateWrite: (customerId) => {
      dueCustomers?.wrote(customerId);
      const sweep = sweeping.getStore();
      if (sweep && !sweep.due.some((c) => c.customerId === customerId))
        sweptOutsideDue.push({ campaignId: sweep.campaignId, hour: sweep.hour, customerId });
    },
    onStatePut: (customerId, bytes) => {
      if (bytes > largest.bytes) Object.assign(largest, { customerId, bytes });
    },
  });

  const region = { region: "us-east-1" };
  const clients = {
    dynamodb,
    ses: new SESv2Client(region),
    sns: new SNSClient(region),
    sfn: new SFNClient(region),
    eventbridge: new EventBridgeClient(region),
    secrets: secretsManagerStandIn(UNSUBSCRIBE_SECRET).client,
  };

  const queue = new TimerQueue<Delivery>();
  const lastEventOf = new Map<string, StreamEvent>();
  const sends: AcceptedSend[] = [];
  const crashedAfterSend = new Map<string, number>();
  let order = 0;

  /** The provider's side of a send: faults before it, the send accepted, a crash after it. */
  const providerSend = async (throttle: number, kind: FaultKind, error: () => Error) => {
    const invocation = invocations.getStore();
    const current = performing.getStore();
    const startedSeq = ++order;
    const sending = current ? `${current.message.id}` : "";
    traceIn(
      invocation,
      current?.customerId,
      `send ${sending}${invocation?.crashed ? ": invocation crashed" : ""}`,
    );
    if (invocation?.crashed) throw invocation.crashed;
    if (inject(dice, invocation, kind, throttle)) {
      traceIn(invocation, current?.customerId, `send ${sending}: ${kind}`);
      throw error();
    }
    if (invocation && current && inject(dice, invocation, "send_timeout", plan.sendTimeout)) {
      traceIn(invocation, current.customerId, `send ${sending}: send_timeout`);
      // The SDK gives up after its request timeouts; the provider may have accepted meanwhile.
      await time.sleepUntil(time.now + SDK_CALL_BUDGET_MS);
      if (dice.int(0, 1) === 1) {
        accept(current, startedSeq);
        inWindow(current.message);
      }
      throw sdkTimeout();
    }
    if (invocation && current && inject(dice, invocation, "slow_send", plan.slowSend)) {
      // Another run for the customer starts while this send hangs past the lease: a redelivery.
      const concurrent = lastEventOf.get(current.customerId);
      if (concurrent)
        queue.push(time.now + EFFECT_LEASE_MS + 1_000, { kind: "event", event: concurrent, attempt: 1 });
      traceIn(invocation, current.customerId, `send ${sending}: slow_send (redelivery of ${concurrent?.id})`);
      await time.sleepUntil(time.now + SLOW_SEND_MS, current.signal);
      if (current.signal?.aborted) {
        // The runner aborted it, its lease lapsing: cut off in flight, the provider may have accepted it.
        const accepted = dice.int(0, 1) === 1;
        traceIn(invocation, current.customerId, `send ${sending}: aborted${accepted ? ", ACCEPTED" : ""}`);
        if (accepted) {
          accept(current, startedSeq);
          inWindow(current.message);
        }
        throw sdkAborted();
      }
    }
    if (current) accept(current, startedSeq);
    traceIn(
      invocation,
      current?.customerId,
      `send ${sending}: ACCEPTED${invocation?.crashed ? " after the invocation crashed" : ""}`,
    );
    if (invocation) {
      invocation.sends++;
      // Accepted after the process died (a crash in its lease heartbeat while the send was in flight):
      // nothing will record it, the remaining window as for a crash after the send.
      if (current && invocation.crashed) inWindow(current.message);
      else if (current) invocation.unrecorded.add(`${current.message.journeyId}|${current.message.step}`);
      if (inject(dice, invocation, "crash_after_send", plan.crashAfterSend)) crash(invocation, "after_send");
    }
  };
  /** A message the provider accepted that the engine cannot know was sent: one resend of it is excused. */
  const inWindow = (message: MessageEntry) => {
    const key = `${message.journeyId}|${message.step}`;
    crashedAfterSend.set(key, (crashedAfterSend.get(key) ?? 0) + 1);
  };
  /** The provider accepted the message: the customer will receive it. */
  const accept = (
    { customerId, message }: { customerId: string; message: MessageEntry },
    startedSeq: number,
  ) => {
    sends.push({
      at: time.now,
      customerId,
      campaign: message.campaign,
      step: message.step,
      journeyId: message.journeyId,
      entryId: message.id,
      channel: message.channel,
      marketing: message.marketing,
      ...(message.topic !== undefined ? { topic: message.topic } : {}),
      to: message.to,
      startedSeq,
    });
  };
  mockClient(clients.ses)
    .on(SendEmailCommand)
    .callsFake(async () => {
      await providerSend(plan.sesThrottle, "ses_throttle", sesThrottling);
      return { MessageId: `ses-${sends.length}` };
    });
  mockClient(clients.sns)
    .on(PublishCommand)
    .callsFake(async () => {
      await providerSend(plan.snsThrottle, "sns_throttle", snsThrottling);
      return { MessageId: `sns-${sends.length}` };
    });

  const suppressed: Suppression[] = [];
  const sentAudits: string[] = [];
  mockClient(clients.eventbridge)
    .on(PutEventsCommand)
    .callsFake(async ({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => {
      for (const entry of Entries)
        if (entry.DetailType === "message.sent")
          sentAudits.push(String((JSON.parse(entry.Detail ?? "{}") as { auditId?: string }).auditId));
        else if (entry.DetailType === "message.suppressed") {
          const d = JSON.parse(entry.Detail ?? "{}") as Record<string, string>;
          suppressed.push({
            at: time.now,
            customerId: d.customerId ?? "",
            journeyId: d.journeyId ?? "",
            step: d.step ?? "",
            reason: d.reason ?? "",
          });
        }
      return { FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `audit-${i}` })) };
    });

  const droppedEffects: ChaosRun["droppedEffects"] = [];
  const log: RuntimeLog = {
    info() {},
    warn(message, fields = {}) {
      if (message === "effect dropped")
        droppedEffects.push({
          customerId: String(fields.customerId),
          entry: String(fields.entry),
          reason: String(fields.reason),
        });
    },
    error() {},
  };
  /** A function's runtime as deployed, with the effects that function may perform, on the virtual clock. */
  const functionDeps = (effects: (typeof FUNCTION_EFFECTS)[keyof typeof FUNCTION_EFFECTS]): RuntimeDeps => {
    const base = awsRuntime(clients, env, effects);
    return {
      ...base,
      ...(options.compiled ? { compiled: options.compiled } : {}),
      // The message an SDK call belongs to, so the SES/SNS mocks know which entry they accept.
      ports: {
        ...base.ports,
        deliver: (customerId, message, signal) =>
          performing.run({ customerId, message, ...(signal ? { signal } : {}) }, () =>
            base.ports.deliver(customerId, message, signal),
          ),
      },
      now: () => time.now,
      log,
      // The lease heartbeat on the virtual clock, in the invocation it belongs to (a crash stops it too).
      leaseEvery: (ms, check) => {
        const invocation = invocations.getStore();
        return time.every(ms, check, (fn) => (invocation ? invocations.run(invocation, fn) : fn()));
      },
    };
  };
  const deps = functionDeps(FUNCTION_EFFECTS.ingest);
  useIngestRuntime(deps);
  useJourneyStepRuntime(functionDeps(FUNCTION_EFFECTS.journeyStep));
  // One scan segment, one customer at a time: the virtual clock runs one actor's calls in a fixed order.
  const sweepDeps = functionDeps(FUNCTION_EFFECTS.sweep);
  const sweepScan = options.sweepScan ?? "due";
  dueCustomers = new DueCustomers(sweepDeps.compiled, dynamodb, env.STATE_TABLE);
  const tableScan = dynamoDbStateScan(dynamodb, env.STATE_TABLE);
  useSweepRuntime({
    deps: sweepDeps,
    scan:
      sweepScan === "table"
        ? tableScan
        : async function* dueScan() {
            const due = sweeping.getStore()?.due ?? [];
            for (let i = 0; i < due.length; i += 100) yield due.slice(i, i + 100);
          },
    options: { segments: 1, concurrency: 1 },
  });
  const interest = new DynamoDbInterestIndex(dynamodb, env.INTEREST_TABLE);
  useFanoutRuntime({
    interestedCustomerPages: (productId, now) => interest.interestedCustomerPages(productId, now),
    sendBatch: async (entries) => {
      for (const entry of entries) {
        const { customerId, event } = JSON.parse(entry.body) as {
          customerId: string;
          event: StreamEvent["envelope"];
        };
        const copy = { id: event.id, at: Date.parse(event.time), customerId, envelope: event };
        queue.push(time.now, {
          kind: "sqs",
          customerId,
          event: copy,
          receive: 1,
          messageId: `m-${invocationCount}-${entry.id}`,
        });
      }
      return [];
    },
    now: () => time.now,
    log,
    sleep: async () => {},
  });

  // Step Functions: StartExecution runs the journey ASL locally, its Step task bound to the real handler.
  asl ??= aslOnVirtualTime(synthesizeLocalJourneyAsl());
  const machine = new StateMachine(asl as never);
  let liveExecutions = 0;
  const running: Promise<unknown>[] = [];
  const aborts: (() => void)[] = [];
  const failedJourneys: ChaosRun["failedJourneys"] = [];
  const wedgedJourneys: ChaosRun["wedgedJourneys"] = [];
  let stoppedWorkflows = 0;
  mockExecutions(clients.sfn, STATE_MACHINE_ARN, () => time.now, {
    start(_name, input) {
      const execution = { stopped: false };
      launch(input as { customerId: string; instanceId: string }, execution);
      return execution;
    },
    // Its Step, asleep until the wake, returns unrun (on AWS it ends in its Wait).
    stop(execution) {
      execution.stopped = true;
    },
  });

  /** The workflow runs as an actor of its own, from when the invocation that started it is asleep or done. */
  function launch(input: { customerId: string; instanceId: string }, execution: { stopped: boolean }): void {
    time.spawn(time.now, () => execute(input, execution), `workflow ${input.instanceId}`);
  }

  function execute(
    input: { customerId: string; instanceId: string },
    execution: { stopped: boolean },
  ): Promise<unknown> {
    let nextWake: number | undefined;
    let stalled = 0;
    liveExecutions++;
    const run = machine.run(input, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async (task) => {
            // Each Step runs as its own actor, at its wakeAt (the Wait state takes no real time).
            const wakeAt = nextWake ?? waitedUntil((task as { Payload: unknown }).Payload) ?? time.now;
            nextWake = undefined;
            await time.sleepUntil(wakeAt);
            if (execution.stopped) {
              stoppedWorkflows++;
              run.abort();
              return { Payload: { done: true } } as never;
            }
            const invocation = newInvocation(++invocationCount);
            traceIn(invocation, input.customerId, `step ${input.instanceId}`);
            const result: StepResult = await invocations
              .run(invocation, () => journeyStepHandler((task as { Payload: unknown }).Payload))
              .catch((error: unknown) => {
                traceIn(invocation, input.customerId, `step ${input.instanceId} failed: ${errorName(error)}`);
                throw error;
              });
            traceIn(
              invocation,
              input.customerId,
              `step ${input.instanceId} done, wake ${result.wakeAt ?? "-"}`,
            );
            if (!result.done && result.wakeAt) nextWake = Date.parse(result.wakeAt);
            // A Step that keeps waking the journey at the same instant would run for ever (on AWS, a
            // workflow invoking its Step in a loop): stopped and counted.
            if (nextWake !== undefined && nextWake <= time.now) stalled++;
            else stalled = 0;
            if (stalled >= STALLED_STEPS) {
              wedgedJourneys.push({
                customerId: input.customerId,
                journeyId: input.instanceId,
                at: time.now,
              });
              return { Payload: { ...result, done: true, wakeAt: undefined } } as never;
            }
            return { Payload: result } as never;
          },
          [JOURNEY_STATES.recordFailure]: async () => ({
            Entries: [{ EventId: "failure" }],
            FailedEntryCount: 0,
          }),
        },
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        retryIntervalOverrides: { [JOURNEY_STATES.step]: 0, [JOURNEY_STATES.recordFailure]: 0 },
      },
    });
    aborts.push(run.abort);
    const ended = run.result
      .then(
        (output: unknown) => {
          const error = (output as { Error?: string } | undefined)?.Error;
          if (error) failedJourneys.push({ ...input, journeyId: input.instanceId, error });
        },
        (error: unknown) => {
          failedJourneys.push({
            customerId: input.customerId,
            journeyId: input.instanceId,
            error: (error as Error).name ?? String(error),
          });
        },
      )
      .finally(() => {
        liveExecutions--;
      });
    running.push(ended);
    return ended;
  }

  /** The dead-letter queues, as ops see them, and what could be sent back from each letter. */
  const deadLetters: DeadLetter[] = [];
  const redriveOf = new Map<DeadLetter, Delivery>();
  const parked: DeadLetter[] = [];
  const redrives: Redrives = { rounds: 0, redriven: 0, applied: 0 };
  const park = (letter: DeadLetter, redrive?: Delivery) => {
    deadLetters.push(letter);
    parked.push(letter);
    if (redrive) redriveOf.set(letter, redrive);
  };
  /** Ops redrive: every event and fan-out message parked goes back, through the same faults. */
  const redrive = () => {
    const letters = deadLetters.filter((letter) => redriveOf.has(letter));
    if (letters.length === 0) return;
    redrives.rounds++;
    for (const letter of letters) {
      deadLetters.splice(deadLetters.indexOf(letter), 1);
      queue.push(time.now, redriveOf.get(letter) as Delivery);
      redriveOf.delete(letter);
      redrives.redriven++;
    }
  };
  const appliedSeq = new Map<string, number>();
  const applied = (event: StreamEvent) => {
    if (!appliedSeq.has(event.id)) appliedSeq.set(event.id, ++order);
  };

  async function deliver(delivery: Exclude<Delivery, { kind: "redrive" }>): Promise<void> {
    const invocation = newInvocation(++invocationCount);
    if (delivery.kind === "sweep") {
      const { campaignId, hour, attempt } = delivery;
      const scheduledTime = new Date(hour).toISOString();
      const due = await (dueCustomers as DueCustomers).due(campaignId, hour, hour + HOUR_MS);
      if (sweepScan === "due" && due.length === 0) {
        sweeps.skipped++;
        return;
      }
      sweeps.invoked++;
      for (const customer of due)
        traceIn(
          invocation,
          customer.customerId,
          `sweep ${campaignId} ${scheduledTime.slice(0, 13)} attempt ${attempt} (listed)`,
        );
      try {
        const outcome: SweepOutcome | ClaimsSweepOutcome = await sweeping.run(
          { campaignId, hour: scheduledTime.slice(0, 13), due },
          () => invocations.run(invocation, () => sweepHandler({ campaignId, scheduledTime })),
        );
        if (outcome.outcome === "rejected") throw new Error(`sweep rejected: ${outcome.problems}`);
        for (const customerId of invocation.traced)
          trace(customerId, `inv ${invocation.id} sweep ${campaignId} done`);
      } catch (error) {
        for (const customerId of invocation.traced)
          trace(customerId, `inv ${invocation.id} sweep ${campaignId} failed: ${errorName(error)}`);
        const retryIn = ASYNC_RETRY_DELAYS_MS[attempt - 1];
        if (retryIn !== undefined) queue.push(time.now + retryIn, { ...delivery, attempt: attempt + 1 });
        else
          park({
            eventId: `sweep:${campaignId}:${scheduledTime.slice(0, 13)}`,
            via: "sweep",
            error: errorName(error),
            faults: invocation.faults,
          });
      }
      return;
    }
    if (delivery.kind === "event") {
      const { event } = delivery;
      if (event.customerId) lastEventOf.set(event.customerId, event);
      traceIn(
        invocation,
        event.customerId,
        `delivery ${event.id} ${event.envelope["detail-type"]} attempt ${delivery.attempt}`,
      );
      try {
        await invocations.run(invocation, () =>
          event.catalog ? fanoutHandler(event.envelope) : ingestHandler(event.envelope),
        );
        applied(event);
        if (delivery.redriven) redrives.applied++;
        traceIn(invocation, event.customerId, `delivery ${event.id} done`);
      } catch (error) {
        traceIn(invocation, event.customerId, `delivery ${event.id} failed: ${errorName(error)}`);
        const retryIn = ASYNC_RETRY_DELAYS_MS[delivery.attempt - 1];
        if (retryIn !== undefined)
          queue.push(time.now + retryIn, { ...delivery, attempt: delivery.attempt + 1 });
        else
          park(
            {
              eventId: event.id,
              ...(event.customerId ? { customerId: event.customerId } : {}),
              via: event.catalog ? "fanout" : "ingest",
              error: errorName(error),
              faults: invocation.faults,
              ...(delivery.redriven ? { afterRedrive: true } : {}),
            },
            // A redrive sends the event to the function again: a new asynchronous invocation.
            { kind: "event", event, attempt: 1, redriven: true },
          );
      }
      return;
    }
    const record = {
      messageId: delivery.messageId,
      body: JSON.stringify({ customerId: delivery.customerId, event: delivery.event.envelope }),
    } as SQSRecord;
    let failure: unknown;
    traceIn(invocation, delivery.customerId, `fan-out ${delivery.event.id} receive ${delivery.receive}`);
    try {
      const response = (await invocations.run(invocation, () => ingestHandler({ Records: [record] }))) as
        | { batchItemFailures?: unknown[] }
        | undefined;
      if ((response?.batchItemFailures?.length ?? 0) > 0) failure = new Error("batch item failure");
    } catch (error) {
      failure = error;
    }
    traceIn(
      invocation,
      delivery.customerId,
      `fan-out ${delivery.event.id} ${failure === undefined ? "done" : `failed: ${errorName(failure)}`}`,
    );
    if (failure === undefined) {
      if (delivery.redriven) redrives.applied++;
      return;
    }
    if (delivery.receive < SQS_MAX_RECEIVES)
      queue.push(time.now + SQS_VISIBILITY_MS, { ...delivery, receive: delivery.receive + 1 });
    else
      park(
        {
          eventId: delivery.event.id,
          customerId: delivery.customerId,
          via: "sqs",
          error: errorName(failure),
          faults: invocation.faults,
          ...(delivery.redriven ? { afterRedrive: true } : {}),
        },
        // SQS's redrive moves the message back to the fan-out queue: received anew.
        { ...delivery, receive: 1, redriven: true },
      );
  }

  // Each event 1..maxCopies times, each copy up to shuffleMs late.
  let deliveries = 0;
  for (const event of options.events) {
    const copies = plan.maxCopies > 1 ? dice.int(1, plan.maxCopies) : 1;
    if (copies > 1) dice.count("duplicate_delivery", copies - 1);
    for (let copy = 0; copy < copies; copy++) {
      const delay = plan.shuffleMs > 0 ? dice.int(0, plan.shuffleMs) : 0;
      if (delay > 0) dice.count("late_delivery");
      queue.push(event.at + delay, { kind: "event", event, attempt: 1 });
    }
  }

  // The hourly sweep of every scheduled campaign (win-back, birthdays, newsletters; and the backstop
  // that finishes outbox entries no later run of their customer takes), as Scheduler invokes it.
  const scheduled = [
    ...new Set(sweepDeps.compiled.scheduleTriggers.map((bound) => bound.campaign.id)),
  ].sort();
  for (let hour = Math.ceil(first / HOUR_MS) * HOUR_MS; hour <= until; hour += HOUR_MS)
    for (const campaignId of scheduled) queue.push(hour, { kind: "sweep", campaignId, hour, attempt: 1 });
  const lastRedrive = until - HOUR_MS;
  for (
    let at = Math.ceil(first / REDRIVE_EVERY_MS) * REDRIVE_EVERY_MS;
    at < lastRedrive;
    at += REDRIVE_EVERY_MS
  )
    queue.push(at, { kind: "redrive" });
  queue.push(lastRedrive, { kind: "redrive" });

  const TRACE = process.env.CHAOS_TRACE !== undefined;
  let tracedDay = 0;
  for (;;) {
    await time.settled();
    // Two actors at once make the run depend on real time and the machine's load: stop at the first.
    if (time.violations.length > 0) throw new OneActorBroken(options.label, time.violations);
    if (TRACE && Math.floor(time.now / 86_400_000) !== tracedDay) {
      tracedDay = Math.floor(time.now / 86_400_000);
      console.log(
        `trace ${options.label} ${new Date(time.now).toISOString().slice(0, 10)} active=${time.active} maxActive=${time.maxActive} sleepers=${time.sleeping} timers=${time.liveTimers} executions=${liveExecutions} inflight=${inFlight.now}/${inFlight.max} deliveries=${deliveries} cpu=${cpuMs(process.cpuUsage(cpuAtStart))} real=${Math.round(performance.now())}`,
      );
    }
    const wakeAt = time.nextWakeAt();
    const nextAt = queue.peekTime();
    if (wakeAt !== undefined && wakeAt <= until && (nextAt === undefined || wakeAt <= nextAt)) {
      time.wakeNext();
    } else if (nextAt !== undefined && nextAt <= until) {
      const next = queue.pop();
      if (!next) break;
      time.now = Math.max(time.now, next.at);
      const delivery = next.value;
      // Ops' redrive runs no engine code: it puts the parked deliveries back in the queue.
      if (delivery.kind === "redrive") {
        redrive();
        continue;
      }
      if (delivery.kind !== "sweep") deliveries++;
      void time.run(() => deliver(delivery), deliveryName(delivery));
    } else break;
  }
  await time.settled();
  if (time.violations.length > 0) throw new OneActorBroken(options.label, time.violations);
  // Workflows still waiting are stopped: each ends while asleep, which is no breach of the rule.
  time.close();
  for (const abort of aborts) abort();
  await Promise.all(running);
  removeFaults();

  const { outboxLeft, stateItems } = await readFinalStates(dynamodb, env.STATE_TABLE, largest);
  return {
    label: options.label,
    plan,
    events: options.events.length,
    deliveries,
    sends,
    crashedAfterSend,
    sentAudits,
    suppressed,
    deadLetters,
    parked,
    redrives,
    appliedSeq,
    failedJourneys,
    wedgedJourneys,
    stoppedWorkflows,
    droppedEffects,
    outboxLeft,
    faults: Object.fromEntries(dice.injected),
    largestStateItem: largest,
    stateItems,
    wallMs: Math.round(performance.now() - started),
    cpuMs: cpuMs(process.cpuUsage(cpuAtStart)),
    maxActive: time.maxActive,
    sweeps,
    sweptOutsideDue,
    maxDynamoDbInFlight: inFlight.max,
  };
}

type DynamoFaultOptions = {
  stateTable: string;
  current: () => Invocation | undefined;
  dice: FaultDice;
  crash: (invocation: Invocation, point: ProcessCrash["point"]) => never;
  /** Requests in flight now, and at most. */
  inFlight: { now: number; max: number };
  /** A request is about to be sent: the clock checks an active actor sends it. */
  onRequest: (command: string) => void;
  /** Any write of a customer's state item is about to be sent (put, update, delete, in a transaction or not). */
  onStateWrite: (customerId: string) => void;
  onStatePut: (customerId: string, bytes: number) => void;
  /** CHAOS_TRACE_CUSTOMERS: what happens to a traced customer's state requests. */
  trace: (invocation: Invocation | undefined, customerId: string | undefined, text: string) => void;
};

/**
 * Faults on every DynamoDB call of an invocation, as seen after the SDK's own retries gave up:
 * throttling, a version conflict on the state item's conditional put, and the crash points of the
 * runner around that put (after the claim write, before the clear write). Returns its removal.
 */
function injectDynamoDbFaults(client: DynamoDbDocuments, options: DynamoFaultOptions): () => void {
  const { dice, crash } = options;
  const { plan } = dice;
  const name = `chaos-faults-${options.stateTable}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const invocation = options.current();
      const input = args.input as {
        TableName?: string;
        Item?: Record<string, unknown>;
        Key?: Record<string, unknown>;
        ConditionExpression?: string;
      };
      // A receipt (a performed outbox entry recorded in an item of its own) is the record after a send.
      const receiptPut =
        input.TableName === options.stateTable && isReceiptItem(input.Item ?? input.Key ?? {});
      const statePut = input.TableName === options.stateTable && input.Item !== undefined && !receiptPut;
      options.onRequest(context.commandName ?? "a DynamoDB request");
      const keyed = (input as { Key?: Record<string, unknown> }).Key?.customerId ?? input.Item?.customerId;
      const tracedId =
        input.TableName === options.stateTable && keyed !== undefined ? String(plainValue(keyed)) : undefined;
      const traceFault = (fault: string) =>
        options.trace(invocation, tracedId, `${context.commandName}: ${fault}`);
      if (invocation?.crashed) {
        traceFault("invocation crashed");
        throw invocation.crashed;
      }
      for (const customerId of stateWrites(context.commandName, args.input, options.stateTable))
        options.onStateWrite(customerId);
      if (
        invocation &&
        (statePut || receiptPut) &&
        invocation.sends > 0 &&
        inject(dice, invocation, "crash_before_clear", plan.crashBeforeClear)
      ) {
        traceFault("crash_before_clear");
        crash(invocation, "before_clear");
      }
      if (invocation && inject(dice, invocation, "dynamodb_throttle", plan.dynamoThrottle)) {
        traceFault("dynamodb_throttle");
        throw dynamoThrottling();
      }
      if (
        invocation &&
        statePut &&
        input.ConditionExpression &&
        inject(dice, invocation, "dynamodb_conflict", plan.dynamoConflict)
      ) {
        traceFault("dynamodb_conflict");
        throw conditionalCheckFailed();
      }
      options.inFlight.max = Math.max(options.inFlight.max, ++options.inFlight.now);
      let output: Awaited<ReturnType<typeof next>>;
      try {
        output = await next(args);
      } finally {
        options.inFlight.now--;
      }
      if (receiptPut) invocation?.unrecorded.clear();
      if (statePut) {
        const { customerId, json, stored, version } = stateOfItem(input.Item ?? {});
        options.onStatePut(customerId, stateItemBytes(customerId, version, stored));
        options.trace(invocation, customerId, `put v${version} outbox [${outboxOf(json)}]`);
        if (invocation) {
          invocation.statePuts++;
          invocation.unrecorded.clear();
          const claims = invocation.statePuts === 1 && invocation.sends === 0 && json.includes('"claimedAt"');
          if (claims && inject(dice, invocation, "crash_after_claim", plan.crashAfterClaim))
            crash(invocation, "after_claim");
        }
      }
      return output;
    },
    { step: "initialize", name, override: true },
  );
  return () => client.middlewareStack.remove(name);
}

/** The customers whose state item a write command changes (put, update, delete; in a transaction or not). */
function stateWrites(command: string | undefined, input: unknown, stateTable: string): string[] {
  type Write = { TableName?: string; Item?: Record<string, unknown>; Key?: Record<string, unknown> };
  const writes: Write[] =
    command === "TransactWriteItemsCommand"
      ? ((input as { TransactItems?: Record<string, Write | undefined>[] }).TransactItems ?? []).flatMap(
          (item) => [item.Put, item.Update, item.Delete].filter((write) => write !== undefined),
        )
      : command === "PutItemCommand" || command === "UpdateItemCommand" || command === "DeleteItemCommand"
        ? [input as Write]
        : [];
  return writes
    .filter((write) => write.TableName === stateTable)
    .map((write) => String(plainValue((write.Item ?? write.Key)?.customerId)))
    .filter((customerId) => !customerId.startsWith(RECEIPT_PREFIX));
}

const isReceiptItem = (item: Record<string, unknown>) =>
  String(plainValue(item.customerId)).startsWith(RECEIPT_PREFIX);

const plainValue = (value: unknown): unknown =>
  value && typeof value === "object" && ("S" in value || "N" in value)
    ? ((value as { S?: string }).S ?? Number((value as { N?: string }).N))
    : value;

/** The item's fields, whether the document client has marshalled them yet or not. */
function stateOfItem(item: Record<string, unknown>): {
  customerId: string;
  json: string;
  stored: string | Uint8Array;
  version: number;
} {
  const plain = (value: unknown): unknown =>
    value && typeof value === "object" && ("S" in value || "N" in value || "B" in value)
      ? ((value as { S?: string }).S ??
        (value as { B?: Uint8Array }).B ??
        Number((value as { N?: string }).N))
      : value;
  const stored = plain(item.state) as string | Uint8Array;
  return {
    customerId: String(plain(item.customerId)),
    json: decodeStateAttribute(stored) ?? "",
    stored,
    version: Number(plain(item.version)),
  };
}

async function readFinalStates(
  dynamodb: DynamoDbDocuments,
  table: string,
  largest: { customerId: string; bytes: number },
): Promise<{ outboxLeft: ChaosRun["outboxLeft"]; stateItems: number }> {
  const outboxLeft: ChaosRun["outboxLeft"] = [];
  let stateItems = 0;
  // Receipts: entries performed, left in their item until its next write (by claim: the ids).
  const receipts = new Map<string, Set<string>>();
  const left: (ChaosRun["outboxLeft"][number] & { claimedAt: number })[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      if (isReceiptItem(item)) {
        const ids = item.ids as Set<string> | { SS?: string[] } | undefined;
        receipts.set(
          String(plainValue(item.customerId)),
          new Set(ids instanceof Set ? ids : (ids?.SS ?? [])),
        );
        continue;
      }
      stateItems++;
      const { customerId, json, stored, version } = stateOfItem(item);
      const bytes = stateItemBytes(customerId, version, stored);
      if (bytes > largest.bytes) Object.assign(largest, { customerId, bytes });
      const state = JSON.parse(json) as { outbox?: { id: string; kind: string; claimedAt: number }[] };
      for (const entry of state.outbox ?? [])
        left.push({ customerId, entry: entry.id, kind: entry.kind, claimedAt: entry.claimedAt });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  for (const { claimedAt, ...entry } of left)
    if (!receipts.get(receiptKey(entry.customerId, claimedAt))?.has(entry.entry)) outboxLeft.push(entry);
  return { outboxLeft, stateItems };
}

const deliveryName = (delivery: Exclude<Delivery, { kind: "redrive" }>): string =>
  delivery.kind === "sweep"
    ? `sweep ${delivery.campaignId} ${new Date(delivery.hour).toISOString().slice(0, 13)} attempt ${delivery.attempt}`
    : delivery.kind === "sqs"
      ? `fan-out message ${delivery.messageId} receive ${delivery.receive}`
      : `delivery of ${delivery.event.id} attempt ${delivery.attempt}`;

/** The virtual clock's one-actor rule was broken: the run is no longer deterministic, its figures mean nothing. */
export class OneActorBroken extends Error {
  constructor(label: string, violations: readonly string[]) {
    super(
      `${label} run: ${violations.length} breach(es) of the one-actor rule, first: ${violations.slice(0, 5).join("; ")}`,
    );
    this.name = "OneActorBroken";
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1_000);

function errorName(error: unknown): string {
  if (error instanceof Error) return (error as { reason?: string }).reason ?? error.name;
  return String(error);
}

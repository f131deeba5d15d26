// What the sample stream costs on AWS, counted locally: the shop events through the deployed handlers
// (ingest, catalog fan-out, the fan-out queue's batches into ingest, the journey workflow's ASL on
// aws-local-stepfunctions with its Step on the journey-step handler, the hourly sweeps through it all),
// DynamoDB on dynalite with capacity counted by middleware on the client, the other services mocked at
// the SDK and their calls counted. Virtual time, as test/e2e/local-engine.ts runs the engine.
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import { mockClient } from "aws-sdk-client-mock";
import type { DynamoDbDocuments } from "../functions/adapters/dynamodb-documents.ts";
import { SWEPT_MARKER_PREFIX } from "../functions/adapters/dynamodb-due-index.ts";
import { claimOfKey } from "../functions/adapters/dynamodb-effect-receipts.ts";
import { type EventType, isCatalogEventType } from "../functions/core/events/details.ts";
import * as catalogFanout from "../functions/handlers/catalog-fanout.ts";
import * as ingest from "../functions/handlers/ingest.ts";
import * as journeyStep from "../functions/handlers/journey-step.ts";
import * as sweep from "../functions/handlers/sweep.ts";
import type { Environment } from "../functions/runtime/environment.ts";
import { silentLog } from "../functions/runtime/runtime-log.ts";
import type { StepResult } from "../functions/use-cases/journey-step.ts";
import { catchUpFrom } from "../functions/use-cases/sweep.ts";
import { claimsFrom } from "../functions/use-cases/sweep-claims.ts";
import { awsFanoutPorts, awsRuntime, awsSweepRuntime, FUNCTION_EFFECTS } from "../functions/wiring.ts";
import { loadCampaignSummaries, sweptCampaignIds } from "../infra/campaign-config.ts";
import { createEngineTables } from "../local/dev/tables.ts";
import { VirtualTime } from "../local/dev/virtual-time.ts";
import { startLocalDynamoDb } from "../test/adapters/local-dynamodb.ts";
import { mockExecutions } from "../test/support/mocked-executions.ts";
import { secretsManagerStandIn } from "../test/support/secrets-manager-stand-in.ts";
import { aslOnVirtualTime, synthesizeLocalJourneyAsl, waitedUntil } from "../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../workflows/journey/journey-state-machine.ts";
import {
  type CapacityTotals,
  countCapacity,
  emptyTotals,
  type Input,
  percentile,
} from "./capacity-counter.ts";

const root = join(import.meta.dirname, "..");
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The fan-out queue's event source mapping (infra/constructs/fanout-queue.ts). */
const FANOUT_BATCH = 10;

/**
 * Who spent the DynamoDB units: the phase of the handler that ran. A sweep's calls that do not depend on
 * customers (the index's Queries, one per hour and shard of its window, and its marker) are `sweepFixed`:
 * a cost per swept campaign per hour, whatever the events; the rest of a sweep is `sweep`.
 */
type Phase = "customerEvent" | "catalogFanout" | "fanoutCandidate" | "journeyStep" | "sweep" | "sweepFixed";
const phases: Phase[] = [
  "customerEvent",
  "catalogFanout",
  "fanoutCandidate",
  "journeyStep",
  "sweep",
  "sweepFixed",
];

export type AwsCostCounts = {
  events: { lines: number; customer: number; catalog: number; fanoutCandidates: number; customers: number };
  /** Virtual days from the first to the last event. */
  days: number;
  dynamodb: Record<Phase, Omit<CapacityTotals, "writtenItemBytes">>;
  itemBytesWritten: { p50: number; p99: number; max: number; writes: number };
  lambda: { ingest: number; catalogFanout: number; journeyStep: number; sweep: number };
  /**
   * The sweeps' fixed units (sweepFixed) of each hour swept, all campaigns: the first hour has no marker
   * yet; `afterSweptHour`: the hour before was swept too (the steady window of an hourly schedule).
   */
  sweepFixedByHour: FixedUnits[];
  /** The same for the claims' sweep, of each hour it ran. */
  claimsFixedByHour: FixedUnits[];
  /**
   * `stepRetries`: the Step's retries (StateRetried), each a journey-step invocation more; `stopped`:
   * executions stopped because their journey ended while they waited.
   */
  stepFunctions: {
    executions: number;
    finished: number;
    transitions: number;
    transitionsPerJourney: number;
    stepRetries: number;
    stopped: number;
  };
  eventBridge: { putEventsEntries: number };
  sqs: { sendMessageBatch: number; messages: number };
  ses: { emails: number };
  sns: { sms: number };
  /**
   * Hour boundaries from the first event's to 30 days after the last: swept (each swept campaign once)
   * or skipped because the sweeps' window held no one; and those the claims' sweep ran at or skipped
   * (no claim filed in its window).
   */
  sweep: {
    campaigns: number;
    hoursSwept: number;
    hoursSkipped: number;
    claimsHoursSwept: number;
    claimsHoursSkipped: number;
  };
  /** Wall time spent in each phase's handler calls, locally against dynalite (ms). */
  handlerMs: Record<Phase, number>;
  seconds: number;
};

type FixedUnits = { readUnits: number; writeUnits: number; afterSweptHour: boolean };

/** The phase of the handler running now (for bench/state-items.ts to split what it captures). */
const phase = new AsyncLocalStorage<Phase>();
export const currentPhase = (): Phase | undefined => phase.getStore();
/** The virtual clock of the run in progress (for bench/state-items.ts to judge each filing). */
let virtualNow: () => number | undefined = () => undefined;
export const currentTime = (): number | undefined => virtualNow();
/** Each audit event put on the bus (for bench/state-items.ts to say what a run decided). */
let auditListener: (entry: PutEventsRequestEntry) => void = () => {};
export const onAuditEvent = (listener: (entry: PutEventsRequestEntry) => void) => {
  auditListener = listener;
};

/** A sweep's call whose cost does not depend on customers: an index Query, or its marker's read or write. */
function isSweepFixed(command: string, input: Input): boolean {
  if (command === "QueryCommand") return true;
  const key = (input.Key ?? input.Item) as { customerId?: { S?: string } } | undefined;
  return key?.customerId?.S?.startsWith(SWEPT_MARKER_PREFIX) === true;
}

/** The sweep handler's catch-up window (functions/handlers/sweep.ts leaves the default). */
const CATCH_UP_HOURS = 48;

/**
 * The due time each state item is filed under, kept from the writes that succeed (the state's put, the
 * sweep's refile), and the lapses claims' receipts are filed at, read without a call: whether anyone is
 * filed under the hours [from, to), or a claim lapsed in [from, to).
 */
function mirrorDueTimes(client: DynamoDbDocuments, tableName: string) {
  const dueAt = new Map<string, number>();
  const claimLapses = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      const input = args.input as {
        TableName?: string;
        Item?: Record<string, AttributeValue>;
        Key?: Record<string, AttributeValue>;
        UpdateExpression?: string;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      };
      if (input.TableName !== tableName) return output;
      if (context.commandName === "PutItemCommand" && input.Item?.customerId?.S) {
        const at = input.Item.dueAt?.N;
        if (at === undefined) dueAt.delete(input.Item.customerId.S);
        else dueAt.set(input.Item.customerId.S, Number(at));
      } else if (
        context.commandName === "UpdateItemCommand" &&
        /\bdueAt\b/.test(input.UpdateExpression ?? "")
      ) {
        const at = input.ExpressionAttributeValues?.[":at"]?.N;
        const key = input.Key?.customerId?.S;
        if (at === undefined || !key)
          throw new Error(`bench: an UpdateItem of dueAt the mirror cannot read: ${input.UpdateExpression}`);
        // A claim's filing stays in the index when the claim is settled (dynamodb-effect-receipts.ts).
        (claimOfKey(key) ? claimLapses : dueAt).set(key, Number(at));
      }
      return output;
    },
    { step: "build", name: "benchDueMirror" },
  );
  const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;
  return {
    anyIn: (from: number, to: number) => {
      for (const at of dueAt.values()) if (hourOf(at) >= from && hourOf(at) < to) return true;
      return false;
    },
    /** Whether a claim's filing (settled or not) lapsed in [from, to): the claims' sweep reads it. */
    anyClaimIn: (from: number, to: number) => {
      for (const at of claimLapses.values()) if (at >= from && at < to) return true;
      return false;
    },
  };
}

/**
 * The journey workflow as this run drives it: each Step sleeps in virtual time inside its Task until
 * its wakeAt, so the Tasks' real-time timeouts are lifted (aslOnVirtualTime). With them, a Step asleep
 * for 90 s of a slow run's wall time was retried beside itself: 156 to 164 Step calls at 1 in 40.
 */
export function journeyMachine(): StateMachine {
  return new StateMachine(aslOnVirtualTime(synthesizeLocalJourneyAsl()) as never);
}

/** Keeps one customer in `every` (a stable hash of the id): their events, and every catalog event. */
function sampled(customerId: string | undefined, every: number): boolean {
  if (customerId === undefined || every <= 1) return true;
  let hash = 0;
  for (const char of customerId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % every === 0;
}

export async function measureAwsCosts(
  options: {
    lines?: number;
    customerEvery?: number;
    /** Sweep every hour, also those whose window holds no one (slow; to check that skipping them is exact). */
    sweepAllHours?: boolean;
  } = {},
): Promise<AwsCostCounts> {
  const started = performance.now();
  const envelopes = readFileSync(join(root, "examples", "shop.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, options.lines)
    .map(
      (line) => JSON.parse(line) as { time: string; "detail-type": string; detail: { customerId?: string } },
    )
    .filter((envelope) => sampled(envelope.detail.customerId, options.customerEvery ?? 1));
  envelopes.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));

  const db = await startLocalDynamoDb();
  const env: Environment = {
    STATE_TABLE: "customer-state",
    INTEREST_TABLE: "interest-index",
    EVENT_BUS_NAME: "engage",
    JOURNEY_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Journey",
    FANOUT_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/fanout",
    SES_CONFIGURATION_SET: "engage",
    FROM_ADDRESS: "shop@example.com",
    UNSUBSCRIBE_URL: "https://unsubscribe.example.com/",
    UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
    CAMPAIGNS_DIR: join(root, "campaigns"),
  };
  await createEngineTables(db.client, { CustomerState: env.STATE_TABLE, InterestIndex: env.INTEREST_TABLE });

  // One counter per phase: the middleware adds to the totals of the phase the call runs in.
  const byPhase = Object.fromEntries(phases.map((p) => [p, emptyTotals()])) as Record<Phase, CapacityTotals>;
  const counter = await countCapacity(db.documents, (command, input) => {
    const current = phase.getStore();
    if (current === "sweep" && isSweepFixed(command, input)) return byPhase.sweepFixed;
    return current && byPhase[current];
  });
  const handlerMs = Object.fromEntries(phases.map((p) => [p, 0])) as Record<Phase, number>;
  const inPhase = async <T>(name: Phase, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await phase.run(name, run);
    } finally {
      handlerMs[name] += performance.now() - started;
    }
  };

  const region = { region: "us-east-1" };
  const clients = {
    dynamodb: db.documents,
    ses: new SESv2Client(region),
    sns: new SNSClient(region),
    sfn: new SFNClient(region),
    eventbridge: new EventBridgeClient(region),
    secrets: secretsManagerStandIn("s".repeat(64)).client,
    sqs: new SQSClient(region),
  };
  let emails = 0;
  mockClient(clients.ses)
    .on(SendEmailCommand)
    .callsFake(async () => ({ MessageId: `ses-${++emails}` }));
  let sms = 0;
  mockClient(clients.sns)
    .on(PublishCommand)
    .callsFake(async () => ({ MessageId: `sns-${++sms}` }));
  let putEventsEntries = 0;
  mockClient(clients.eventbridge)
    .on(PutEventsCommand)
    .callsFake(async ({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => {
      putEventsEntries += Entries.length;
      for (const entry of Entries) auditListener(entry);
      return {
        FailedEntryCount: 0,
        Entries: Entries.map((_, i) => ({ EventId: `e-${putEventsEntries}-${i}` })),
      };
    });
  let fanoutBatches = 0;
  let fanoutQueue: string[] = [];
  mockClient(clients.sqs)
    .on(SendMessageBatchCommand)
    .callsFake(async (input: SendMessageBatchCommandInput) => {
      fanoutBatches++;
      for (const entry of input.Entries ?? []) fanoutQueue.push(entry.MessageBody ?? "");
      return { Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: e.Id })), Failed: [] };
    });

  const time = new VirtualTime(Date.parse(envelopes[0]!.time));
  const now = () => time.now;
  virtualNow = now;
  const lambda = { ingest: 0, catalogFanout: 0, journeyStep: 0, sweep: 0 };
  // `now` also files each write in the due-time index on the virtual clock.
  ingest.useRuntime({ ...awsRuntime(clients, env, FUNCTION_EFFECTS.ingest, now), now, log: silentLog });
  journeyStep.useRuntime({
    ...awsRuntime(clients, env, FUNCTION_EFFECTS.journeyStep, now),
    now,
    log: silentLog,
  });
  catalogFanout.useRuntime({ ...awsFanoutPorts(clients, env), now, log: silentLog });
  const sweepRuntime = awsSweepRuntime(clients, env, now);
  sweep.useRuntime({ ...sweepRuntime, deps: { ...sweepRuntime.deps, now, log: silentLog } });

  // Step Functions: StartExecution runs the journey ASL locally; its Step task is the handler.
  const machine = journeyMachine();
  type Execution = { transitions: number; stepRetries: number; finished: boolean; stopped: boolean };
  const executions: Execution[] = [];
  const running: Promise<unknown>[] = [];
  const aborts: (() => void)[] = [];
  mockExecutions(clients.sfn, env.JOURNEY_STATE_MACHINE_ARN!, () => time.now, {
    start: launch,
    // A stopped execution ends in its Wait on AWS; here its Step, asleep until the wake, returns unrun.
    stop(execution) {
      if (!execution.finished) execution.stopped = true;
    },
  });
  function launch(_name: string, input: unknown): Execution {
    const execution: Execution = { transitions: 0, stepRetries: 0, finished: false, stopped: false };
    executions.push(execution);
    let nextWake: number | undefined;
    time.enter();
    const run = machine.run(input as never, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async (task) => {
            const wakeAt = nextWake ?? waitedUntil((task as { Payload: unknown }).Payload);
            nextWake = undefined;
            if (wakeAt !== undefined) await time.sleepUntil(wakeAt);
            if (execution.stopped) {
              execution.transitions--; // its Step, entered here because the local Wait took no time
              run.abort();
              return { Payload: { done: true } } as never;
            }
            lambda.journeyStep++;
            const result = (await inPhase("journeyStep", () =>
              journeyStep.handler((task as { Payload: unknown }).Payload),
            )) as StepResult;
            if (!result.done && result.wakeAt) nextWake = Date.parse(result.wakeAt);
            return { Payload: result } as never;
          },
          [JOURNEY_STATES.recordFailure]: async (entries) => {
            putEventsEntries += (entries as { Entries: unknown[] }).Entries.length;
            return { Entries: [{ EventId: "failure" }], FailedEntryCount: 0 } as never;
          },
        },
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        retryIntervalOverrides: { [JOURNEY_STATES.step]: 0, [JOURNEY_STATES.recordFailure]: 0 },
      },
    });
    aborts.push(run.abort);
    const collected = (async () => {
      // A standard workflow is billed per state transition: each state entered, retries included.
      for await (const event of run.eventLogs) {
        if (event.type === "StateEntered" || event.type === "StateRetried") execution.transitions++;
        if (event.type === "StateRetried" && event.state.name === JOURNEY_STATES.step)
          execution.stepRetries++;
      }
    })();
    running.push(
      run.result
        .then(
          () => {},
          () => {},
        )
        .finally(() => {
          execution.finished = true;
          time.leave();
        }),
      collected,
    );
    return execution;
  }

  /** One handler call as an actor of virtual time, at `at` or later. */
  const act = async (at: number, call: () => Promise<unknown>) => {
    time.now = Math.max(time.now, at);
    time.enter();
    try {
      await call();
    } finally {
      time.leave();
    }
  };
  /** Lets the workflows run whatever is due up to `until`. */
  const runUntil = async (until: number) => {
    for (;;) {
      await time.settled();
      const wakeAt = time.nextWakeAt();
      if (wakeAt === undefined || wakeAt > until) break;
      time.wakeNext();
    }
    await time.settled();
  };

  // The hourly sweeps as deployed: every swept campaign at each hour boundary, from the first event's hour
  // to 30 days after the last, interleaved with the events and the workflows (the sweep of hour H runs
  // before the events after H), so the customers the stream files are read when they are due.
  // An hour whose sweeps' window (catchUpFrom) holds no one in the due-time index is skipped: its sweeps
  // would read and write no customer, only their fixed Queries and marker, and at about 26 calls each
  // they made 96 days of hours too slow on dynalite. A skip widens the next sweep's window only over
  // hours that held no one then (a write files a customer at its current hour or later), so the
  // customers read, when, and what they cost are as hourly (SWEEP_ALL_HOURS=1 in state-items.ts checks
  // it). The fixed cost is taken from the hours whose previous hour was swept too. The claims' sweep
  // (every hour, whatever campaigns are swept) likewise runs only when a claim's filing lapsed since its
  // last run (settled or not: it reads the receipt to know), its fixed cost counted apart.
  const swept = sweptCampaignIds(loadCampaignSummaries(env.CAMPAIGNS_DIR!));
  const filed = mirrorDueTimes(db.documents, env.STATE_TABLE!);
  const sweepFixedByHour: FixedUnits[] = [];
  const claimsFixedByHour: FixedUnits[] = [];
  let nextSweep = Math.ceil(Date.parse(envelopes[0]!.time) / HOUR) * HOUR;
  let lastSwept: number | undefined;
  let claimsLastSwept: number | undefined;
  let hoursSkipped = 0;
  let claimsHoursSkipped = 0;
  /** Runs these sweep inputs at `at`; the fixed units they spent, and whether the hour before ran them too. */
  const runSweeps = async (at: number, inputs: object[], last: number | undefined): Promise<FixedUnits> => {
    const before = { ...byPhase.sweepFixed };
    for (const input of inputs) {
      lambda.sweep++;
      await act(at, () =>
        inPhase("sweep", () => sweep.handler({ ...input, scheduledTime: new Date(at).toISOString() })),
      );
      await runUntil(at);
    }
    return {
      readUnits: byPhase.sweepFixed.readUnits - before.readUnits,
      writeUnits: byPhase.sweepFixed.writeUnits - before.writeUnits,
      afterSweptHour: last === at - HOUR,
    };
  };
  /** Runs the sweeps of every hour boundary up to `until`, the workflows due before each first. */
  const sweepThrough = async (until: number) => {
    for (; nextSweep <= until; nextSweep += HOUR) {
      const at = nextSweep;
      await runUntil(at);
      const windowFrom = catchUpFrom(at, lastSwept, CATCH_UP_HOURS);
      if (swept.length > 0 && (options.sweepAllHours || filed.anyIn(windowFrom, at + HOUR))) {
        sweepFixedByHour.push(
          await runSweeps(
            at,
            swept.map((campaignId) => ({ campaignId })),
            lastSwept,
          ),
        );
        lastSwept = at;
      } else hoursSkipped++;
      if (options.sweepAllHours || filed.anyClaimIn(claimsFrom(at, claimsLastSwept, CATCH_UP_HOURS), at)) {
        claimsFixedByHour.push(await runSweeps(at, [{ sweep: "claims" }], claimsLastSwept));
        claimsLastSwept = at;
      } else claimsHoursSkipped++;
    }
  };

  let customer = 0;
  let catalog = 0;
  let fanoutCandidates = 0;
  const customers = new Set<string>();
  for (const envelope of envelopes) {
    const at = Date.parse(envelope.time);
    await sweepThrough(at);
    await runUntil(at);
    if (isCatalogEventType(envelope["detail-type"] as EventType)) {
      catalog++;
      lambda.catalogFanout++;
      fanoutQueue = [];
      await act(at, () => inPhase("catalogFanout", () => catalogFanout.handler(envelope)));
      fanoutCandidates += fanoutQueue.length;
      for (let i = 0; i < fanoutQueue.length; i += FANOUT_BATCH) {
        const records = fanoutQueue
          .slice(i, i + FANOUT_BATCH)
          .map((body, j) => ({ messageId: `m-${catalog}-${i + j}`, body }) as SQSEvent["Records"][number]);
        lambda.ingest++;
        await act(at, () => inPhase("fanoutCandidate", () => ingest.handler({ Records: records })));
      }
    } else {
      customer++;
      if (envelope.detail.customerId) customers.add(envelope.detail.customerId);
      lambda.ingest++;
      await act(at, () => inPhase("customerEvent", () => ingest.handler(envelope)));
    }
  }
  const lastAt = Date.parse(envelopes.at(-1)!.time);
  // As engage simulate does: the workflows and the sweeps run on for 30 days after the last event.
  await sweepThrough(lastAt + 30 * DAY);
  await runUntil(lastAt + 30 * DAY);
  for (const abort of aborts) abort();
  await Promise.all(running);

  const sizes = counter.totals.writtenItemBytes;
  const finished = executions.filter((e) => e.finished);
  const transitions = executions.reduce((sum, e) => sum + e.transitions, 0);
  counter.stop();
  await db.stop();
  const strip = ({ writtenItemBytes: _, ...totals }: CapacityTotals) => totals;
  return {
    events: { lines: envelopes.length, customer, catalog, fanoutCandidates, customers: customers.size },
    days: (lastAt - Date.parse(envelopes[0]!.time)) / DAY,
    dynamodb: Object.fromEntries(phases.map((p) => [p, strip(byPhase[p])])) as AwsCostCounts["dynamodb"],
    itemBytesWritten: {
      p50: percentile(sizes, 50),
      p99: percentile(sizes, 99),
      max: Math.max(0, ...sizes),
      writes: sizes.length,
    },
    lambda,
    sweepFixedByHour,
    claimsFixedByHour,
    stepFunctions: {
      executions: executions.length,
      finished: finished.length,
      transitions,
      transitionsPerJourney: finished.length
        ? finished.reduce((sum, e) => sum + e.transitions, 0) / finished.length
        : 0,
      stepRetries: executions.reduce((sum, e) => sum + e.stepRetries, 0),
      stopped: executions.filter((e) => e.stopped).length,
    },
    eventBridge: { putEventsEntries },
    sqs: { sendMessageBatch: fanoutBatches, messages: fanoutCandidates },
    ses: { emails },
    sns: { sms },
    sweep: {
      campaigns: swept.length,
      hoursSwept: sweepFixedByHour.length,
      hoursSkipped,
      claimsHoursSwept: claimsFixedByHour.length,
      claimsHoursSkipped,
    },
    handlerMs,
    seconds: (performance.now() - started) / 1000,
  };
}

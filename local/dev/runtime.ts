// engage dev: the engine as deployed, live on this machine. The real handlers, adapters and SDK
// clients, the journey workflow's synthesized ASL, the stack's tables and bus rules, on stand-ins:
// dynalite, aws-local-stepfunctions, aws-ses-v2-local, and this server's own answers for
// EventBridge PutEvents, Step Functions StartExecution, Secrets Manager and SNS Publish.
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SESv2Client, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import * as sesLocalModule from "aws-ses-v2-local";
import dynalite from "dynalite";
import {
  DynamoDbDocuments,
  ScanCommand,
  type Transport,
} from "../../functions/adapters/dynamodb-documents.ts";
import { DUE_INDEX_NAME, dueBucket } from "../../functions/adapters/dynamodb-due-index.ts";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { AUDIT_SOURCE } from "../../functions/adapters/eventbridge-publisher.ts";
import { SecretsManagerSecrets } from "../../functions/adapters/secrets-manager-secret.ts";
import type { CampaignCount } from "../../functions/core/engine/campaign-counts.ts";
import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import * as catalogFanout from "../../functions/handlers/catalog-fanout.ts";
import * as feedback from "../../functions/handlers/feedback.ts";
import * as ingest from "../../functions/handlers/ingest.ts";
import * as journeyStep from "../../functions/handlers/journey-step.ts";
import * as sweep from "../../functions/handlers/sweep.ts";
import { eventAtEdge } from "../../functions/runtime/edge-event.ts";
import type { Environment } from "../../functions/runtime/environment.ts";
import { silentLog } from "../../functions/runtime/runtime-log.ts";
import type { StepResult } from "../../functions/use-cases/journey-step.ts";
import { awsFanoutPorts, awsRuntime, awsSweepRuntime, FUNCTION_EFFECTS } from "../../functions/wiring.ts";
import { loadCampaignSummaries, sweptCampaignIds } from "../../infra/campaign-config.ts";
import { maskAddress } from "../mask.ts";
import { CampaignSummary } from "../summary.ts";
import { AwsError, handleAwsRequest } from "./aws-endpoint.ts";
import { readClock, writeClock } from "./data-dir.ts";
import { type EventPattern, matchesPattern } from "./event-pattern.ts";
import { inProcessRequestHandler, type RequestListener } from "./in-process-http.ts";
import { type BusEnvelope, checkEntry, PutEventsRequestError, requestEntries } from "./put-events.ts";
import { Recorder } from "./recorder.ts";
import { RuntimeClock } from "./runtime-clock.ts";
import { SerialQueue } from "./serial-queue.ts";
import { synthesizedEngine } from "./synthesis-cache.ts";
import type { BusRule } from "./synthesized.ts";
import { createEngineTables } from "./tables.ts";
import type { DevCustomer, DevView } from "./view.ts";
import { type Execution, ExecutionAlreadyExistsError, LocalWorkflows } from "./workflows.ts";

export type DevRuntimeOptions = {
  /** Port on 127.0.0.1; 0 picks a free one. Default 4010. */
  port?: number;
  /** Live clock: runtime time runs this many times faster than the wall clock. Default 1. */
  speed?: number;
  /** Persist DynamoDB (leveldb) and the running workflows here; in memory when absent. */
  dataDir?: string;
  /**
   * Replay: the clock follows the events' times and jumps ahead when idle (see RuntimeClock), until
   * `goLive`. Default false (live from the start).
   */
  replay?: boolean;
  /** Runtime clock at start (epoch ms); default the persisted clock, else now. */
  start?: number;
  campaignsDir?: string;
  /**
   * Test seam: awaited before each call of the runtime's own SDK clients and again before its answer
   * is read, as a loaded machine delays them; a replay must give the same messages whatever it waits.
   */
  callDelay?: () => Promise<void>;
  /** Serves the page and its API; answers true when it handled the request. */
  page?: (req: IncomingMessage, res: ServerResponse, view: DevView) => Promise<boolean>;
};

const HOUR = 3_600_000;
/** The hours before its own each local sweep reads from the due-time index (see sweep.useRuntime). */
const SWEEP_CATCH_UP_HOURS = 2;
/** EventBridge retries a Lambda target; locally three attempts, then the rule's dead-letter queue. */
const DELIVERY_ATTEMPTS = 3;
/** The fan-out queue's event source mapping batch (infra/constructs/fanout-queue.ts). */
const FANOUT_BATCH = 10;
/** The configuration set the stack's EventRouting forwards SES events of (synthesized.ts uses the same). */
const SES_CONFIGURATION_SET = "engage";
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Journey";
const LOCAL_SECRET = "engage-dev-local-unsubscribe-signing-secret";
const QUEUES = {
  fanout: "FanoutDeadLetters",
  sweep: "SweepDeadLetters",
  journeys: "JourneyFailures",
};
const iso = (at: number) => new Date(at).toISOString();
// aws-ses-v2-local is CommonJS with its server as `exports.default`.
type SesLocal = (config: { host: string; port: number }) => Promise<Server>;
const startSesLocal = (() => {
  let exported: unknown = sesLocalModule;
  while (typeof exported !== "function") exported = (exported as { default: unknown }).default;
  return exported as SesLocal;
})();

export type DevRuntime = Awaited<ReturnType<typeof startDevRuntime>>;

export async function startDevRuntime(options: DevRuntimeOptions = {}) {
  const campaignsDir = resolve(options.campaignsDir ?? "campaigns");
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const synthesized = await synthesizedEngine();
  const rules = synthesized.rules;

  const start = (dataDir && readClock(dataDir)) || options.start || Date.now();
  const bus = new SerialQueue();
  let stopped = false;
  const clock = new RuntimeClock(start, () => {
    if (!stopped) bus.run(() => clock.pump()).catch(() => {});
  });
  const recorder = new Recorder([
    ...rules.map((rule) => `${rule.name}DeadLetters`),
    QUEUES.fanout,
    QUEUES.sweep,
    QUEUES.journeys,
  ]);
  const redrives = new Map<string, () => void>();

  // The stand-ins: dynalite (leveldb under --data), aws-ses-v2-local, and this server.
  const db: Server = dynalite({ createTableMs: 0, ...(dataDir ? { path: join(dataDir, "dynamodb") } : {}) });
  await listen(db, 0);
  const ses: Server = await startSesLocal({ host: "127.0.0.1", port: 0 });
  const listener: RequestListener = (req, res) => {
    void route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  };
  const server = createServer(listener);
  await listen(server, options.port ?? 4010);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const local = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
  const at = (server: Server | string) =>
    typeof server === "string" ? server : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dynamodbHandler = inProcessRequestHandler(db.listeners("request")[0] as RequestListener);
  const dynamodbClient = new DynamoDBClient({ ...local, endpoint: at(db), requestHandler: dynamodbHandler });
  let dynamodbCalls = 0;
  const dynamodbCallsByOperation = new Map<string, number>();
  const countCall = (operation: string) => {
    dynamodbCalls++;
    dynamodbCallsByOperation.set(operation, (dynamodbCallsByOperation.get(operation) ?? 0) + 1);
  };
  dynamodbClient.middlewareStack.add(
    (next, context) => (args) => {
      countCall(context.commandName ?? "");
      return next(args);
    },
    { step: "initialize", name: "engageDevCountCalls" },
  );
  // The engine's DynamoDB client (the functions' own), on the same in-process stand-in.
  const documents = new DynamoDbDocuments({
    ...local,
    endpoint: at(db),
    transport: inProcessTransport(dynamodbHandler),
  });
  documents.middlewareStack.add(
    (next, context) => (args) => {
      countCall(context.commandName);
      return next(args);
    },
    { step: "initialize", name: "engageDevCountCalls" },
  );
  // The engine's calls to this server's own AWS answers stay in the process too.
  const self = { ...local, endpoint: url, requestHandler: inProcessRequestHandler(listener) };
  const clients = {
    dynamodb: documents,
    ses: new SESv2Client({ ...local, endpoint: at(ses) }),
    sns: new SNSClient(self),
    sfn: new SFNClient(self),
    eventbridge: new EventBridgeClient(self),
    secrets: new SecretsManagerSecrets({
      ...local,
      endpoint: url,
      transport: inProcessTransport(inProcessRequestHandler(listener)),
    }),
  };
  captureEmails(clients.ses, recorder);
  if (options.callDelay)
    // Not the signing key's client (no middleware stack): read once per container.
    for (const client of [dynamodbClient, ...Object.values(clients)])
      if ("middlewareStack" in client) delayCalls(client, options.callDelay);

  const env: Environment = {
    STATE_TABLE: "engage-customer-state",
    INTEREST_TABLE: "engage-interest-index",
    EVENT_BUS_NAME: "engage",
    JOURNEY_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    FANOUT_QUEUE_URL: `${url}/queue/fanout`,
    SES_CONFIGURATION_SET: SES_CONFIGURATION_SET,
    FROM_ADDRESS: "shop@example.com",
    UNSUBSCRIBE_URL: "https://unsubscribe.example.com/",
    UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
    CAMPAIGNS_DIR: campaignsDir,
  };
  await createEngineTables(
    dynamodbClient,
    { CustomerState: env.STATE_TABLE, InterestIndex: env.INTEREST_TABLE },
    synthesized.tables,
  );

  // Each function's runtime as wiring.ts builds it on AWS, on the runtime clock.
  const now = () => clock.now();
  const ingestRuntime = awsRuntime(clients, env, FUNCTION_EFFECTS.ingest, now);
  // The per-campaign counts the handlers emit as metrics on AWS, summed as engage simulate sums them.
  const summary = new CampaignSummary(ingestRuntime.compiled.campaigns.keys());
  const common = {
    now,
    log: silentLog,
    count: (counts: CampaignCount[]) => {
      for (const count of counts) summary.count(count);
    },
  };
  ingest.useRuntime({ ...ingestRuntime, ...common });
  journeyStep.useRuntime({ ...awsRuntime(clients, env, FUNCTION_EFFECTS.journeyStep, now), ...common });
  feedback.useRuntime({ ...awsRuntime(clients, env, FUNCTION_EFFECTS.feedback, now), ...common });
  const sweepRuntime = awsSweepRuntime(clients, env, now);
  // The local schedule never skips an hour, so each sweep reads the window of normal operation (on AWS
  // it reads up to 48 hours back, to catch up after an outage): its own hour and the two before, where
  // a customer filed early (a due time is a lower bound) waits until a sweep two hours on refiles it.
  // Its own hour only would lose that customer's sends for good. 24 queries instead of 392.
  sweep.useRuntime({
    ...sweepRuntime,
    deps: { ...sweepRuntime.deps, ...common },
    options: { ...sweepRuntime.options, catchUpHours: SWEEP_CATCH_UP_HOURS },
  });
  // The fan-out queue: what catalog fan-out sends goes to ingest in batches, as the queue's mapping does.
  let fanoutMessages: string[] = [];
  catalogFanout.useRuntime({
    ...awsFanoutPorts({ dynamodb: clients.dynamodb, sqs: new SQSClient({ ...local, endpoint: url }) }, env),
    sendBatch: async (entries) => {
      for (const entry of entries) fanoutMessages.push(entry.body);
      return [];
    },
    ...common,
  });
  const store = new DynamoDbCustomerStateStore(clients.dynamodb, env.STATE_TABLE);

  /** One call of a function, as an actor of the runtime clock. */
  const act = async <T>(call: () => Promise<T>): Promise<T> => {
    clock.now();
    clock.time.enter();
    try {
      return await call();
    } finally {
      clock.time.leave();
    }
  };
  /** Invokes with retries; after the last failure the input goes to the dead-letter queue. */
  const invoke = async (queue: string, body: unknown, call: () => Promise<unknown>, redrive: () => void) => {
    let failure: unknown;
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      try {
        return await act(call);
      } catch (error) {
        failure = error;
      }
    }
    deadLetter(queue, describeError(failure), body, redrive);
    return undefined;
  };
  const deadLetter = (queue: string, reason: string, body: unknown, redrive: () => void) => {
    const id = `dl-${redrives.size + 1}`;
    redrives.set(id, redrive);
    recorder.deadLetter(queue, { id, receivedAt: iso(clock.now()), reason, body: JSON.stringify(body) });
  };

  const deliverTo = async (rule: BusRule, envelope: BusEnvelope): Promise<void> => {
    const queue = `${rule.name}DeadLetters`;
    const again = () => void bus.run(() => settleAfter(deliverTo(rule, envelope)));
    if (rule.target === "feedback") {
      await invoke(queue, envelope, () => feedback.handler(envelope), again);
      return;
    }
    if (rule.target === "ingest") {
      const edge = eventAtEdge(envelope);
      if ("notRun" in edge && edge.notRun.outcome === "rejected")
        recorder.rejected(envelope.id, `rejected at ingest: ${edge.notRun.problems}`);
      await invoke(queue, envelope, () => ingest.handler(envelope), again);
      return;
    }
    fanoutMessages = [];
    await invoke(queue, envelope, () => catalogFanout.handler(envelope), again);
    const messages = fanoutMessages;
    for (let i = 0; i < messages.length; i += FANOUT_BATCH) {
      const records = messages
        .slice(i, i + FANOUT_BATCH)
        .map((body, j) => ({ messageId: `${envelope.id}-${i + j}`, body }) as SQSEvent["Records"][number]);
      await deliverFanout(records);
    }
  };
  const deliverFanout = async (records: SQSEvent["Records"]) => {
    const again = () => void bus.run(() => settleAfter(deliverFanout(records)));
    const result = (await invoke(
      QUEUES.fanout,
      records,
      () => ingest.handler({ Records: records }),
      again,
    )) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
    for (const failure of result?.batchItemFailures ?? []) {
      const record = records.find((r) => r.messageId === failure.itemIdentifier);
      if (record)
        deadLetter(
          QUEUES.fanout,
          "ingest failed the fan-out message",
          [record],
          () => void bus.run(() => settleAfter(deliverFanout([record]))),
        );
    }
  };
  const settleAfter = async (work: Promise<unknown>) => {
    await work;
    await clock.pump();
  };

  let delivered = 0;
  /** The bus: each accepted entry to the targets of the rules it matches, one entry at a time. */
  const publish = (envelope: BusEnvelope) =>
    bus.run(async () => {
      if (stopped) return;
      const at = Date.parse(envelope.time);
      if (clock.mode === "replay") await clock.advanceTo(at);
      for (const rule of rules)
        if (matchesPattern(rule.eventPattern as EventPattern, envelope)) await deliverTo(rule, envelope);
      delivered++;
      await clock.pump();
      if (dataDir) writeClock(dataDir, clock.now());
    });

  let eventCount = 0;
  const putEvents = async (body: unknown) => {
    let entries: ReturnType<typeof requestEntries>;
    try {
      entries = requestEntries(body);
    } catch (error) {
      if (error instanceof PutEventsRequestError) throw new AwsError(error.type, error.message);
      throw error;
    }
    const receivedAt = clock.now();
    let failed = 0;
    const results = entries.map((entry) => {
      const id = eventId(++eventCount);
      const checked = checkEntry(entry, id, receivedAt);
      const source = typeof entry.Source === "string" ? entry.Source : "";
      const detailType = typeof entry.DetailType === "string" ? entry.DetailType : "";
      if ("errorCode" in checked) {
        failed++;
        recorder.event({
          id,
          receivedAt: iso(receivedAt),
          detailType,
          source,
          status: "rejected",
          reason: `PutEvents ${checked.errorCode}: ${checked.errorMessage}`,
        });
        return { ErrorCode: checked.errorCode, ErrorMessage: checked.errorMessage };
      }
      const { envelope } = checked;
      if (envelope.source === AUDIT_SOURCE) {
        // The engine's own events: no rule takes them (as on AWS); the page and summary read them.
        const time = typeof entry.Time === "number" ? entry.Time * 1000 : Date.parse(envelope.time);
        recorder.audit(envelope["detail-type"], time, envelope.detail);
        return { EventId: id };
      }
      const customerId = envelope.detail.customerId;
      recorder.event(
        {
          id,
          receivedAt: iso(receivedAt),
          detailType,
          source,
          ...(typeof customerId === "string" ? { customerId } : {}),
          status: "accepted",
        },
        envelope,
      );
      publish(envelope).catch(() => {});
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: results };
  };

  const workflows = new LocalWorkflows(
    synthesized.journeyAsl,
    clock,
    {
      step: (payload) => act(() => journeyStep.handler(payload)) as Promise<StepResult>,
      putEvents: async (entries) => {
        for (const entry of entries) {
          const detail = typeof entry.Detail === "string" ? entry.Detail : JSON.stringify(entry.Detail);
          await putEvents({
            Entries: [{ Source: entry.Source, DetailType: entry.DetailType, Detail: detail }],
          });
        }
      },
      onChange: (execution) => {
        recorder.execution(execution);
        if (execution.status === "FAILED")
          deadLetter(QUEUES.journeys, execution.error ?? "failed", execution.input, () => {
            workflows.restart(execution);
          });
      },
    },
    dataDir ? join(dataDir, "workflows.json") : undefined,
  );
  const resumed = workflows.resume();

  const operations = {
    "AWSEvents.PutEvents": putEvents,
    "AWSStepFunctions.StartExecution": async (body: unknown) => {
      const { name, input } = body as { name?: string; input?: string };
      const executionName = name ?? `execution-${workflows.executions.size + 1}`;
      try {
        workflows.start(executionName, JSON.parse(input ?? "{}"));
      } catch (error) {
        if (error instanceof ExecutionAlreadyExistsError)
          throw new AwsError(
            "ExecutionAlreadyExists",
            `Execution Already Exists: '${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${executionName}'`,
          );
        throw error;
      }
      return {
        executionArn: `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${executionName}`,
        startDate: clock.now() / 1000,
      };
    },
    "AWSStepFunctions.StopExecution": async (body: unknown) => {
      const { executionArn = "" } = body as { executionArn?: string };
      const name = executionArn.slice(executionArn.lastIndexOf(":") + 1);
      if (!workflows.stopExecution(name))
        throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
      return { stopDate: clock.now() / 1000 };
    },
    "secretsmanager.GetSecretValue": async (body: unknown) => ({
      ARN: (body as { SecretId?: string }).SecretId,
      Name: "unsubscribe",
      SecretString: LOCAL_SECRET,
      VersionId: "local",
    }),
  };
  let publishCount = 0;
  const snsPublish = async (params: URLSearchParams) => {
    const messageId = `sns-${++publishCount}`;
    recorder.publish({
      messageId,
      to: params.get("PhoneNumber") ?? params.get("TargetArn") ?? "",
      text: params.get("Message") ?? "",
    });
    return messageId;
  };

  // Sweeps: one invocation per swept campaign at every hour of the runtime clock, then the claims' (the
  // backstop of runs that died, whatever campaigns are swept), as the schedules do.
  // An hour whose buckets of the due-time index are empty is skipped (each sweep would read nothing and
  // write nothing): one Scan of the sparse index instead of 24 Queries per campaign, which keeps a
  // replay over weeks of runtime time fast.
  // One after another in priority order (the order compile judges a sweep's starts in, and engage
  // simulate's), so that of two sends due at the same instant the higher-priority campaign's goes
  // first and a frequency cap holds back the other.
  const priority = [...ingestRuntime.compiled.campaigns.keys()];
  const swept = sweptCampaignIds(loadCampaignSummaries(campaignsDir)).sort(
    (a, b) => priority.indexOf(a) - priority.indexOf(b),
  );
  let sweepsSkipped = 0;
  const anyoneDue = async (hour: number): Promise<boolean> => {
    // Buckets sort as their hours do: "<hour>#<shard>", the hours the sweep reads.
    const first = dueBucket(hour - SWEEP_CATCH_UP_HOURS * HOUR, 0).split("#")[0]!;
    const last = dueBucket(hour, 0).split("#")[0]!;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await clients.dynamodb.send(
        new ScanCommand({
          TableName: env.STATE_TABLE,
          IndexName: DUE_INDEX_NAME,
          FilterExpression: "dueBucket BETWEEN :first AND :last",
          ExpressionAttributeValues: { ":first": `${first}#`, ":last": `${last}#~` },
          ExclusiveStartKey: startKey,
        }),
      );
      if ((page.Items ?? []).length > 0) return true;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return false;
  };
  const sweeper = async () => {
    let hour = Math.floor(clock.now() / HOUR) * HOUR + HOUR;
    clock.time.enter();
    for (;;) {
      await clock.time.sleepUntil(hour);
      if (stopped) return;
      const scheduledTime = iso(hour);
      const inputs = [
        ...swept.map((campaignId) => ({ campaignId, scheduledTime })),
        { sweep: "claims", scheduledTime },
      ];
      if (await act(() => anyoneDue(hour)))
        for (const input of inputs) {
          const again = () =>
            void bus.run(() => settleAfter(invoke(QUEUES.sweep, input, () => sweep.handler(input), again)));
          await invoke(QUEUES.sweep, input, () => sweep.handler(input), again);
        }
      else sweepsSkipped += inputs.length;
      hour += HOUR;
    }
  };
  sweeper().catch(() => {});

  const view: DevView = {
    now: () => iso(clock.now()),
    events: (limit) => recorder.events.slice(-limit).reverse(),
    journeys: (limit) => recorder.journeys().slice(0, limit),
    messages: (limit) =>
      recorder.sent
        .slice(-limit)
        .reverse()
        .map(({ line: _line, rendered: _rendered, journeyId: _journey, ...message }) => message),
    renderedMessage: (id) => recorder.sent.find((m) => m.id === id)?.rendered,
    suppressions: (limit) =>
      recorder.suppressed
        .slice(-limit)
        .reverse()
        .map(({ line: _line, ...suppression }) => suppression),
    counts: () => recorder.campaignCounts(),
    customer: async (customerId): Promise<DevCustomer | undefined> => {
      const loaded = await store.load(customerId);
      if (loaded.version === 0) return undefined;
      const masked = maskAddresses(loaded.state) as typeof loaded.state;
      return {
        customerId,
        state: masked,
        consent: masked.consent,
        journeys: recorder.journeys().filter((j) => j.customerId === customerId),
        messages: view.messages(Number.MAX_SAFE_INTEGER).filter((m) => m.customerId === customerId),
      };
    },
    deadLetterQueues: () =>
      [...recorder.queues].map(([name, messages]) => ({ name, messages: [...messages] })),
    redrive: async (queueName) => {
      const letters = recorder.queues.get(queueName) ?? [];
      const taken = letters.splice(0);
      for (const letter of taken) redrives.get(letter.id)?.();
      return taken.length;
    },
    onChange: (listener) => recorder.onChange(listener),
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await handleAwsRequest(req, res, operations, snsPublish)) return;
    if (options.page && (await options.page(req, res, view))) return;
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  }

  return {
    url,
    view,
    clock,
    /** Entries PutEvents accepted or refused, entries the bus delivered, and DynamoDB calls made, since start. */
    stats: () => ({
      events: eventCount,
      delivered,
      /** Deliveries (and clock pumps) waiting on the bus. */
      queued: bus.size,
      dynamodbCalls,
      dynamodbCallsByOperation: Object.fromEntries(dynamodbCallsByOperation),
    }),
    /** Hourly sweep invocations skipped because nobody was due that hour. */
    sweepsSkipped: () => sweepsSkipped,
    /** Executions started again from --data at start. */
    resumed,
    /** Messages in `engage simulate`'s format (addresses in clear), in time order. */
    messageLines: (): MessageLine[] => recorder.messageLines(),
    recorder,
    clients,
    /** Per campaign: triggered, sent, suppressed by reason, exited, conversions (simulate's table). */
    summary,
    workflows,
    /** Replay: runs everything due up to `until` (events sent so far are delivered first). */
    async advanceTo(until: number): Promise<void> {
      await this.settled();
      await bus.run(() => clock.advanceTo(until));
      await this.settled();
    },
    /** Resolves when every delivered event and every due wake-up has run. */
    async settled(): Promise<void> {
      do {
        await bus.idle();
        await clock.time.settled();
        await bus.run(() => clock.pump());
      } while (!stopped && bus.busy);
    },
    goLive: (speed: number) => clock.goLive(speed),
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (dataDir) writeClock(dataDir, clock.now());
      clock.stop();
      await bus.idle();
      // Let the actors still running finish their calls before the servers go (bounded: a sleeper never will).
      await Promise.race([clock.time.settled(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await workflows.stop();
      server.closeAllConnections();
      dynamodbClient.destroy();
      for (const client of Object.values(clients)) client.destroy();
      // A call dynalite already took would otherwise read its closed store and throw out of the process.
      await Promise.race([dynamodbHandler.drained(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await Promise.all([close(server), close(db), close(ses)]);
    },
  };
}

/** The functions' own clients' requests handed to an in-process stand-in (a listener), no socket. */
function inProcessTransport(handler: ReturnType<typeof inProcessRequestHandler>): Transport {
  return async ({ url, headers, body }) => {
    const { response } = await handler.handle({
      method: "POST",
      path: url.pathname,
      query: {},
      headers,
      body,
    } as never);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    return {
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
  };
}

/** Capturing what the real SES client sent and SES answered: the page shows it as the recipient sees it. */
function captureEmails(client: SESv2Client, recorder: Recorder): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const input = args.input as SendEmailCommandInput;
      const simple = input.Content?.Simple;
      if (simple)
        recorder.email({
          messageId: String((result.output as { MessageId?: string }).MessageId ?? ""),
          to: input.Destination?.ToAddresses?.[0] ?? "",
          ...(simple.Subject?.Data !== undefined ? { subject: simple.Subject.Data } : {}),
          ...(simple.Body?.Html?.Data !== undefined ? { html: simple.Body.Html.Data } : {}),
          ...(simple.Body?.Text?.Data !== undefined ? { text: simple.Body.Text.Data } : {}),
          tags: Object.fromEntries((input.EmailTags ?? []).map((t) => [t.Name, t.Value])),
        });
      return result;
    },
    { step: "initialize", name: "engageDevCaptureEmail" },
  );
}

/** Every call of the client waits for `delay` before it is sent and before its answer is read. */
function delayCalls(client: { middlewareStack: object }, delay: () => Promise<void>): void {
  // Any client's stack: the middleware does not look at the input or output types.
  (client.middlewareStack as SESv2Client["middlewareStack"]).add(
    (next) => async (args) => {
      await delay();
      const result = await next(args);
      await delay();
      return result;
    },
    { step: "finalizeRequest", name: "engageDevCallDelay" },
  );
}

/** EventBridge ids are UUIDs; these are too, numbered so a replay gives the same ids. */
function eventId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

const ADDRESS_KEYS = new Set(["email", "phone", "address", "to"]);
/** The state with every email address and phone number masked, for the page. */
function maskAddresses(value: unknown, key?: string): unknown {
  if (typeof value === "string") return key && ADDRESS_KEYS.has(key) ? maskAddress(value) : value;
  if (Array.isArray(value)) return value.map((item) => maskAddresses(item, key));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAddresses(v, k)]));
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export type { Execution };

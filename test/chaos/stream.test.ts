import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { type ChaosRun, runChaos } from "./chaos-engine.ts";
import { type ChaosReport, compareRuns, formatReport } from "./chaos-report.ts";
import { chaosStream } from "./chaos-stream.ts";
import { ISSUE_7_FAULTS, NO_FAULTS } from "./fault-plan.ts";

// Before the handlers' modules load: Powertools needs a namespace, and prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
});

/**
 * `npm test` runs the short version: about 350 events over 7 days, with crashes and slow sends made
 * more frequent so that every path runs in so few sends. `npm run test:chaos` sets CHAOS_EVENTS
 * (5,000 events over 60 days by default) and runs the issue's rates.
 */
const FULL = process.env.CHAOS_EVENTS !== undefined;
const SIZE = Number(process.env.CHAOS_EVENTS ?? 350);
const DAYS = FULL ? 60 : 7;
/** The sample shop has about 36 events per customer over 60 days, and 20 catalog events a day. */
const CUSTOMERS = FULL ? Math.max(3, Math.round((SIZE - 20 * DAYS) / 36)) : 20;
const PLAN = FULL
  ? ISSUE_7_FAULTS
  : {
      ...ISSUE_7_FAULTS,
      crashAfterClaim: 0.05,
      crashAfterSend: 0.05,
      crashBeforeClear: 0.05,
      slowSend: 0.05,
      sendTimeout: 0.05,
    };
/**
 * Both runs sweep every scheduled campaign hourly, reading only the customers due (DueCustomers);
 * CHAOS_SWEEP_SCAN=table makes the fault-free run Scan the whole table instead, as deployed today,
 * and checks that no sweep wrote a customer DueCustomers did not list.
 */
const BASELINE_SCAN = process.env.CHAOS_SWEEP_SCAN === "table" ? "table" : "due";
/** Where the full run writes its figures (bench/results/chaos.json); the short one only prints them. */
const OUT = process.env.CHAOS_OUT;
const DAY = 24 * 3_600_000;
/** Journeys still waiting this long after the last event are stopped (both runs alike). */
const RUN_ON = 21 * DAY;

const stream = chaosStream(CUSTOMERS, DAYS);

let db: LocalDynamoDb;
let baseline: ChaosRun;
let faulted: ChaosRun;
let report: ChaosReport;

beforeAll(
  async () => {
    db = await startLocalDynamoDb();
    const until = Math.max(...stream.map((e) => e.at)) + RUN_ON;
    baseline = await runChaos({
      db,
      label: "fault-free",
      plan: NO_FAULTS,
      events: stream,
      until,
      sweepScan: BASELINE_SCAN,
    });
    faulted = await runChaos({
      db,
      label: "issue 7 faults",
      plan: PLAN,
      events: stream,
      until,
    });
    report = compareRuns(stream, baseline, faulted);
    console.log(`chaos run\n${formatReport(report)}`);
    if (OUT) {
      mkdirSync(dirname(OUT), { recursive: true });
      writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    }
  },
  FULL ? 6 * 3_600_000 : 900_000,
);

afterAll(async () => {
  await db?.stop();
});

describe(`the engine's promises under faults (${stream.length} events, ${CUSTOMERS} customers, ${DAYS} days, each delivered 1-3 times, shuffled within 5 minutes; SES/SNS throttled 10 %, DynamoDB throttled and conflicting 5 %, crashes, slow sends)`, () => {
  it("the fault-free run sends messages, applies every event and fails no journey", () => {
    expect(baseline.sends.length).toBeGreaterThan(0);
    expect(baseline.parked).toEqual([]);
    expect(baseline.failedJourneys).toEqual([]);
    expect(report.baselineDuplicates).toBe(0);
  });

  it("runs one actor at a time in both runs: one DynamoDB request in flight at most", () => {
    // A breach stops the run itself (OneActorBroken); these are its figures.
    for (const run of [baseline, faulted]) {
      expect(run.maxActive, run.label).toBe(1);
      expect(run.maxDynamoDbInFlight, run.label).toBe(1);
    }
  });

  it("sweeps every scheduled campaign, and no sweep writes a customer it was not told was due", () => {
    expect(baseline.sweeps.invoked).toBeGreaterThan(0);
    expect(baseline.sweptOutsideDue).toEqual([]);
    expect(faulted.sweptOutsideDue).toEqual([]);
  });

  it("injects every kind of fault", () => {
    for (const kind of [
      "duplicate_delivery",
      "late_delivery",
      "ses_throttle",
      "dynamodb_throttle",
      "dynamodb_conflict",
      "crash_after_claim",
      "crash_after_send",
      "crash_before_clear",
      "slow_send",
      "send_timeout",
    ])
      expect(report.faultsInjected[kind], kind).toBeGreaterThan(0);
  });

  it("sends no message twice: one per (campaign, customer, step, journey)", () => {
    expect(report.examples.duplicates ?? []).toEqual([]);
    expect(report.duplicates).toBe(0);
  });

  it("publishes one message.sent per message the provider accepted, whichever run sent it; none for a message not sent", () => {
    for (const run of [baseline, faulted]) {
      const tally = (ids: string[]) => {
        const counts = new Map<string, number>();
        for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
        return counts;
      };
      const sends = tally(run.sends.map((send) => `${send.journeyId}|${send.step}`));
      const audits = tally(run.sentAudits.map((auditId) => auditId.replace(/\|sent$/, "")));
      const problems: string[] = [];
      for (const [key, n] of audits)
        if (n > (sends.get(key) ?? 0))
          problems.push(`${key}: ${n} message.sent, ${sends.get(key) ?? 0} sent`);
      // A send the engine cannot know was made (the process died before recording it) has no event.
      for (const [key, n] of sends) {
        const unknown = run.crashedAfterSend.get(key) ?? 0;
        if ((audits.get(key) ?? 0) < n - unknown)
          problems.push(`${key}: ${audits.get(key) ?? 0} message.sent, ${n} sent (${unknown} unknown)`);
      }
      expect(problems, run.label).toEqual([]);
    }
    expect(faulted.sentAudits.length).toBeGreaterThan(0);
  });

  it("redrives the dead-letter queues as ops do: every parked event is applied in the end", () => {
    const events = faulted.parked.filter((letter) => letter.via !== "sweep");
    expect(report.redrives.redriven).toBeGreaterThanOrEqual(events.length);
    expect(report.redrives.applied).toBeGreaterThanOrEqual(events.length - report.parkedAgainAfterRedrive);
    expect(faulted.deadLetters.filter((letter) => letter.via !== "sweep")).toEqual([]);
  });

  it("loses no transactional message", () => {
    expect(report.examples.transactionalLost ?? []).toEqual([]);
    expect(report.transactionalLost).toBe(0);
  });

  it("messages nobody after their opt-out was applied (consent ordered by event time)", () => {
    expect(report.examples.sendsAfterOptOut ?? []).toEqual([]);
    expect(report.sendsAfterOptOut).toBe(0);
  });

  it("sends nothing to an address after its hard bounce, complaint or STOP was applied", () => {
    expect(report.examples.sendsToSuppressed ?? []).toEqual([]);
    expect(report.sendsToSuppressed).toBe(0);
  });

  it("writes every customer's item: no event is given up on", () => {
    expect(report.notWrittenByError).toEqual({});
    expect(report.customersNotWritten).toBe(0);
  });

  it("fails no journey and leaves nothing in any outbox", () => {
    expect(report.examples.failedJourneys ?? []).toEqual([]);
    expect(faulted.outboxLeft).toEqual([]);
  });

  it("stops workflows whose journey ended while they waited, under faults too, with the sends above unchanged", () => {
    expect(baseline.stoppedWorkflows).toBeGreaterThan(0);
    expect(faulted.stoppedWorkflows).toBeGreaterThan(0);
  });

  it("moves every journey's wake-up strictly forward (no Step invoked for ever at one instant)", () => {
    expect(report.examples.wedgedJourneys ?? []).toEqual([]);
    expect(report.wedgedJourneys).toBe(0);
  });

  it("keeps every state item under 100 KB", () => {
    expect(report.largestStateItemBytes).toBeLessThan(100 * 1024);
  });
});

import type { AcceptedSend, ChaosRun } from "./chaos-engine.ts";
import type { StreamEvent } from "./chaos-stream.ts";

/** What a faulted run did, compared with the fault-free run of the same stream. */
export type ChaosReport = {
  events: number;
  customers: number;
  deliveries: number;
  faultsInjected: Record<string, number>;
  baseline: RunFigures;
  faulted: RunFigures;
  /**
   * The same (campaign, customer, step, journey) accepted twice, outside the one window
   * that remains by design (the provider accepted, the process died before recording it): must be 0.
   */
  duplicates: number;
  /** Duplicates inside that window: at most one per message and crash that caught it. */
  duplicatesInWindow: number;
  /** Messages accepted by the provider and not yet recorded when a crash was injected (once per crash). */
  messagesCaughtInWindow: number;
  /** Duplicates in the fault-free run: the key is wrong if not 0. */
  baselineDuplicates: number;
  /** Transactional messages of the fault-free run never accepted under faults: must be 0. */
  transactionalLost: number;
  /** Marketing messages of the fault-free run not sent under faults, by reason. */
  marketingLost: number;
  lostByReason: Record<string, number>;
  /** Messages sent under faults that the fault-free run did not send. */
  extraSends: { transactional: number; marketing: number };
  /** Marketing sends started after an opt-out of their channel or topic was applied: must be 0. */
  sendsAfterOptOut: number;
  /** Sends started after the address's hard bounce, complaint or STOP was applied: must be 0. */
  sendsToSuppressed: number;
  /**
   * Customers with an event Lambda gave up on although no fault was injected into its last attempt
   * (the engine failed on its own: an item too large, a state it cannot read): must be 0.
   */
  customersNotWritten: number;
  notWrittenByError: Record<string, number>;
  /**
   * Events parked in a dead-letter queue after Lambda's retries (the failure destination, the fan-out
   * queue's DLQ, the sweep schedules'), all of them faulted: by last fault. Each parking counts, a
   * redriven event parked again too (parkedAgainAfterRedrive of them).
   */
  parkedAfterFaults: number;
  parkedByFault: Record<string, number>;
  parkedAgainAfterRedrive: number;
  /** Ops' redrives (daily, and a last one an hour before the end): letters sent back, and applied. */
  redrives: { rounds: number; redriven: number; applied: number };
  /** Still parked at the end of the run, after the last redrive, by where: lost for good. */
  stillParked: number;
  stillParkedByVia: Record<string, number>;
  failedJourneys: number;
  /** Journeys whose Step kept waking them at the same instant, in either run: must be 0. */
  wedgedJourneys: number;
  largestStateItemBytes: number;
  examples: Record<string, string[]>;
};

type RunFigures = {
  sends: number;
  transactional: number;
  marketing: number;
  /** Parkings in a dead-letter queue (redriven since or not). */
  deadLetters: number;
  /** Events (and sweeps) Lambda gave up on, by the error of their last attempt and its last injected fault. */
  giveUpsByCause: Record<string, number>;
  failedJourneys: number;
  outboxLeft: number;
  droppedEffects: number;
  largestStateItemBytes: number;
  wallMs: number;
  cpuMs: number;
  /** Hourly sweeps invoked, and skipped with nobody due; customers a sweep wrote that were not listed as due. */
  sweeps: { invoked: number; skipped: number; outsideDue: number };
  /** Actors active at once (the virtual clock's one-at-a-time rule) and DynamoDB requests in flight, at most. */
  maxActive: number;
  maxDynamoDbInFlight: number;
};

const EXAMPLES = 5;

const sendKey = (send: Pick<AcceptedSend, "journeyId" | "step">) => `${send.journeyId}|${send.step}`;

export function compareRuns(
  stream: readonly StreamEvent[],
  baseline: ChaosRun,
  faulted: ChaosRun,
): ChaosReport {
  const examples: Record<string, string[]> = {};
  const example = (kind: string, text: string) => {
    const list = examples[kind] ?? [];
    if (list.length < EXAMPLES) list.push(text);
    examples[kind] = list;
  };

  const duplicatesOf = (run: ChaosRun, kind?: string) => {
    // Each crash that caught a message in the window excuses one resend of it; any other is a duplicate.
    const seen = new Set<string>();
    const excused = new Map(run.crashedAfterSend);
    let duplicates = 0;
    let inWindow = 0;
    for (const send of run.sends) {
      const key = sendKey(send);
      if (seen.has(key) && (excused.get(key) ?? 0) > 0) {
        inWindow++;
        excused.set(key, (excused.get(key) ?? 0) - 1);
      } else if (seen.has(key)) {
        duplicates++;
        if (kind) example(kind, `${key} at ${iso(send.at)}`);
      }
      seen.add(key);
    }
    return { duplicates, inWindow };
  };
  const faultedDuplicates = duplicatesOf(faulted, "duplicates");

  const faultedKeys = new Set(faulted.sends.map(sendKey));
  const baselineKeys = new Set(baseline.sends.map(sendKey));
  const lostByReason: Record<string, number> = {};
  let transactionalLost = 0;
  let marketingLost = 0;
  const lost = new Set<string>();
  for (const send of baseline.sends) {
    const key = sendKey(send);
    if (faultedKeys.has(key) || lost.has(key)) continue;
    lost.add(key);
    const reason = lossReason(faulted, send);
    const kind = send.marketing ? "marketing" : "transactional";
    lostByReason[`${kind}: ${reason}`] = (lostByReason[`${kind}: ${reason}`] ?? 0) + 1;
    if (send.marketing) marketingLost++;
    else {
      transactionalLost++;
      example("transactionalLost", `${key} (${reason})`);
    }
  }
  const extra = faulted.sends.filter((send) => !baselineKeys.has(sendKey(send)));

  const violations = policyViolations(stream, faulted);
  for (const text of violations.optOut) example("sendsAfterOptOut", text);
  for (const text of violations.suppressed) example("sendsToSuppressed", text);

  const notWritten = new Map<string, string>();
  const parkedByFault: Record<string, number> = {};
  let parked = 0;
  // Every parking: a give-up with no fault injected is the engine's own failure, redriven since or not.
  for (const letter of faulted.parked) {
    const fault = letter.faults.at(-1);
    if (fault) {
      parked++;
      parkedByFault[fault] = (parkedByFault[fault] ?? 0) + 1;
    } else if (!notWritten.has(letter.customerId ?? letter.eventId))
      notWritten.set(letter.customerId ?? letter.eventId, letter.error);
  }
  const notWrittenByError: Record<string, number> = {};
  for (const error of notWritten.values()) notWrittenByError[error] = (notWrittenByError[error] ?? 0) + 1;
  const stillParkedByVia: Record<string, number> = {};
  for (const letter of faulted.deadLetters)
    stillParkedByVia[letter.via] = (stillParkedByVia[letter.via] ?? 0) + 1;
  for (const letter of faulted.deadLetters.slice(0, EXAMPLES))
    example(
      "deadLetters",
      `${letter.eventId} (${letter.via}): ${letter.error} [${letter.faults.join(", ")}]`,
    );
  for (const journey of [...baseline.wedgedJourneys, ...faulted.wedgedJourneys].slice(0, EXAMPLES))
    example("wedgedJourneys", `${journey.journeyId} at ${iso(journey.at)}`);
  for (const journey of faulted.failedJourneys.slice(0, EXAMPLES))
    example("failedJourneys", `${journey.journeyId}: ${journey.error}`);

  return {
    events: stream.length,
    customers: new Set(stream.flatMap((e) => (e.customerId ? [e.customerId] : []))).size,
    deliveries: faulted.deliveries,
    faultsInjected: faulted.faults as Record<string, number>,
    baseline: figures(baseline),
    faulted: figures(faulted),
    duplicates: faultedDuplicates.duplicates,
    duplicatesInWindow: faultedDuplicates.inWindow,
    messagesCaughtInWindow: [...faulted.crashedAfterSend.values()].reduce((sum, n) => sum + n, 0),
    baselineDuplicates: duplicatesOf(baseline).duplicates,
    transactionalLost,
    marketingLost,
    lostByReason,
    extraSends: {
      transactional: extra.filter((s) => !s.marketing).length,
      marketing: extra.filter((s) => s.marketing).length,
    },
    sendsAfterOptOut: violations.optOut.length,
    sendsToSuppressed: violations.suppressed.length,
    customersNotWritten: notWritten.size,
    notWrittenByError,
    parkedAfterFaults: parked,
    parkedByFault,
    parkedAgainAfterRedrive: faulted.parked.filter((letter) => letter.afterRedrive).length,
    redrives: faulted.redrives,
    stillParked: faulted.deadLetters.length,
    stillParkedByVia,
    failedJourneys: faulted.failedJourneys.length,
    wedgedJourneys: baseline.wedgedJourneys.length + faulted.wedgedJourneys.length,
    largestStateItemBytes: Math.max(baseline.largestStateItem.bytes, faulted.largestStateItem.bytes),
    examples,
  };
}

function figures(run: ChaosRun): RunFigures {
  return {
    sends: run.sends.length,
    transactional: run.sends.filter((s) => !s.marketing).length,
    marketing: run.sends.filter((s) => s.marketing).length,
    deadLetters: run.parked.length,
    giveUpsByCause: giveUpsByCause(run),
    failedJourneys: run.failedJourneys.length,
    outboxLeft: run.outboxLeft.length,
    droppedEffects: run.droppedEffects.length,
    largestStateItemBytes: run.largestStateItem.bytes,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    sweeps: { ...run.sweeps, outsideDue: run.sweptOutsideDue.length },
    maxActive: run.maxActive,
    maxDynamoDbInFlight: run.maxDynamoDbInFlight,
  };
}

function giveUpsByCause(run: ChaosRun): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const letter of run.parked) {
    const cause = `${letter.via}: ${letter.error} (${letter.faults.at(-1) ?? "no fault injected"})`;
    causes[cause] = (causes[cause] ?? 0) + 1;
  }
  return causes;
}

/** Why a message of the fault-free run was not sent under faults, from what the faulted run left. */
function lossReason(run: ChaosRun, send: AcceptedSend): string {
  const prefix = `${send.journeyId}|${send.step}|`;
  const suppressed = run.suppressed.find((s) => s.journeyId === send.journeyId && s.step === send.step);
  if (suppressed) return `suppressed ${suppressed.reason}`;
  if (run.outboxLeft.some((e) => e.entry.startsWith(prefix))) return "still in the outbox at the end";
  const dropped = run.droppedEffects.find((e) => e.entry.startsWith(prefix));
  if (dropped) return `effect dropped (${dropped.reason})`;
  if (run.failedJourneys.some((j) => j.journeyId === send.journeyId)) return "journey failed";
  if (run.deadLetters.some((d) => d.customerId === send.customerId))
    return "an event of the customer never applied (still parked after the last redrive)";
  if (run.parked.some((d) => d.customerId === send.customerId))
    return "an event of the customer applied late (parked, then redriven)";
  return "not decided under faults (delivery order)";
}

type ConsentRecord = { eventId: string; at: number; scope: string; status: string };

/**
 * The promises about opt-outs and suppressed addresses, checked against the stream itself: consent
 * is ordered by each event's own time (the last by event time wins, ties by event id), among the
 * events applied before the send started; a suppressed address stays suppressed.
 */
function policyViolations(stream: readonly StreamEvent[], run: ChaosRun) {
  const consent = new Map<string, ConsentRecord[]>();
  const suppressions = new Map<string, { eventId: string; address: string }[]>();
  for (const event of stream) {
    if (!event.customerId) continue;
    const detail = event.envelope.detail as Record<string, unknown>;
    const records: ConsentRecord[] = [];
    const record = (scope: string, status: string) =>
      records.push({ eventId: event.id, at: event.at, scope, status });
    const suppress = (address: unknown) => {
      if (typeof address !== "string") return;
      const list = suppressions.get(event.customerId ?? "") ?? [];
      list.push({ eventId: event.id, address });
      suppressions.set(event.customerId ?? "", list);
    };
    switch (event.envelope["detail-type"]) {
      case "customer.signed_up":
      case "customer.updated":
        if (typeof detail.smsOptIn === "boolean") record("sms", detail.smsOptIn ? "opted_in" : "opted_out");
        if (detail.newsletter === false) record("topic:newsletter", "opted_out");
        if (detail.newsletter === true && event.envelope["detail-type"] === "customer.signed_up")
          record("topic:newsletter", "opted_in");
        break;
      case "consent.updated":
        if (typeof detail.status === "string")
          record(
            typeof detail.topic === "string" ? `topic:${detail.topic}` : String(detail.channel),
            detail.status,
          );
        break;
      case "email.bounced":
        if (detail.bounceType === "permanent") suppress(detail.address);
        break;
      case "email.complained":
        suppress(detail.address);
        break;
      case "sms.opted_out":
        suppress(detail.phone);
        record("sms", "opted_out");
        break;
    }
    if (records.length > 0)
      consent.set(event.customerId, [...(consent.get(event.customerId) ?? []), ...records]);
  }

  const optOut: string[] = [];
  const suppressed: string[] = [];
  const appliedBefore = (eventId: string, send: AcceptedSend) =>
    (run.appliedSeq.get(eventId) ?? Number.POSITIVE_INFINITY) < send.startedSeq;
  for (const send of run.sends) {
    const what = `${send.journeyId}|${send.step} at ${iso(send.at)}`;
    if (
      (suppressions.get(send.customerId) ?? []).some(
        (s) => s.address === send.to && appliedBefore(s.eventId, send),
      )
    )
      suppressed.push(what);
    if (!send.marketing) continue;
    const latest = (scope: string) => {
      let best: ConsentRecord | undefined;
      for (const r of consent.get(send.customerId) ?? [])
        if (r.scope === scope && appliedBefore(r.eventId, send))
          if (!best || r.at > best.at || (r.at === best.at && r.eventId > best.eventId)) best = r;
      return best?.status;
    };
    if (latest(send.channel) === "opted_out" || (send.topic && latest(`topic:${send.topic}`) === "opted_out"))
      optOut.push(what);
  }
  return { optOut, suppressed };
}

const iso = (at: number) => new Date(at).toISOString();

/** The report as a short text table. */
export function formatReport(report: ChaosReport): string {
  const rows: [string, string | number][] = [
    ["events (customers)", `${report.events} (${report.customers})`],
    ["deliveries under faults (copies, retries)", report.deliveries],
    ...Object.entries(report.faultsInjected).map(([kind, n]): [string, number] => [`  fault ${kind}`, n]),
    ["sends fault-free / under faults", `${report.baseline.sends} / ${report.faulted.sends}`],
    ["  transactional", `${report.baseline.transactional} / ${report.faulted.transactional}`],
    ["  marketing", `${report.baseline.marketing} / ${report.faulted.marketing}`],
    ["duplicates (must be 0)", report.duplicates],
    [
      "duplicates in the remaining window / messages caught in it",
      `${report.duplicatesInWindow} / ${report.messagesCaughtInWindow}`,
    ],
    ["transactional lost (must be 0)", report.transactionalLost],
    ["marketing lost", report.marketingLost],
    ...Object.entries(report.lostByReason).map(([reason, n]): [string, number] => [`  ${reason}`, n]),
    [
      "extra sends (transactional / marketing)",
      `${report.extraSends.transactional} / ${report.extraSends.marketing}`,
    ],
    ["sends after opt-out (must be 0)", report.sendsAfterOptOut],
    ["sends to a suppressed address (must be 0)", report.sendsToSuppressed],
    ["customers whose item could not be written (must be 0)", report.customersNotWritten],
    ...Object.entries(report.notWrittenByError).map(([error, n]): [string, number] => [`  ${error}`, n]),
    ["events given up on in the fault-free run", report.baseline.deadLetters],
    ...Object.entries(report.baseline.giveUpsByCause).map(([cause, n]): [string, number] => [
      `  ${cause}`,
      n,
    ]),
    ["events parked after Lambda's retries, all faulted", report.parkedAfterFaults],
    ...Object.entries(report.parkedByFault).map(([fault, n]): [string, number] => [
      `  last fault ${fault}`,
      n,
    ]),
    ["  parked again after a redrive", report.parkedAgainAfterRedrive],
    [
      "redrives (daily and last) / letters redriven / applied",
      `${report.redrives.rounds} / ${report.redrives.redriven} / ${report.redrives.applied}`,
    ],
    ["still parked after the last redrive", report.stillParked],
    ...Object.entries(report.stillParkedByVia).map(([via, n]): [string, number] => [`  ${via}`, n]),
    ["journeys failed", report.failedJourneys],
    ["journeys wedged: Step kept waking them at the same instant (must be 0)", report.wedgedJourneys],
    ["outbox entries left at the end", report.faulted.outboxLeft],
    ["effects dropped", report.faulted.droppedEffects],
    ["largest state item (bytes)", report.largestStateItemBytes],
    [
      "sweeps invoked / skipped, nobody due (fault-free run)",
      `${report.baseline.sweeps.invoked} / ${report.baseline.sweeps.skipped}`,
    ],
    [
      "DynamoDB requests in flight at most, fault-free / under faults",
      `${report.baseline.maxDynamoDbInFlight} / ${report.faulted.maxDynamoDbInFlight}`,
    ],
    [
      "wall time fault-free / under faults (s)",
      `${sec(report.baseline.wallMs)} / ${sec(report.faulted.wallMs)}`,
    ],
    [
      "CPU time fault-free / under faults (s)",
      `${sec(report.baseline.cpuMs)} / ${sec(report.faulted.cpuMs)}`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  for (const [kind, list] of Object.entries(report.examples))
    lines.push(`examples of ${kind}:`, ...list.map((text) => `  ${text}`));
  return lines.join("\n");
}

const sec = (ms: number) => (ms / 1000).toFixed(1);

import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbDueIndex } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { PermanentError } from "../../functions/adapters/errors.ts";
import type { CampaignCount } from "../../functions/core/engine/campaign-counts.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import { type RuntimeDeps, runForCustomer } from "../../functions/runtime/customer-runner.ts";
import { sweepClaims } from "../../functions/use-cases/sweep-claims.ts";
import { ENV, useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { crashAfterStatePut } from "../support/crash-after-put.ts";
import { consentUpdated, customerSignedUp } from "../support/events.ts";
import { recordingPorts } from "../support/recording-ports.ts";
import { type TestEvent, toJsonLines } from "../support/scenario.ts";

// The per-campaign counts (CloudWatch metrics on AWS, the summary of `npm start`): Sent counts a
// message its provider accepted, by the run that sent it, as message.sent does (audit-sent.test.ts).
const rt = useHandlerRuntime();

function counting(ports: RuntimeDeps["ports"] = rt.deps.ports) {
  const counts: CampaignCount[] = [];
  const deps: RuntimeDeps = { ...rt.deps, ports, count: (more) => counts.push(...more) };
  const named = (name: string) =>
    counts.filter((count) => count.name === name).map((count) => count.campaign);
  return { deps, named };
}

function through(deps: RuntimeDeps, customerId: string, event: TestEvent) {
  const parsed = parseEnvelope(JSON.parse(toJsonLines([event])[0]!));
  if (parsed.kind !== "event") throw new Error("test event not accepted");
  return runForCustomer(deps, customerId, event.id, (state) =>
    decide(deps.compiled, state, parsed.event as CustomerEvent),
  );
}

const signup = (customerId: string) => ({
  ...customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email: `${customerId}@example.com` }),
  id: `signup-${customerId}`,
});

describe("Sent counts the messages sent, by the run that sends them", () => {
  it("a send its provider refuses for good is not counted Sent", async () => {
    const fake = recordingPorts();
    fake.failNext.deliver.push(new PermanentError("SES SendEmail: MessageRejected", "MessageRejected"));
    const { deps, named } = counting(fake.ports);
    await through(deps, "sc1", signup("sc1"));
    expect(fake.delivered).toEqual([]);
    expect(named("Triggered")).toEqual(["welcome"]);
    expect(named("Sent")).toEqual([]);
  });

  it("a dead run's email finished by the claims' sweep is counted Sent once, by the sweep", async () => {
    const { deps, named } = counting();
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(through(deps, "sc2", signup("sc2"))).rejects.toThrow("crashed after the state put");
    removeCrash();
    expect(named("Sent")).toEqual([]);

    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    const { customersDue, claimsLapsed, refile } = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
    await sweepClaims(
      {
        deps,
        scan: dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
        options: { dueIndex: { customersDue, claimsLapsed, refile }, catchUpHours: 2 },
      },
      { sweep: "claims" },
    );
    expect(rt.sentEmails().filter((email) => email.customerId === "sc2")).toHaveLength(1);
    expect(named("Sent")).toEqual(["welcome"]);
  });

  it("a message left to another function and suppressed when judged again is counted Suppressed, not Sent", async () => {
    const fake = recordingPorts();
    const noMessages = counting({ ...fake.ports, canPerform: (entry) => entry.kind !== "message" });
    await through(noMessages.deps, "sc3", signup("sc3"));
    expect(noMessages.named("Sent")).toEqual([]);

    rt.clock.now += 60_000;
    const sender = counting(fake.ports);
    await through(sender.deps, "sc3", {
      ...consentUpdated("sc3", "2026-03-01T08:00:30Z", { status: "opted_out" }),
      id: "optout-sc3",
    });
    expect(fake.delivered).toEqual([]);
    expect(sender.named("Sent")).toEqual([]);
    expect(sender.named("Suppressed")).toEqual(["welcome"]);
  });

  it("a message sent by the run that decides it is counted Sent once", async () => {
    const fake = recordingPorts();
    const { deps, named } = counting(fake.ports);
    await through(deps, "sc4", signup("sc4"));
    expect(fake.delivered).toHaveLength(1);
    expect(named("Sent")).toEqual(["welcome"]);
  });
});

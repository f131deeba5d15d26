import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SavedState } from "../../functions/adapters/customer-state-store.ts";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { SDK_CALL_BUDGET_MS } from "../../functions/adapters/sdk-client-settings.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import type { MessageEntry } from "../../functions/runtime/claim-effects.ts";
import {
  EFFECT_BUDGET_MS,
  EFFECT_LEASE_MS,
  type RuntimeDeps,
  runForCustomer,
} from "../../functions/runtime/customer-runner.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { defaultClients } from "../../functions/wiring-on-first-use.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { customerSignedUp } from "../support/events.ts";
import { recordedDelivery, recordingLog, recordingPorts } from "../support/recording-ports.ts";
import { shippedCampaign, shippedEngineSettings, toJsonLines } from "../support/scenario.ts";

const TABLE = "customer-state";
const compiled = compileCampaigns([shippedCampaign("welcome")], shippedEngineSettings(), {
  renderBodies: true,
});

/**
 * The state store with faults injected on its writes: `conflicts` writes lose their version race to
 * a real concurrent write of the same item; `throttles` writes are refused as DynamoDB throttling.
 */
class FaultyStore extends DynamoDbCustomerStateStore {
  conflicts = 0;
  throttles = 0;
  override async save(state: CustomerState, expectedVersion: number): Promise<SavedState> {
    if (this.throttles > 0) {
      this.throttles--;
      throw new RetryableError(
        "DynamoDB PutItem failed: throttled",
        "ProvisionedThroughputExceededException",
      );
    }
    if (this.conflicts > 0) {
      this.conflicts--;
      const other = await this.load(state.customerId);
      await super.save(other.state, other.version);
    }
    return super.save(state, expectedVersion);
  }
}

let db: LocalDynamoDb;
let store: FaultyStore;
let clock: number;
beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createTable(db.client, TABLE, "customerId");
  store = new FaultyStore(db.documents, TABLE);
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  clock = Date.parse("2026-03-01T08:00:05Z");
  store.conflicts = 0;
  store.throttles = 0;
});

let customers = 0;
const nextCustomer = () => `ds${++customers}`;
const signup = (customerId: string) =>
  JSON.parse(
    toJsonLines([
      { ...customerSignedUp(customerId, "2026-03-01T08:00:00Z"), id: `signup-${customerId}` },
    ])[0]!,
  ) as unknown;

function runtime(ports: RuntimeDeps["ports"], extra: Partial<RuntimeDeps> = {}) {
  return { compiled, store, ports, now: () => clock, log: recordingLog(), ...extra } satisfies RuntimeDeps;
}

/** Ports whose deliveries wait until the test lets them go (a send slower than the lease). */
function slowPorts() {
  const fake = recordingPorts();
  const gates: (() => void)[] = [];
  const ports: RuntimeDeps["ports"] = {
    ...fake.ports,
    async deliver(customerId, message: MessageEntry) {
      if (fake.attempts.length === 0) {
        fake.attempts.push(recordedDelivery(customerId, message));
        await new Promise<void>((resolve) => gates.push(resolve));
        fake.delivered.push(recordedDelivery(customerId, message));
        return;
      }
      await fake.ports.deliver(customerId, message);
    },
  };
  return { ...fake, ports, release: () => gates.shift()?.() };
}

/**
 * Ports whose first delivery hangs until the test lets it go or its signal aborts it (rejecting as the
 * SDK does, not delivered); the others deliver at once.
 */
function abortableSlowPorts() {
  const fake = recordingPorts();
  let release = () => {};
  const ports: RuntimeDeps["ports"] = {
    ...fake.ports,
    async deliver(customerId, message: MessageEntry, signal?: AbortSignal) {
      if (fake.attempts.length > 0) return fake.ports.deliver(customerId, message);
      const record = recordedDelivery(customerId, message);
      fake.attempts.push(record);
      await new Promise<void>((resolve, reject) => {
        release = resolve;
        signal?.addEventListener("abort", () =>
          reject(Object.assign(new Error("Request aborted"), { name: "AbortError" })),
        );
      });
      fake.delivered.push(record);
    },
  };
  return { ...fake, ports, release: () => release() };
}

/** The lease's heartbeat checks, fired by the test (RuntimeDeps.leaseEvery) instead of a real-time interval. */
function manualLeaseChecks() {
  const live = new Set<() => unknown>();
  const every: NonNullable<RuntimeDeps["leaseEvery"]> = (_ms, check) => {
    live.add(check);
    return () => live.delete(check);
  };
  return {
    every,
    fire: async () => {
      for (const check of [...live]) await check();
    },
  };
}

describe("no double send when recording a send fails (issue 7 item 5a)", () => {
  it("the write clearing the outbox loses its version race 5 times: sent once, no retry thrown", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const ports = {
      ...fake.ports,
      async deliver(id: string, message: MessageEntry) {
        await fake.ports.deliver(id, message);
        store.conflicts = 5; // every attempt the store itself makes at the clear
      },
    };
    const deps = runtime(ports);

    const first = await ingestEvent(deps, signup(customerId)).catch((error: unknown) => error);
    clock += 60_000; // the invocation's retry, had the first one failed
    await ingestEvent(deps, signup(customerId)).catch(() => undefined);

    expect(fake.attempts).toHaveLength(1);
    expect(first).toMatchObject({ outcome: "applied", messages: 1 });
    expect((await store.load(customerId)).state.outbox).toEqual([]);
  });

  it("the clear is throttled a few times: sent once, recorded once DynamoDB accepts it", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const ports = {
      ...fake.ports,
      async deliver(id: string, message: MessageEntry) {
        await fake.ports.deliver(id, message);
        store.throttles = 3;
      },
    };
    const deps = runtime(ports);

    const first = await ingestEvent(deps, signup(customerId)).catch((error: unknown) => error);
    store.throttles = 0;
    clock += 60_000;
    await ingestEvent(deps, signup(customerId)).catch(() => undefined);

    expect(fake.attempts).toHaveLength(1);
    expect(first).toMatchObject({ outcome: "applied", messages: 1 });
    expect((await store.load(customerId)).state.outbox).toEqual([]);
  });
});

describe("no double send when a send outlasts the lease (issue 7 item 5b)", () => {
  it("a send slower than the lease keeps its claim: a concurrent redelivery does not send again", async () => {
    const customerId = nextCustomer();
    const slow = slowPorts();
    const deps = runtime(slow.ports, { leaseCheckMs: 10 });

    const running = ingestEvent(deps, signup(customerId));
    await expect.poll(() => slow.attempts.length).toBe(1);
    clock += EFFECT_LEASE_MS + 1; // the send is still in flight past the lease
    await new Promise((resolve) => setTimeout(resolve, 200));
    await ingestEvent(deps, signup(customerId)); // a redelivery, or a journey step, for the customer
    slow.release();
    await running;

    expect(slow.attempts).toHaveLength(1);
    expect(slow.delivered).toHaveLength(1);
    expect((await store.load(customerId)).state.outbox).toEqual([]);
  });

  it("a run whose lease was taken over (it was frozen) re-checks before each send and skips the rest", async () => {
    const customerId = nextCustomer();
    const entry = (step: string): MessageEntry => ({
      kind: "message",
      id: `j|${step}|2026-03-01T08:00:00.000Z`,
      journeyId: "j",
      campaign: "welcome",
      step,
      template: "t",
      channel: "email",
      to: `${customerId}@example.com`,
      body: "hi",
      marketing: false,
      claimedAt: 0,
    });
    await store.save({ ...emptyCustomerState(customerId), outbox: [entry("one"), entry("two")] }, 0);
    const slow = slowPorts();
    // No heartbeat: the container is frozen mid-send.
    const frozen = runtime(slow.ports, { leaseCheckMs: 1e9 });
    const other = runtime(slow.ports);

    const running = runForCustomer(frozen, customerId, undefined, () => []);
    await expect.poll(() => slow.attempts.length).toBe(1);
    clock += EFFECT_LEASE_MS + 1;
    await runForCustomer(other, customerId, undefined, () => []); // takes both over, sends both
    slow.release();
    await running;

    const sends = (step: string) => slow.attempts.filter((a) => a.step === step).length;
    // "one" was in flight when the lease lapsed: the one window that remains (README). "two" was not.
    expect(sends("one")).toBe(2);
    expect(sends("two")).toBe(1);
    expect((await store.load(customerId)).state.outbox).toEqual([]);
  });

  it("a send in flight whose lease cannot be renewed is aborted before it lapses: the run that takes the entry over sends it alone (the 45,070-event chaos run's 2 duplicates)", async () => {
    const customerId = nextCustomer();
    const slow = abortableSlowPorts();
    const checks = manualLeaseChecks();
    const deps = runtime(slow.ports, { leaseEvery: checks.every });
    const claimedAt = clock;

    const running = ingestEvent(deps, signup(customerId)).catch((error: unknown) => error);
    await expect.poll(() => slow.attempts.length).toBe(1);
    store.throttles = 1_000; // every renewal of the lease is throttled
    clock = claimedAt + EFFECT_LEASE_MS / 2;
    await checks.fire();
    clock = claimedAt + EFFECT_LEASE_MS - EFFECT_LEASE_MS / 4;
    await checks.fire(); // the last check before the lease lapses, and its renewal fails again
    store.throttles = 0;
    clock = claimedAt + EFFECT_LEASE_MS + 1_000;
    await ingestEvent(runtime(slow.ports), signup(customerId)); // a redelivery takes the entry over
    slow.release(); // the first send, had it not been aborted, is accepted now
    const first = await running;

    expect(slow.delivered).toHaveLength(1);
    expect(first).toMatchObject({ reason: "lease_lapsing" });
    expect((await store.load(customerId)).state.outbox).toEqual([]);
  });

  it("every SDK client bounds its calls; one effect's worst case is shorter than the lease", async () => {
    const clients = defaultClients();
    // DynamoDB (dynamodb-documents.ts): the standard retry mode's 3 attempts for throttling, each
    // connecting and answering within 1 + 1 s; the SDK clients, and Secrets Manager's own
    // (secrets-manager-secret.ts), 2 attempts of 1 + 3 s.
    const { dynamodb: documents, secrets, ...sdkClients } = clients;
    expect(documents.maxAttempts).toBe(3);
    expect(documents.attemptTimeoutMs).toBe(2_000);
    expect(secrets.maxAttempts).toBe(2);
    expect(secrets.attemptTimeoutMs).toBe(4_000);
    for (const [name, client] of Object.entries(sdkClients)) {
      expect(await client.config.maxAttempts(), name).toBe(2);
      const mode = client.config.retryMode;
      expect(typeof mode === "function" ? await mode() : mode, name).toBe("standard");
      const handler = client.config.requestHandler as unknown as {
        configProvider: Promise<{ requestTimeout?: number; connectionTimeout?: number }>;
      };
      expect(await handler.configProvider, name).toMatchObject({
        requestTimeout: 3_000,
        connectionTimeout: 1_000,
        throwOnRequestTimeout: true,
      });
    }
    expect(SDK_CALL_BUDGET_MS).toBe(9_000);
    expect(EFFECT_BUDGET_MS).toBeLessThan(EFFECT_LEASE_MS);
  });
});

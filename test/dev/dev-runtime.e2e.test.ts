import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, describe, expect, it, vi } from "vitest";
import { entryOf, localEventBridgeClient, replayLines } from "../../local/dev/replay.ts";
import type { DevRuntime } from "../../local/dev/runtime.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { loadLikeDelays } from "./load-like-delays.ts";
import { compareWithSimulate, shopSubset, simulatedLines } from "./shop-subset.ts";

// Before the handlers' modules load: Powertools Metrics needs a namespace, and prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
});

const { startDevRuntime } = await import("../../local/dev/runtime.ts");
const run = promisify(execFile);
// Servers, a CDK synth and hours of runtime time on a loaded 2-core machine: generous limits.
const SLOW = 240_000;

let runtime: DevRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

const START = Date.parse("2026-03-02T00:00:00Z");
const runtimeLines = (dev: DevRuntime) => dev.messageLines().map(formatMessageLine).sort();

describe("engage dev: the live runtime answers real AWS clients and sends what engage simulate sends", () => {
  it(
    "events sent with the real EventBridge SDK client give simulate's messages",
    async () => {
      const lines = shopSubset("2026-03-02T12:00:00Z", "c-0030");
      const until = "2026-03-04T00:00:00Z";
      runtime = await startDevRuntime({ port: 0, replay: true, start: START });
      const { failed } = await replayLines(localEventBridgeClient(runtime.url), lines);
      expect(failed).toEqual([]);
      await runtime.advanceTo(Date.parse(until));

      const expected = simulatedLines(lines, until);
      expect(expected.length).toBeGreaterThan(5);
      const comparison = compareWithSimulate(runtimeLines(runtime), expected);
      expect(comparison).toMatchObject({ missing: [], unexplained: [] });
      expect(runtime.view.deadLetterQueues().flatMap((q) => q.messages)).toEqual([]);
    },
    SLOW,
  );

  it(
    "with its SDK calls delayed as on a loaded machine, the replay still gives simulate's messages",
    async () => {
      // A day of 40 customers: journeys started and woken, catalog fan-outs, hourly sweeps.
      const lines = shopSubset("2026-03-03T00:00:00Z", "c-0040");
      const until = "2026-03-04T00:00:00Z";
      runtime = await startDevRuntime({ port: 0, replay: true, start: START, callDelay: loadLikeDelays(7) });
      const { failed } = await replayLines(localEventBridgeClient(runtime.url), lines);
      expect(failed).toEqual([]);
      await runtime.advanceTo(Date.parse(until));

      const expected = simulatedLines(lines, until);
      expect(expected.length).toBeGreaterThan(20);
      expect(compareWithSimulate(runtimeLines(runtime), expected)).toMatchObject({
        missing: [],
        unexplained: [],
      });
      expect(runtime.view.deadLetterQueues().flatMap((q) => q.messages)).toEqual([]);
    },
    SLOW,
  );

  it(
    "events sent with the AWS CLI (aws events put-events --endpoint-url) give simulate's messages",
    async (context) => {
      const aws = await run("aws", ["--version"]).catch(() => undefined);
      if (!aws) {
        console.warn(
          "SKIPPED: the AWS CLI (`aws`) is not installed; .ci/run installs it (apt-get install awscli)",
        );
        context.skip();
      }
      const lines = shopSubset("2026-03-02T12:00:00Z", "c-0030");
      const until = "2026-03-04T00:00:00Z";
      runtime = await startDevRuntime({ port: 0, replay: true, start: START });
      const dir = mkdtempSync(join(tmpdir(), "engage-cli-"));
      try {
        for (let i = 0; i < lines.length; i += 10) {
          const entries = lines.slice(i, i + 10).map((line) => {
            const entry = entryOf(line);
            return { ...entry, Time: entry.Time!.toISOString() };
          });
          const file = join(dir, `batch-${i}.json`);
          writeFileSync(file, JSON.stringify(entries));
          const { stdout } = await run(
            "aws",
            [
              "events",
              "put-events",
              "--endpoint-url",
              runtime.url,
              "--entries",
              `file://${file}`,
              "--output",
              "json",
            ],
            {
              env: {
                ...process.env,
                AWS_ACCESS_KEY_ID: "local",
                AWS_SECRET_ACCESS_KEY: "local",
                AWS_DEFAULT_REGION: "us-east-1",
                AWS_PAGER: "",
              },
            },
          );
          expect(JSON.parse(stdout)).toMatchObject({ FailedEntryCount: 0 });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await runtime.advanceTo(Date.parse(until));

      const expected = simulatedLines(lines, until);
      expect(expected.length).toBeGreaterThan(5);
      const comparison = compareWithSimulate(runtimeLines(runtime), expected);
      expect(comparison).toMatchObject({ missing: [], unexplained: [] });
    },
    SLOW,
  );
});

describe("engage dev: PutEvents answers as the real API does", () => {
  it(
    "a batch with malformed entries: the rest are processed, each bad entry named with its error code",
    async () => {
      runtime = await startDevRuntime({ port: 0, replay: true, start: START });
      const client = localEventBridgeClient(runtime.url);
      const signup = (customerId: string) => ({
        Source: "shop.web",
        DetailType: "customer.signed_up",
        Time: new Date("2026-03-02T08:00:00Z"),
        Detail: JSON.stringify({ customerId, email: `${customerId}@example.com`, timezone: "Europe/Paris" }),
      });
      const output = await client.send(
        new PutEventsCommand({
          Entries: [
            signup("c-good-1"),
            { ...signup("c-bad-1"), Detail: "{not json" },
            { ...signup("c-bad-2"), Source: undefined },
            { ...signup("c-bad-3"), Detail: "[1, 2]" },
            // Accepted by PutEvents (valid JSON), refused at ingest: the event contract wants more.
            {
              Source: "shop.web",
              DetailType: "order.placed",
              Detail: JSON.stringify({ customerId: "c-good-1" }),
            },
            signup("c-good-2"),
          ],
        }),
      );
      expect(output.FailedEntryCount).toBe(3);
      const codes = (output.Entries ?? []).map((e) => e.ErrorCode ?? "ok");
      expect(codes).toEqual(["ok", "MalformedDetail", "InvalidArgument", "MalformedDetail", "ok", "ok"]);
      expect(output.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
      await runtime.settled();

      expect(await runtime.view.customer("c-good-1")).toBeDefined();
      expect(await runtime.view.customer("c-good-2")).toBeDefined();
      expect(await runtime.view.customer("c-bad-1")).toBeUndefined();
      const events = runtime.view.events(10);
      const order = events.find((e) => e.detailType === "order.placed");
      expect(order).toMatchObject({ status: "rejected", customerId: "c-good-1" });
      expect(order?.reason).toMatch(/^rejected at ingest: .*detail\./);
      expect(events.filter((e) => e.reason?.startsWith("PutEvents MalformedDetail"))).toHaveLength(2);
    },
    SLOW,
  );

  it(
    "a batch of 11 entries, or over 256 KB, is refused whole with a ValidationException",
    async () => {
      runtime = await startDevRuntime({ port: 0, replay: true, start: START });
      const client = localEventBridgeClient(runtime.url);
      const entry = (detail: object) => ({
        Source: "shop.web",
        DetailType: "app.opened",
        Detail: JSON.stringify({ customerId: "c1", ...detail }),
      });
      const eleven = Array.from({ length: 11 }, () => entry({}));
      await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
        name: "ValidationException",
        message: expect.stringContaining("less than or equal to 10"),
      });
      const big = [entry({ padding: "x".repeat(200_000) }), entry({ padding: "y".repeat(70_000) })];
      await expect(client.send(new PutEventsCommand({ Entries: big }))).rejects.toMatchObject({
        name: "ValidationException",
        message: "Total size of the entries in the request is over the limit.",
      });
      await expect(client.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({
        name: "ValidationException",
      });
      expect(runtime.view.events(10)).toEqual([]);
    },
    SLOW,
  );
});

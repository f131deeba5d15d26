import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, temporaryDirectory } from "../local/run-cli.ts";
import { shopSubset } from "./shop-subset.ts";

// A child process with servers, a CDK synth and 30 days of runtime time on a loaded 2-core machine.
const SLOW = 300_000;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("engage start (npm start)", () => {
  it(
    "replays the whole stream, not its first hours, shows the first message as it is sent, then the summary",
    () => {
      // Two days of ten customers: more than the first 12 hours npm start used to replay.
      const lines = shopSubset("2026-03-04T00:00:00Z", "c-0010");
      dir = temporaryDirectory("start");
      const events = join(dir, "events.jsonl");
      writeFileSync(events, `${lines.join("\n")}\n`);

      const result = runCli(["start", "--once", "--port", "0", "--events", events], SLOW);

      expect(result.stderr).toContain(
        `replaying ${lines.length} of ${lines.length} events (all of ${events})`,
      );
      const firstMessage = result.stderr.indexOf("first message after");
      expect(firstMessage).toBeGreaterThan(0);
      expect(firstMessage).toBeLessThan(result.stderr.indexOf("campaign "));
      expect(result.stderr).toMatch(/\d+ events in [\d.]+ s \([\d.]+ events\/s through PutEvents/);
      expect(result.status).toBe(0);
    },
    SLOW,
  );
});

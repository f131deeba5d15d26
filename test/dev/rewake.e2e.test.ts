import { afterEach, describe, expect, it, vi } from "vitest";
import { localEventBridgeClient, replayLines } from "../../local/dev/replay.ts";
import type { DevRuntime } from "../../local/dev/runtime.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { customerSignedUp, orderDelivered, orderShipped } from "../support/events.ts";
import { toJsonLines } from "../support/scenario.ts";
import { compareWithSimulate, simulatedLines } from "./shop-subset.ts";

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });
const { startDevRuntime } = await import("../../local/dev/runtime.ts");

let runtime: DevRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe("engage dev: a journey resumed early by its awaited event", () => {
  it("decides post-purchase care tips 3 days after the delivery, as simulate does, not at the 30-day timeout", async () => {
    const lines = toJsonLines([
      customerSignedUp("c-rw", "2026-03-02T08:00:00Z", { email: "rw@example.com" }),
      orderShipped("c-rw", "2026-03-02T10:00:00Z"),
      orderDelivered("c-rw", "2026-03-04T10:00:00Z"),
    ]);
    const until = "2026-03-09T00:00:00Z";
    runtime = await startDevRuntime({ port: 0, replay: true, start: Date.parse("2026-03-02T00:00:00Z") });
    const { failed } = await replayLines(localEventBridgeClient(runtime.url), lines);
    expect(failed).toEqual([]);
    await runtime.advanceTo(Date.parse(until));

    const expected = simulatedLines(lines, until);
    expect(expected.filter((line) => line.includes("care-tips"))).toHaveLength(1);
    const received = runtime.messageLines().map(formatMessageLine).sort();
    expect(compareWithSimulate(received, expected)).toEqual({ missing: [], unexplained: [] });
  });
});

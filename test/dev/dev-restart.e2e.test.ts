import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localEventBridgeClient, replayLines } from "../../local/dev/replay.ts";
import type { DevRuntime } from "../../local/dev/runtime.ts";
import { cartUpdated, customerSignedUp } from "../support/events.ts";
import { toJsonLines } from "../support/scenario.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
});

const { startDevRuntime } = await import("../../local/dev/runtime.ts");
const SLOW = 240_000;

const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, {
    cartId: "k1",
    items: productIds.map((productId) => ({ productId, name: `Product ${productId}`, price: 10 })),
  });

let runtime: DevRuntime | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("engage dev --data DIR", () => {
  it(
    "a restart keeps customers and journeys, and the waits resume at their instants",
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), "engage-dev-data-"));
      const options = { port: 0, replay: true, dataDir, start: Date.parse("2026-03-01T00:00:00Z") };
      runtime = await startDevRuntime(options);
      const lines = toJsonLines([
        customerSignedUp("c1", "2026-03-01T08:00:00Z"),
        cart("2026-03-02T10:00:00Z", ["p1"]),
        cart("2026-03-02T10:30:00Z", ["p1", "p2"]),
      ]);
      await replayLines(localEventBridgeClient(runtime.url), lines);
      await runtime.advanceTo(Date.parse("2026-03-02T10:45:00Z"));
      const waiting = runtime.view.journeys(10).find((j) => j.campaignId === "cart-abandonment");
      // The workflow wakes at 11:00 (the first cart's hour); its Step then sees the debounce and waits to 11:30.
      expect(waiting).toMatchObject({
        customerId: "c1",
        nextWakeAt: "2026-03-02T11:00:00.000Z",
        stepId: "reminder-email", // the step it runs on waking, though it has sent nothing yet
      });
      const reminders = () => runtime!.messageLines().filter((l) => l.step === "reminder-email");
      expect(reminders()).toEqual([]);
      await runtime.stop();

      runtime = await startDevRuntime(options);
      expect(runtime.resumed).toBeGreaterThan(0);
      expect(runtime.view.now()).toBe("2026-03-02T10:45:00.000Z");
      const customer = await runtime.view.customer("c1");
      expect(customer?.journeys.map((j) => j.campaignId)).toContain("cart-abandonment");
      expect(JSON.stringify(customer?.state)).not.toContain("@example.com");
      expect(runtime.view.journeys(10)).toContainEqual(waiting);

      await runtime.advanceTo(Date.parse("2026-03-02T12:00:00Z"));
      expect(reminders()).toMatchObject([
        { at: "2026-03-02T11:30:00.000Z", customerId: "c1", status: "sent", productIds: ["p1", "p2"] },
      ]);
    },
    SLOW,
  );
});

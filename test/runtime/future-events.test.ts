import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { decayedAffinity } from "../../functions/core/state/traits.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { customerSignedUp, productViewed } from "../support/events.ts";
import type { TestEvent } from "../support/scenario.ts";
import { toJsonLines } from "../support/scenario.ts";

const envelope = (event: TestEvent, id: string) => JSON.parse(toJsonLines([{ ...event, id }])[0]!);
const viewed = (at: string) =>
  productViewed("c1", at, { product: { productId: "p1", brand: "acme", name: "Boots" } });

const rt = useHandlerRuntime();

describe("event times far in the future", () => {
  it("are rejected at ingest with the field and the bound, and the customer stays writable", async () => {
    const signup = await ingestEvent(
      rt.deps,
      envelope(customerSignedUp("c1", "2026-03-01T07:00:00Z", { email: "c1@example.com" }), "s1"),
    );
    expect(signup.outcome).toBe("applied");
    const future = await ingestEvent(rt.deps, envelope(viewed("9999-12-31T23:59:59Z"), "f1"));
    expect(future).toMatchObject({
      outcome: "rejected",
      problems: expect.stringMatching(/^time: expected at most/),
    });
    const skewed = await ingestEvent(rt.deps, envelope(viewed("2026-03-01T20:00:00Z"), "f2"));
    expect(skewed.outcome).toBe("applied");
    const later = await ingestEvent(rt.deps, envelope(viewed("2026-03-01T07:30:00Z"), "v1"));
    expect(later.outcome).toBe("applied");
    const stored = await rt.store.load("c1");
    expect(JSON.stringify(stored)).not.toContain("null");
  });

  it("never make a decayed score infinite or NaN, whatever the order of the times", () => {
    const far = Date.parse("9999-12-31T23:59:59Z");
    const now = Date.parse("2026-03-01T08:00:00Z");
    for (const [score, at, when] of [
      [3, far, now],
      [0, far, now],
      [3, now, far],
      [3, now, now],
    ] as const) {
      const value = decayedAffinity([score, at], when, 30);
      expect(Number.isFinite(value), `${score}@${at} read at ${when}`).toBe(true);
      expect(value).toBeLessThanOrEqual(score);
    }
  });
});

import { setFlagsFromString } from "node:v8";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { simulate } from "../../local/simulator.ts";
import { toJsonLines } from "../support/scenario.ts";

vi.mock("node:v8", async (original) => ({
  ...(await original<typeof import("node:v8")>()),
  setFlagsFromString: vi.fn(),
}));
const flagsSet = vi.mocked(setFlagsFromString);

const { campaigns, settings } = loadCampaignDirectory("campaigns");
const compiled = compileCampaigns(campaigns, settings);
const lines = toJsonLines([
  {
    type: "customer.signed_up",
    at: "2026-03-02T10:00:00Z",
    detail: { customerId: "c-1", email: "c1@example.com", consent: { email: "opted_in" } },
  },
]);

describe("the simulator's memory mode", () => {
  beforeEach(() => flagsSet.mockClear());

  it("is V8's memory-saving mode while the simulation decides, and V8's default after", () => {
    let whileDeciding: string[] = [];
    simulate(compiled, lines, {
      onMessage: () => {
        whileDeciding = flagsSet.mock.calls.map(([flag]) => flag);
      },
    });
    expect(whileDeciding).toEqual(["--optimize-for-size", "--heap-growing-percent=35"]);
    expect(flagsSet.mock.calls.slice(2).map(([flag]) => flag)).toEqual([
      "--no-optimize-for-size",
      "--heap-growing-percent=0",
    ]);
  });

  it("is left when the simulation throws", () => {
    expect(() =>
      simulate(compiled, lines, {
        onMessage: () => {
          throw new Error("stop");
        },
      }),
    ).toThrow("stop");
    expect(flagsSet.mock.calls.at(-1)?.[0]).toBe("--heap-growing-percent=0");
  });
});

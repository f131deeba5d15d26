import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCampaign } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { simulate } from "../../local/simulator.ts";
import { CAMPAIGNS_DIR, customer, shippedEngineSettings, toJsonLines } from "../support/scenario.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const own = [prefix];
  if (Array.isArray(value)) return own.concat(value.flatMap((v, i) => paths(v, [...prefix, i])));
  if (value && typeof value === "object")
    return own.concat(Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k])));
  return own;
}

function replaced(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  parent[path.at(-1)!] = value;
  return copy as Json;
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    "__proto__",
    "constructor",
    "prototype",
    "hasOwnProperty",
    "P999999999D",
    "PT0S",
    "PT1M",
    "end",
    "{% include 'package.json' %}",
    "{% for i in (1..30000000) %}x{% endfor %}",
    "{{ journey.x | nope }}",
    -1,
    1e308,
    { not: { not: { path: "profile.email", op: "exists" } } },
  ),
);

const events = toJsonLines([
  { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1", { emailOptIn: true }) },
  { type: "app.opened", at: "2026-03-01T09:00:00Z", detail: { customerId: "c1" } },
  {
    type: "cart.updated",
    at: "2026-03-01T10:00:00Z",
    detail: { customerId: "c1", cartId: "k1", items: [{ productId: "p1", price: 10, quantity: 1 }] },
  },
  { type: "app.opened", at: "2026-03-05T09:00:00Z", detail: { customerId: "c1" } },
]);

describe("campaign files, fuzzed", () => {
  for (const id of ["welcome", "cart-abandonment", "post-purchase"]) {
    const file = join(CAMPAIGNS_DIR, `${id}.json`);
    const original = JSON.parse(readFileSync(file, "utf8")) as Json;
    const all = paths(original);

    it(`${id}: any one value replaced is a clear reason or a campaign that runs`, () => {
      fc.assert(
        fc.property(fc.nat({ max: all.length - 1 }), hostile, (index, value) => {
          const json = replaced(original, all[index]!, value);
          const { campaign, problems } = checkCampaign(file, json, shippedEngineSettings());
          for (const problem of problems) {
            expect(problem.file).toBe(file);
            expect(problem.path).not.toBe("");
            expect(problem.expected).not.toMatch(/^(Invalid|$)/);
          }
          if (!campaign) {
            expect(problems.length).toBeGreaterThan(0);
            return;
          }
          const compiled = compileCampaigns([campaign], shippedEngineSettings());
          simulate(compiled, events, { until: Date.parse("2026-04-01T00:00:00Z") });
        }),
        { numRuns: 100 },
      );
    });
  }
});

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";
import { checkProperty } from "./check-property.ts";
import { HOSTILE_IDS } from "./hostile-events.ts";

const RUNS = process.env.CHAOS_EVENTS ? 300 : 40;
const SHIPPED = ["cart-abandonment", "welcome", "back-in-stock", "post-purchase", "win-back"];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "engage-chaos-campaigns-"));
  copyFileSync(join(CAMPAIGNS_DIR, "engine.json"), join(dir, "engine.json"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path of a JSON value, as lists of keys and indexes. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

function replaced(value: Json, path: (string | number)[], by: Json): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v));
  if (value && typeof value === "object") {
    const copy: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(copy, k, { value: k === head ? replaced(v, rest, by) : v, enumerable: true });
    return copy;
  }
  return value;
}

/** Stands for a condition nested `depth` deep until the file is written (JSON.stringify could not). */
const nestedMarker = (depth: number) => `@@nested:${depth}@@`;
const nestedCondition = (depth: number) =>
  `${'{"not":'.repeat(depth)}{"path":"event.total","op":"gte","value":1}${"}".repeat(depth)}`;

/**
 * What an attacker or a careless edit puts in a campaign file. A condition nested thousands deep is
 * generated as its depth (fast-check could not print it), and built in the property.
 */
type Hostile = { value: Json } | { nestedDepth: number };
const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  fc
    .constantFrom<Json>(
      ...HOSTILE_IDS,
      "P999999999D",
      "PT0S",
      "-P1D",
      "{% include '/etc/passwd' %}",
      "{% render 'package.json' %}",
      "{% for i in (1..30000000) %}x{% endfor %}",
      "{{ 'x' | append: 'y' }}",
      null,
      [],
      {},
      1e308,
      -1,
    )
    .map((value) => ({ value })),
  fc.integer({ min: 1_000, max: 5_000 }).map((nestedDepth) => ({ nestedDepth })),
  (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>).map((value) => ({ value })),
);
const materialize = (hostile: Hostile): Json =>
  "value" in hostile ? hostile.value : nestedMarker(hostile.nestedDepth);

function validate(name: string, json: Json | string) {
  const file = join(dir, `${name}.json`);
  const text = typeof json === "string" ? json : JSON.stringify(json);
  writeFileSync(
    file,
    text.replace(/"@@nested:(\d+)@@"/g, (_, depth: string) => nestedCondition(Number(depth))),
  );
  try {
    return readCampaignDirectory(dir);
  } finally {
    rmSync(file);
  }
}

describe("engage validate on fuzzed campaign files", () => {
  it("never throws, and names the file, the JSON path and what was expected for each problem", async () => {
    const campaigns = SHIPPED.map((id) => ({
      id,
      json: JSON.parse(readFileSync(join(CAMPAIGNS_DIR, `${id}.json`), "utf8")) as Json,
    }));
    const mutation = fc
      .constantFrom(...campaigns)
      .chain(({ id, json }) =>
        fc.tuple(fc.constant(id), fc.constant(json), fc.constantFrom(...pathsOf(json)), hostileValue),
      );
    await checkProperty(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const [id] = mutations[0] as [string, Json, (string | number)[], Hostile];
        let json = mutations[0]![1];
        for (const [, , path, value] of mutations) json = replaced(json, path, materialize(value));
        const { problems } = validate(id, json);
        for (const problem of problems) {
          expect(problem.file).toMatch(/\.json$/);
          expect(problem.path).toMatch(/\S/);
          expect(problem.expected).toMatch(/\S/);
        }
      }),
      { numRuns: RUNS, seed: 31 },
    );
  });

  it("reports a file that is not JSON, or not an object, instead of throwing", () => {
    for (const text of ["{", "[]", "null", "\u0000", "x".repeat(10_000)])
      expect(validate("broken", text).problems.length).toBeGreaterThan(0);
  });
});

/**
 * Writes the sample shop stream as JSON Lines.
 *
 *   npx tsx examples/generate.ts [--seed N] [--customers N] [--days N] [--start ISO] [--out FILE] [--no-anomalies]
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  type Envelope,
  generateShopStream,
  SHOP_STREAM_DEFAULTS,
  type ShopStreamOptions,
} from "./shop-stream.ts";

const DEFAULT_OUT = "examples/shop.jsonl";
/** Lines per write: a million events would not fit in one string. */
const CHUNK = 10_000;

function readOptions(argv: string[]): { options: ShopStreamOptions; out: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: "string" },
      customers: { type: "string" },
      days: { type: "string" },
      start: { type: "string" },
      out: { type: "string" },
      "no-anomalies": { type: "boolean" },
    },
    strict: true,
  });
  return {
    options: {
      seed: integer("seed", values.seed, SHOP_STREAM_DEFAULTS.seed),
      customers: integer("customers", values.customers, SHOP_STREAM_DEFAULTS.customers),
      days: integer("days", values.days, SHOP_STREAM_DEFAULTS.days),
      start: values.start ?? SHOP_STREAM_DEFAULTS.start,
      anomalies: !values["no-anomalies"],
    },
    out: values.out ?? DEFAULT_OUT,
  };
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`--${name} expects an integer, got "${text}"`);
  return value;
}

function writeJsonLines(path: string, events: readonly Envelope[]): void {
  const fd = openSync(path, "w");
  try {
    for (let i = 0; i < events.length; i += CHUNK) {
      const lines = events.slice(i, i + CHUNK).map((event) => JSON.stringify(event));
      writeSync(fd, lines.join("\n") + "\n");
    }
  } finally {
    closeSync(fd);
  }
}

function countByType(events: readonly Envelope[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event["detail-type"], (counts.get(event["detail-type"]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function main(): void {
  const { options, out } = readOptions(process.argv.slice(2));
  const startedAt = performance.now();
  const events = generateShopStream(options);
  const generatedMs = performance.now() - startedAt;
  writeJsonLines(out, events);
  const totalMs = performance.now() - startedAt;
  for (const [type, count] of countByType(events)) console.log(`${String(count).padStart(8)}  ${type}`);
  console.log(
    `${events.length} events (${options.customers} customers, ${options.days} days from ${options.start}, seed ${options.seed})` +
      ` generated in ${generatedMs.toFixed(0)} ms, written to ${out} in ${totalMs.toFixed(0)} ms`,
  );
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}

import { closeSync, openSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  formatProblem,
  loadCampaignDirectory,
  readCampaignDirectory,
} from "../functions/config/campaign-files.ts";
import { compileEngine } from "../functions/core/engine/compile.ts";
import type { MessageLine } from "../functions/core/engine/decisions.ts";
import { DEFAULT_MAX_DAYS_FROM_MEDIAN, streamFromFile } from "./event-source.ts";
import { maskAddress } from "./mask.ts";
import { formatMessageLine } from "./message-line.ts";
import { describeRejection, simulate } from "./simulator.ts";

const USAGE = `usage:
  engage simulate <events.jsonl> [--campaigns DIR] [--until ISO] [--out FILE] [--examples]
                  [--max-days-from-median DAYS]
  engage validate [DIR]`;

const DEFAULT_CAMPAIGNS = "campaigns";
const DAY = 86_400_000;
/** How far past the last event `--until` may run the virtual clock. */
const MAX_DAYS_AFTER_LAST_EVENT = 366;

/** Runs one `engage` command; returns the exit code. */
export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === "simulate") return simulateCommand(rest);
  if (command === "validate") return validateCommand(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

function validateCommand(args: string[]): number {
  const dir = resolve(args[0] ?? DEFAULT_CAMPAIGNS);
  const { campaigns, problems } = readCampaignDirectory(dir);
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem(s) in ${dir}\n`);
    return 1;
  }
  process.stdout.write(`${campaigns.length} campaigns and engine.json are valid (${dir})\n`);
  return 0;
}

function simulateCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      campaigns: { type: "string" },
      until: { type: "string" },
      out: { type: "string" },
      examples: { type: "boolean", default: false },
      "max-days-from-median": { type: "string" },
    },
  });
  const input = positionals[0];
  if (!input) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const until = values.until === undefined ? undefined : Date.parse(values.until);
  if (until !== undefined && Number.isNaN(until)) {
    process.stderr.write(
      `--until: expected an ISO date-time such as 2026-05-01T00:00:00Z, got "${values.until}"\n`,
    );
    return 2;
  }
  const maxDays = Number(values["max-days-from-median"] ?? DEFAULT_MAX_DAYS_FROM_MEDIAN);
  if (!Number.isInteger(maxDays) || maxDays < 1) {
    process.stderr.write(
      `--max-days-from-median: expected a whole number of days (1 or more), got "${values["max-days-from-median"]}"\n`,
    );
    return 2;
  }
  const { campaigns, engine: config } = loadCampaignDirectory(resolve(values.campaigns ?? DEFAULT_CAMPAIGNS));
  const engine = compileEngine(campaigns, config);
  const stream = streamFromFile(input, { maxDistanceFromMedian: maxDays * DAY });
  const latestUntil = (stream.lastAt ?? 0) + MAX_DAYS_AFTER_LAST_EVENT * DAY;
  if (until !== undefined && until > latestUntil) {
    process.stderr.write(
      `--until: expected at most ${MAX_DAYS_AFTER_LAST_EVENT} days after the last event (${new Date(latestUntil).toISOString()}), got "${values.until}"\n`,
    );
    return 2;
  }
  const out = values.out ? openSync(values.out, "w") : 1;
  const started = performance.now();
  let buffered: string[] = [];
  const examples = new Map<string, MessageLine>();
  const flush = () => {
    if (buffered.length > 0) writeSync(out, `${buffered.join("\n")}\n`);
    buffered = [];
  };
  const report = simulate(engine, stream, {
    ...(until !== undefined ? { until } : {}),
    onMessage: (line) => {
      if (values.examples && line.status === "sent" && !examples.has(line.campaign))
        examples.set(line.campaign, line);
      buffered.push(formatMessageLine(line));
      if (buffered.length >= 1000) flush();
    },
  });
  flush();
  if (values.out) closeSync(out);
  const seconds = (performance.now() - started) / 1000;

  const err = (text: string) => process.stderr.write(`${text}\n`);
  for (const rejection of report.rejected) err(`rejected ${describeRejection(rejection)}`);
  const ignored = [...report.ignored].map(([type, n]) => `${type}=${n}`).join(" ");
  err(
    `${report.events} events (${report.customers} customers), ${report.duplicates} duplicate deliveries dropped, ` +
      `${report.rejected.length} rejected, ignored: ${ignored || "none"}; simulated to ${new Date(report.until).toISOString()}`,
  );
  err(report.summary.format());
  if (values.examples) {
    err("\nthe first message each campaign sent (addresses masked; subjects are in the output file):");
    for (const line of [...examples.values()].sort((a, b) => a.campaign.localeCompare(b.campaign)))
      err(describeExample(line));
  }
  err(
    `${report.messages} message decisions${values.out ? ` written to ${values.out}` : ""} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(report.events / seconds)} events/s)`,
  );
  return 0;
}

/** A sent message as a person scans it; rendered subjects can carry names, so the template id stands in. */
function describeExample(line: MessageLine): string {
  const products = line.productIds ? ` [${line.productIds.join(", ")}]` : "";
  const to = maskAddress(line.to ?? "").padEnd(20);
  return `  ${line.at.slice(0, 16)}  ${line.campaign.padEnd(27)} ${line.channel.padEnd(5)} ${to} ${line.template}${products}`;
}

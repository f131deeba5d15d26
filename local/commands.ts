import { closeSync, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  formatProblem,
  loadCampaignDirectory,
  readCampaignDirectory,
} from "../functions/campaign-files/load.ts";
import { compileCampaigns } from "../functions/core/engine/compile.ts";
import type { MessageLine } from "../functions/core/engine/decisions.ts";
import { diffCampaigns, formatCampaignDiff } from "./campaign-diff.ts";
import { CliError, describeFailure, fileErrorReason } from "./cli-error.ts";
import { devMain } from "./dev/command.ts";
import { DEFAULT_MAX_DAYS_FROM_BULK, MAX_REJECTION_DETAILS, streamFromFile } from "./event-source.ts";
import { describeMessage, formatMessageLine } from "./message-line.ts";
import { describeRejection, simulate } from "./simulator.ts";

const USAGE = `usage:
  engage dev [--port 4010] [--speed N] [--data DIR] [--campaigns DIR]
  engage start [--once] [--port 4010] [--speed N] [--hours N] [--events FILE]
  engage simulate <events.jsonl> [--campaigns DIR] [--until ISO] [--out FILE] [--examples]
                  [--max-days-from-bulk DAYS]
  engage validate [DIR]
  engage diff <old campaigns DIR> <new campaigns DIR> --events <events.jsonl>
              [--max-days-from-bulk DAYS]`;

const DEFAULT_CAMPAIGNS = "campaigns";
const DAY = 86_400_000;
/** How far past the last event `--until` may run the virtual clock. */
const MAX_DAYS_AFTER_LAST_EVENT = 366;

const HELP_FLAGS = new Set(["--help", "-h"]);

/** Runs one `engage` command; returns the exit code. A failure is one line on stderr, not a stack. */
export function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  const help =
    command === "help" || (command !== undefined && HELP_FLAGS.has(command))
      ? USAGE
      : rest.some((arg) => HELP_FLAGS.has(arg))
        ? usageOf(command!)
        : undefined;
  if (help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (command === "dev" || command === "start")
    return devMain(command, rest).catch((error: unknown) => {
      const { text, exitCode } = describeFailure(command, error);
      if (text) process.stderr.write(`${text}\n`);
      return exitCode;
    });
  const commands: Record<string, (args: string[]) => number> = {
    simulate: simulateCommand,
    validate: validateCommand,
    diff: diffCommand,
  };
  const run = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!run) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    return run(rest);
  } catch (error) {
    const { text, exitCode } = describeFailure(command!, error);
    if (text) process.stderr.write(`${text}\n`);
    return exitCode;
  }
}

/** The usage of one command (its line of USAGE and the lines that continue it); undefined if unknown. */
function usageOf(command: string): string | undefined {
  const lines = USAGE.split("\n").slice(1);
  const start = lines.findIndex(
    (line) => line.startsWith(`  engage ${command} `) || line === `  engage ${command}`,
  );
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !lines[end]!.trimStart().startsWith("engage ")) end++;
  return ["usage:", ...lines.slice(start, end)].join("\n");
}

function validateCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length > 1)
    throw new CliError(`expected one campaign directory, got ${positionals.length}`);
  const dir = resolve(positionals[0] ?? DEFAULT_CAMPAIGNS);
  requireDirectory(dir, "campaign directory");
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
      "max-days-from-bulk": { type: "string" },
    },
  });
  const input = positionals[0];
  if (!input) throw new CliError("expected one events file, got none (engage simulate --help)");
  if (positionals.length > 1) throw new CliError(`expected one events file, got ${positionals.length}`);
  const until = values.until === undefined ? undefined : parseIsoDateTime(values.until);
  if (until !== undefined && Number.isNaN(until)) {
    process.stderr.write(
      `--until: expected an ISO date-time such as 2026-05-01T00:00:00Z, got "${values.until}"\n`,
    );
    return 2;
  }
  const maxDays = Number(values["max-days-from-bulk"] ?? DEFAULT_MAX_DAYS_FROM_BULK);
  if (!Number.isInteger(maxDays) || maxDays < 1) {
    process.stderr.write(
      `--max-days-from-bulk: expected a whole number of days (1 or more), got "${values["max-days-from-bulk"]}"\n`,
    );
    return 2;
  }
  const campaignDir = resolve(values.campaigns ?? DEFAULT_CAMPAIGNS);
  requireDirectory(campaignDir, "campaign directory");
  requireFile(input);
  const { campaigns, settings } = loadCampaignDirectory(campaignDir);
  const compiled = compileCampaigns(campaigns, settings);
  const stream = streamFromFile(input, { maxDistanceFromBulk: maxDays * DAY });
  const latestUntil = (stream.lastAt ?? 0) + MAX_DAYS_AFTER_LAST_EVENT * DAY;
  if (until !== undefined && until > latestUntil) {
    process.stderr.write(
      `--until: expected at most ${MAX_DAYS_AFTER_LAST_EVENT} days after the last event (${new Date(latestUntil).toISOString()}), got "${values.until}"\n`,
    );
    return 2;
  }
  const out = values.out ? openOutput(values.out) : 1;
  const started = performance.now();
  let buffered: string[] = [];
  const examples = new Map<string, MessageLine>();
  const flush = () => {
    if (buffered.length > 0) writeSync(out, `${buffered.join("\n")}\n`);
    buffered = [];
  };
  const report = simulate(compiled, stream, {
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
  if (report.rejectedCount > report.rejected.length)
    err(
      `… and ${report.rejectedCount - report.rejected.length} more rejected lines (the first ${MAX_REJECTION_DETAILS} are listed)`,
    );
  const ignored = [...report.ignored].map(([type, n]) => `${type}=${n}`).join(" ");
  err(
    `${report.events} events (${report.customers} customers), ${report.duplicates} duplicate deliveries dropped, ` +
      `${report.rejectedCount} rejected, ignored: ${ignored || "none"}; simulated to ${new Date(report.until).toISOString()}`,
  );
  err(report.summary.format());
  if (values.examples) {
    err("\nthe first message each campaign sent (addresses masked; subjects are in the output file):");
    for (const line of [...examples.values()].sort((a, b) => a.campaign.localeCompare(b.campaign)))
      err(describeMessage(line));
  }
  err(
    `${report.messages} message decisions${values.out ? ` written to ${values.out}` : ""} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(report.events / seconds)} events/s)`,
  );
  return 0;
}

/** What deploying NEW in place of OLD does to the journeys the events leave running (campaign-diff.ts). */
function diffCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { events: { type: "string" }, "max-days-from-bulk": { type: "string" } },
  });
  if (positionals.length !== 2)
    throw new CliError(`expected two campaign directories (old, then new), got ${positionals.length}`);
  if (!values.events) throw new CliError("--events: expected the JSON Lines file of events to replay");
  const [oldDir, newDir] = positionals.map((dir) => resolve(dir)) as [string, string];
  requireDirectory(oldDir, "old campaign directory");
  requireDirectory(newDir, "new campaign directory");
  requireFile(values.events);
  const maxDays = Number(values["max-days-from-bulk"] ?? DEFAULT_MAX_DAYS_FROM_BULK);
  if (!Number.isInteger(maxDays) || maxDays < 1)
    throw new CliError(
      `--max-days-from-bulk: expected a whole number of days (1 or more), got "${values["max-days-from-bulk"]}"`,
    );
  const compile = (dir: string) => {
    const { campaigns, settings } = loadCampaignDirectory(dir);
    return compileCampaigns(campaigns, settings);
  };
  const before = compile(oldDir);
  const after = compile(newDir);
  const stream = streamFromFile(values.events, { maxDistanceFromBulk: maxDays * DAY });
  const diff = diffCampaigns(before, after, stream);
  if (stream.rejectedCount > 0)
    process.stderr.write(`${stream.rejectedCount} rejected lines (engage simulate lists them)\n`);
  process.stdout.write(`${formatCampaignDiff(diff)}\n`);
  return 0;
}

function requireFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${fileErrorReason(error)}`);
  }
  if (!isFile)
    throw new CliError(`cannot read ${path}: expected a JSON Lines file of events, not a directory`);
}

function requireDirectory(path: string, what: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new CliError(`cannot read the ${what} ${path}: ${fileErrorReason(error)}`);
  }
  if (!isDirectory) throw new CliError(`cannot read the ${what} ${path}: expected a directory, not a file`);
}

/** Opened before the run, so an unwritable --out fails at once rather than after the simulation. */
function openOutput(path: string): number {
  try {
    return openSync(path, "w");
  } catch (error) {
    throw new CliError(`--out ${path}: cannot write: ${fileErrorReason(error)}`);
  }
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a complete ISO 8601 date-time with its offset; NaN for anything else, 2026-02-30 included. */
function parseIsoDateTime(text: string): number {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return Number.NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((field) => Number(field ?? 0));
  const calendar = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second));
  const exists =
    calendar.getUTCMonth() === month! - 1 &&
    calendar.getUTCDate() === day &&
    calendar.getUTCHours() === hour &&
    calendar.getUTCMinutes() === minute &&
    calendar.getUTCSeconds() === second;
  return exists ? Date.parse(text) : Number.NaN;
}

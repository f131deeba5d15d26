import { Writable } from "node:stream";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { jsonLog, logLevelOf } from "../../functions/runtime/json-log.ts";

function captured(env: NodeJS.ProcessEnv) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const into = (lines: string[]) =>
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
  const log = jsonLog(env, { stdout: into(stdout), stderr: into(stderr) });
  const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    log,
    stdout: () => parsed(stdout),
    stderr: () => parsed(stderr),
    raw: () => [...stdout, ...stderr],
  };
}

const context = {
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:engage-ingest",
  memoryLimitInMB: "512",
  functionName: "engage-ingest",
  awsRequestId: "req-1",
} as Context;

describe("the functions' JSON log", () => {
  it("writes one JSON line per entry: level, message, timestamp, service, the invocation, then the fields", () => {
    const out = captured({
      POWERTOOLS_SERVICE_NAME: "engage",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      _X_AMZN_TRACE_ID: "Root=1-abc-def;Parent=1;Sampled=0",
    });
    out.log.startInvocation(context);
    out.log.info("event ignored", { outcome: "ignored", id: "e1", level: "not mine", skipped: undefined });
    out.log.startInvocation(context);
    out.log.info("second");
    expect(out.raw().every((line) => line.endsWith("}\n") && line.split("\n").length === 2)).toBe(true);
    const [first, second] = out.stdout();
    expect(Object.keys(first!)).toEqual([
      "level",
      "message",
      "timestamp",
      "service",
      "cold_start",
      "function_arn",
      "function_memory_size",
      "function_name",
      "function_request_id",
      "sampling_rate",
      "xray_trace_id",
      "outcome",
      "id",
    ]);
    expect(first).toMatchObject({
      level: "INFO",
      message: "event ignored",
      service: "engage",
      cold_start: true,
      function_name: "engage-ingest",
      function_request_id: "req-1",
      xray_trace_id: "1-abc-def",
      outcome: "ignored",
    });
    expect(new Date(first!.timestamp as string).toISOString()).toBe(first!.timestamp);
    expect(second).toMatchObject({ cold_start: false });
  });

  it("writes WARN and above to stderr, the rest to stdout", () => {
    const out = captured({});
    out.log.debug("d");
    out.log.info("i");
    out.log.warn("w");
    out.log.error("e", { reason: new Error("boom").name });
    expect(out.stdout().map((entry) => entry.level)).toEqual(["INFO"]);
    expect(out.stderr().map((entry) => [entry.level, entry.message])).toEqual([
      ["WARN", "w"],
      ["ERROR", "e"],
    ]);
    expect(out.stdout()[0]).not.toHaveProperty("xray_trace_id");
  });

  it("honours Lambda's log level first, then POWERTOOLS_LOG_LEVEL, then LOG_LEVEL (INFO by default)", () => {
    expect(logLevelOf({})).toBe(logLevelOf({ LOG_LEVEL: "INFO" }));
    expect(logLevelOf({ POWERTOOLS_LOG_LEVEL: "error", LOG_LEVEL: "DEBUG" })).toBe(
      logLevelOf({ LOG_LEVEL: "ERROR" }),
    );
    expect(logLevelOf({ AWS_LAMBDA_LOG_LEVEL: "WARN", POWERTOOLS_LOG_LEVEL: "DEBUG" })).toBe(
      logLevelOf({ LOG_LEVEL: "WARN" }),
    );
    const silent = captured({ POWERTOOLS_LOG_LEVEL: "SILENT" });
    silent.log.error("never");
    expect(silent.raw()).toEqual([]);
    const debug = captured({ LOG_LEVEL: "DEBUG" });
    debug.log.debug("shown");
    expect(debug.stdout().map((entry) => entry.level)).toEqual(["DEBUG"]);
  });
});

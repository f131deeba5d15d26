import type { Context } from "aws-lambda";
import type { RuntimeLog } from "./runtime-log.ts";

// The functions' logger: one JSON line per entry, in the shape and with the keys Powertools' Logger wrote
// (level, message, timestamp, service, the invocation's context and X-Ray trace id, then the entry's own
// fields), without compiling Powertools at every cold start (docs/performance.md, the tenth round).
// Fields are what the callers pass: ids, reasons, counts, never personal data (runtime-log.ts).

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof LEVELS;

/** Keys an entry's fields cannot overwrite (Powertools' reserved keys). */
const RESERVED = new Set(["level", "message", "sampling_rate", "service", "timestamp"]);

export type JsonLog = RuntimeLog & {
  debug(message: string, fields?: Record<string, unknown>): void;
  /** The invocation's Lambda context, on every line until the next: request id, function, cold start. */
  startInvocation(context: Partial<Context>): void;
};

/**
 * The level: Lambda's advanced logging controls (AWS_LAMBDA_LOG_LEVEL) when set, as Powertools did, else
 * POWERTOOLS_LOG_LEVEL, else LOG_LEVEL, else INFO.
 */
export function logLevelOf(env: NodeJS.ProcessEnv): number {
  for (const name of [env.AWS_LAMBDA_LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL]) {
    const level = name?.toUpperCase() === "FATAL" ? "CRITICAL" : name?.toUpperCase();
    if (level && level in LEVELS) return LEVELS[level as LevelName];
  }
  return LEVELS.INFO;
}

export function jsonLog(
  env: NodeJS.ProcessEnv = process.env,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): JsonLog {
  const threshold = logLevelOf(env);
  const service = env.POWERTOOLS_SERVICE_NAME || "service_undefined";
  const samplingRate = Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE) || 0;
  // As Powertools: only an on-demand container's first invocation is a cold start (provisioned
  // concurrency initialises ahead of any request; outside Lambda the variable is unset).
  let coldStart = env.AWS_LAMBDA_INITIALIZATION_TYPE === "on-demand";
  let invocation: Record<string, unknown> = {};

  const write = (level: LevelName, message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[level] < threshold) return;
    const entry: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service,
      ...invocation,
      sampling_rate: samplingRate,
      xray_trace_id: env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1],
    };
    for (const [key, value] of Object.entries(fields)) if (!RESERVED.has(key)) entry[key] = value;
    // Powertools left out empty values; WARN and above went to stderr.
    for (const key of Object.keys(entry))
      if (entry[key] === undefined || entry[key] === null || entry[key] === "") delete entry[key];
    const stream = LEVELS[level] >= LEVELS.WARN ? out.stderr : out.stdout;
    stream.write(`${JSON.stringify(entry, jsonValue)}\n`);
  };

  return {
    debug: (message, fields) => write("DEBUG", message, fields),
    info: (message, fields) => write("INFO", message, fields),
    warn: (message, fields) => write("WARN", message, fields),
    error: (message, fields) => write("ERROR", message, fields),
    startInvocation(context) {
      invocation = {
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
    },
  };
}

/** Errors as Powertools printed them (name, message, stack), bigints as strings. */
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === "bigint") return value.toString();
  return value;
}

import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";

export const logger = new Logger();
export const metrics = new Metrics();

/** A Lambda entry and the one way a test gives it a runtime instead of the one built from AWS. */
export type HandlerShell<Runtime, Input, Output> = {
  handler: (input: Input, context?: Context) => Promise<Output>;
  useRuntime: (runtime: Runtime) => void;
};

/**
 * Every handler's shell: the runtime built once per container (unless a test gave one), Powertools'
 * logger middleware so each log line carries the request id and cold start, and the stored metrics
 * published after the invocation, whether it returned or threw.
 */
export function handlerShell<Runtime, Input, Output>(
  build: () => Runtime,
  run: (runtime: Runtime, input: Input, context: Context) => Promise<Output>,
): HandlerShell<Runtime, Input, Output> {
  let runtime: Runtime | undefined;
  // No early timeout: Lambda's own timeout stays the one the journey workflow retries (Sandbox.Timedout).
  const handler = middy<Input, Output>(
    (input: Input, context: Context) => {
      runtime ??= build();
      return run(runtime, input, context);
    },
    { timeoutEarlyInMillis: 0 },
  )
    .use(injectLambdaContext(logger))
    .use(publishStoredMetrics);
  return {
    handler: (input, context) => handler(input, context ?? ({} as Context)),
    useRuntime: (given) => {
      runtime = given;
    },
  };
}

/**
 * Powertools' logMetrics without its warning on an invocation that stored no metric: most store none
 * (the per-campaign counts are single metrics, published at once), and the warning would be a log line
 * on nearly every invocation.
 */
const publishStoredMetrics: MiddlewareObj = {
  after: () => flushMetrics(),
  onError: () => flushMetrics(),
};

function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

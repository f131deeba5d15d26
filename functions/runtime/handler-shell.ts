import type { Context } from "aws-lambda";
import { emfMetrics } from "./emf-metrics.ts";
import { jsonLog } from "./json-log.ts";

// Our own JSON lines and EMF, not Powertools' Logger and Metrics with middy: those were ~40 KiB and
// node:stream/web compiled at every cold start (docs/performance.md, the tenth round).
export const logger = jsonLog();
export const metrics = emfMetrics();

/** A Lambda entry and the one way a test gives it a runtime instead of the one built from AWS. */
export type HandlerShell<Runtime, Input, Output> = {
  handler: (input: Input, context?: Context) => Promise<Output>;
  useRuntime: (runtime: Runtime) => void;
};

/**
 * Every handler's shell: the runtime built once per container (unless a test gave one), the invocation's
 * context on each log line (request id, cold start), and the stored metrics published after the
 * invocation, whether it returned or threw. No early timeout: Lambda's own timeout stays the one the
 * journey workflow retries (Sandbox.Timedout).
 */
export function handlerShell<Runtime, Input, Output>(
  build: () => Runtime,
  run: (runtime: Runtime, input: Input, context: Context) => Promise<Output>,
): HandlerShell<Runtime, Input, Output> {
  let runtime: Runtime | undefined;
  return {
    handler: async (input, context = {} as Context) => {
      logger.startInvocation(context);
      try {
        runtime ??= build();
        return await run(runtime, input, context);
      } finally {
        // Most invocations store none (the per-campaign counts are single metrics, published at once).
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      }
    },
    useRuntime: (given) => {
      runtime = given;
    },
  };
}

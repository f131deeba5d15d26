import { awsRuntime, metrics } from "../runtime/aws-runtime.ts";
import type { RuntimeDeps } from "../runtime/customer-runner.ts";
import { journeyStep } from "../runtime/journey-step.ts";

let deps: RuntimeDeps | undefined;
export function useRuntime(runtime: RuntimeDeps): void {
  deps = runtime;
}

/** The Step task of the journey workflow: input { customerId, instanceId }, output { done, wakeAt }. */
export const handler = async (input: unknown) => {
  deps ??= awsRuntime();
  try {
    return await journeyStep(deps, input);
  } finally {
    // Counts go out as single metrics at once; publishing an empty set only logs a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

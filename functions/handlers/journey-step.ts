import { awsRuntime, defaultClients, FUNCTION_EFFECTS, metrics } from "../runtime/aws-runtime.ts";
import type { RuntimeDeps } from "../runtime/customer-runner.ts";
import { readEnvironment } from "../runtime/environment.ts";
import { journeyStep } from "../runtime/journey-step.ts";

let deps: RuntimeDeps | undefined;
export function useRuntime(runtime: RuntimeDeps): void {
  deps = runtime;
}

/** The Step task of the journey workflow: input { customerId, instanceId }, output { done, wakeAt }. */
export const handler = async (input: unknown) => {
  deps ??= awsRuntime(defaultClients(), readEnvironment(), FUNCTION_EFFECTS.journeyStep);
  try {
    return await journeyStep(deps, input);
  } finally {
    // Counts go out as single metrics at once; publishing an empty set only logs a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

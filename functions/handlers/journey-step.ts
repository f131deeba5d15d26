import type { RuntimeDeps } from "../runtime/customer-runner.ts";
import { readEnvironment } from "../runtime/environment.ts";
import { journeyStep } from "../use-cases/journey-step.ts";
import { awsRuntime, defaultClients, FUNCTION_EFFECTS, metrics } from "../wiring.ts";

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

import { readEnvironment } from "../runtime/environment.ts";
import { handlerShell } from "../runtime/handler-shell.ts";
import { journeyStep } from "../use-cases/journey-step.ts";
import { awsRuntime, FUNCTION_EFFECTS, stateTableClient } from "../wiring.ts";

/** The Step task of the journey workflow: input { customerId, instanceId }, output { done, wakeAt }. */
export const { handler, useRuntime } = handlerShell(
  () => awsRuntime(stateTableClient(), readEnvironment(), FUNCTION_EFFECTS.journeyStep),
  (deps, input: unknown) => journeyStep(deps, input),
);

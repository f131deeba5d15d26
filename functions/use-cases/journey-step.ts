import * as z from "zod";
import { RetryableError, TransientError } from "../adapters/errors.ts";
import { advance } from "../core/engine/decide.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";

/** `instanceId` is the journey id's name on the wire, kept so executions in flight keep working. */
export const StepInputSchema = z.looseObject({
  customerId: z.string().min(1),
  instanceId: z.string().min(1),
});
export type StepResult = { customerId: string; instanceId: string; done: boolean; wakeAt?: string };

/**
 * The Step task of the journey workflow: runs the steps due now, then tells the workflow whether the
 * journey is over or when to wake it next (a debounce may have moved it; a stale wake-up is harmless).
 */
export async function journeyStep(deps: RuntimeDeps, input: unknown): Promise<StepResult> {
  const { customerId, instanceId: journeyId } = StepInputSchema.parse(input);
  try {
    const { state } = await runForCustomer(deps, customerId, undefined, (fresh, now) =>
      advance(deps.compiled, fresh, journeyId, now),
    );
    const journey = state.journeys.find((j) => j.id === journeyId);
    if (!journey) return { customerId, instanceId: journeyId, done: true };
    return { customerId, instanceId: journeyId, done: false, wakeAt: new Date(journey.wakeAt).toISOString() };
  } catch (error) {
    if (error instanceof RetryableError) throw new TransientError(`${error.reason}: ${error.message}`);
    throw error;
  }
}

import { RetryableError, TransientError } from "../adapters/errors.ts";
import { advance } from "../core/engine/decide.ts";
import { isStaleWorkflow } from "../core/engine/journeys.ts";
import type { Journey } from "../core/state/customer-state.ts";
import * as z from "../core/validation/zod.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";

/** `instanceId` is the journey id's name on the wire, kept so executions in flight keep working. */
export const StepInputSchema = z.looseObject({
  customerId: z.string().check(z.minLength(1)),
  instanceId: z.string().check(z.minLength(1)),
  /** The workflow's generation (absent: the first): an execution older than the journey's ends. */
  generation: z.optional(z.number().check(z.int(), z.positive())),
});
export type StepResult = {
  customerId: string;
  instanceId: string;
  done: boolean;
  wakeAt?: string;
  generation?: number;
  /** The id of the step the journey runs when it wakes: shown in the execution's history. */
  step?: string;
};

/**
 * The Step task of the journey workflow: runs the steps due now, then tells the workflow whether the
 * journey is over or when to wake it next (a debounce may have moved it; a stale wake-up is harmless).
 */
export async function journeyStep(deps: RuntimeDeps, input: unknown): Promise<StepResult> {
  const { customerId, instanceId: journeyId, generation } = StepInputSchema.parse(input);
  // Echoed so the next Step of this execution gets it too (the workflow passes its whole state).
  const echo = { customerId, instanceId: journeyId, ...(generation !== undefined ? { generation } : {}) };
  const stale = (journey: Journey) => isStaleWorkflow(journey, generation);
  try {
    const { state } = await runForCustomer(
      deps,
      customerId,
      undefined,
      (fresh, now) => {
        const journey = fresh.journeys.find((j) => j.id === journeyId);
        // A newer workflow wakes this journey: this one ends and changes nothing.
        if (journey && stale(journey)) return [];
        return advance(deps.compiled, fresh, journeyId, now);
      },
      { ownJourney: journeyId },
    );
    const journey = state.journeys.find((j) => j.id === journeyId);
    if (!journey || stale(journey)) return { ...echo, done: true };
    const step = typeof journey.step === "string" ? { step: journey.step } : {};
    return { ...echo, done: false, wakeAt: new Date(journey.wakeAt).toISOString(), ...step };
  } catch (error) {
    if (error instanceof RetryableError) throw new TransientError(`${error.reason}: ${error.message}`);
    throw error;
  }
}

import type { CustomerState } from "../core/state/customer-state.ts";
import type { FieldProblem } from "../core/validation/describe-issue.ts";
import { PermanentError, RetryableError } from "./errors.ts";

/**
 * A customer's state as stored, with the version a save must find unchanged. `performed`: the outbox
 * entries the item still holds whose effects were recorded as performed (a receipt): they are left
 * out of `state`, so the next write of it removes them.
 */
export type LoadedState = { state: CustomerState; version: number; itemBytes: number; performed?: string[] };

export type SavedState = { version: number; itemBytes: number };

export type UpdateOutcome<T> = {
  /** What `fn` returned on the attempt that won (the decisions to apply). */
  result: T;
  state: CustomerState;
  version: number;
  /** False when `fn` left the state as it was: nothing was written. */
  saved: boolean;
  attempts: number;
  itemBytes: number;
};

/**
 * How `update` loads the state first. An eventually consistent read costs half the read units of a
 * consistent one and may miss the latest write: a write decided on it fails its version check (and the
 * retry reads consistently), so only a run that writes nothing can act on a missed write.
 * - "consistent" (the default): for runs that often write nothing (a journey's Step);
 * - "eventual": "nothing to write" is believed only from a consistent read, taken then (a customer
 *   event: almost all write);
 * - "lagging": "nothing to write" is believed from the eventually consistent read, for a run that may as
 *   well have come a moment earlier (a catalog fan-out candidate: most decide nothing).
 */
export type FirstRead = "consistent" | "eventual" | "lagging";

/**
 * One item per customer, changed only by a conditional write on its version: every decision about
 * a customer is serialized by it (an exit and a wake-up cannot both win, a send is claimed once).
 */
export interface CustomerStateStore {
  load(customerId: string): Promise<LoadedState>;
  /** Writes `state` if the stored version is still `expectedVersion` (0: no item yet). */
  save(state: CustomerState, expectedVersion: number): Promise<SavedState>;
  /**
   * load, fn, save; on a version conflict, all three again on the fresh state. `fn` must be
   * synchronous and free of side effects: it may run more than once and only the last run counts.
   * `beforeWrite` runs after `fn` and before each write it led to (not when nothing changed): for
   * idempotent effects that need no claim; if it throws, nothing is written. Before a write, entries
   * recorded as performed (recordPerformed) leave the state: if taking them over was all `fn` changed,
   * nothing is written. `firstRead`: FirstRead.
   */
  update<T>(
    customerId: string,
    fn: (state: CustomerState) => T,
    beforeWrite?: () => Promise<void>,
    options?: { firstRead?: FirstRead },
  ): Promise<UpdateOutcome<T>>;
  /**
   * Records that these outbox entries of the claim made at `claimedAt` were performed: one small item
   * (one write unit), instead of a write of the whole state to remove them. The next write of the state
   * (`update`) leaves them out, and `load` does not return them. `completesClaim`: no entry of that claim
   * is left to perform, so its backstop (the sweep reading the customer when it lapses) is settled.
   */
  recordPerformed(
    customerId: string,
    claimedAt: number,
    entryIds: readonly string[],
    now: number,
    options?: { completesClaim?: boolean },
  ): Promise<void>;
  /**
   * The claim made at `claimedAt` needs no backstop any more (its entries are performed, or carry a
   * later claim): the sweep is not to read the customer for it (its filing is settled, not taken out).
   */
  settleClaim(customerId: string, claimedAt: number): Promise<void>;
}

/** Someone else saved this customer since we loaded: reload and decide again. */
export class VersionConflictError extends RetryableError {
  override readonly name = "VersionConflictError";
  constructor(
    readonly customerId: string,
    readonly expectedVersion: number,
  ) {
    super(`customer ${customerId}: state changed since version ${expectedVersion}`, "version_conflict");
  }
}

/** The stored item does not pass CustomerStateSchema: only this customer is affected. */
export class CorruptStateError extends PermanentError {
  override readonly name = "CorruptStateError";
  constructor(
    readonly customerId: string,
    readonly problems: FieldProblem[],
  ) {
    super(
      `customer ${customerId}: stored state is invalid: ${problems
        .slice(0, 5)
        .map((p) => `${p.path}: expected ${p.expected}`)
        .join("; ")}`,
      "corrupt_state",
    );
  }
}

/** Saving would exceed the DynamoDB item limit: the state needs pruning, a retry will not help. */
export class StateTooLargeError extends PermanentError {
  override readonly name = "StateTooLargeError";
  constructor(
    readonly customerId: string,
    readonly itemBytes: number,
    readonly maxItemBytes: number,
  ) {
    super(
      `customer ${customerId}: state item of ${itemBytes} bytes exceeds ${maxItemBytes}`,
      "state_too_large",
    );
  }
}

import { deserialize, serialize } from "node:v8";
import type { CustomerState } from "../functions/core/state/customer-state.ts";

/** Customers untouched this long (virtual time) are kept serialized until touched again. */
export const IDLE_AFTER = 24 * 3_600_000;

/**
 * The simulator's customers' states, the idle ones serialized (v8.serialize) outside the JS heap: a
 * state as objects holds about twice its serialized size (prototype-free records are dictionaries,
 * epoch times boxed numbers), and the collector lets the heap grow to a multiple of what it holds,
 * while a customer is idle most of the stream. A state read back has ordinary objects where its
 * records had no prototype, as a state parsed from JSON without its schema: the core reads records
 * by own key only (getOwn). `active` is the caller's map (the states as objects); `finish` returns
 * every state to it.
 */
export class IdleStates {
  private readonly idle = new Map<string, Buffer>();
  /** Every customer, in the order first seen, with the virtual time its state was last used. */
  private readonly lastUsed = new Map<string, number>();
  /** The virtual time a state read now is used at. */
  now = Number.NEGATIVE_INFINITY;

  constructor(private readonly active: Map<string, CustomerState>) {
    for (const customerId of active.keys()) this.lastUsed.set(customerId, this.now);
  }

  get size(): number {
    return this.lastUsed.size;
  }

  get(customerId: string): CustomerState | undefined {
    let state = this.active.get(customerId);
    if (!state) {
      const bytes = this.idle.get(customerId);
      if (bytes === undefined) return undefined;
      state = deserialize(bytes) as CustomerState;
      this.idle.delete(customerId);
      this.active.set(customerId, state);
    }
    this.lastUsed.set(customerId, this.now);
    return state;
  }

  set(customerId: string, state: CustomerState): void {
    this.idle.delete(customerId);
    this.active.set(customerId, state);
    this.lastUsed.set(customerId, this.now);
  }

  keys(): IterableIterator<string> {
    return this.lastUsed.keys();
  }

  /** Every state, each made active. */
  *values(): IterableIterator<CustomerState> {
    for (const customerId of [...this.lastUsed.keys()]) yield this.get(customerId)!;
  }

  /** Serializes the states not used since `before`. */
  setIdle(before: number): void {
    for (const [customerId, state] of this.active)
      if (this.lastUsed.get(customerId)! < before) {
        this.idle.set(customerId, serialize(state));
        this.active.delete(customerId);
      }
  }

  /** Returns every state to the caller's map, in the order the customers were first seen. */
  finish(): void {
    const entries = [...this.lastUsed.keys()].map(
      (customerId) => [customerId, this.get(customerId)!] as const,
    );
    this.active.clear();
    for (const [customerId, state] of entries) this.active.set(customerId, state);
  }
}

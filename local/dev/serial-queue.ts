/** Runs tasks one after another in the order given (the local bus delivers one event at a time). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task).finally(() => this.pending--);
    this.tail = result.catch(() => {});
    return result;
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once the queue is empty, tasks queued meanwhile included. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}

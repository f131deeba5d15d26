import "./node20.ts";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { StateMachine } from "aws-local-stepfunctions";
import type { StepResult } from "../../functions/use-cases/journey-step.ts";
import { type AslDefinition, aslOnVirtualTime, waitedUntil } from "../../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";
import type { RuntimeClock } from "./runtime-clock.ts";

export type WorkflowInput = {
  customerId: string;
  instanceId: string;
  generation?: number;
  /** The journey's wake and step when started: the execution waits until then first. */
  wakeAt?: string;
  step?: string;
};

/** One journey workflow execution, as the page and the persisted file know it. */
export type Execution = {
  name: string;
  input: WorkflowInput;
  startedAt: number;
  /** ABORTED: cut by a shutdown, resumed by the next start; STOPPED: by StopExecution (AWS says ABORTED). */
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "STOPPED";
  /** The wakeAt the last Step returned: where the Wait state sleeps until. */
  nextWake?: number;
  /** The step the journey runs when it wakes (the last Step's answer). */
  nextStep?: string;
  error?: string;
};

export type WorkflowHandlers = {
  /** The journey-step Lambda. */
  step(payload: unknown): Promise<StepResult>;
  /** The failure path's events:putEvents task (journey.failed onto the bus). */
  putEvents(entries: { Source: string; DetailType: string; Detail: unknown }[]): Promise<void>;
  onChange(execution: Execution): void;
};

export class ExecutionAlreadyExistsError extends Error {}

/**
 * The journey state machine's synthesized ASL on aws-local-stepfunctions, its Step task bound to the
 * real handler. The Wait state takes no time here: the Step sleeps on the runtime clock until the
 * wakeAt the previous Step returned. With a file, the running executions and their wake-ups are
 * kept there, and `resume` starts them again after a restart (a Step run early is harmless: it
 * returns the same wakeAt).
 */
export class LocalWorkflows {
  readonly executions = new Map<string, Execution>();
  private readonly machine: StateMachine;
  private readonly aborts: (() => void)[] = [];
  private readonly running: Promise<unknown>[] = [];

  constructor(
    asl: AslDefinition,
    private readonly clock: RuntimeClock,
    private readonly handlers: WorkflowHandlers,
    private readonly file?: string,
  ) {
    // Not validated again here (a second of start-up): the synthesized definition is validated by
    // test/workflows/journey.test.ts and engine-stack.test.ts.
    this.machine = new StateMachine(aslOnVirtualTime(asl) as never, {
      validationOptions: { noValidate: true },
    });
  }

  /** The executions the file says were running; each starts again, waiting for its wake-up. */
  resume(): number {
    if (!this.file || !existsSync(this.file)) return 0;
    const saved = JSON.parse(readFileSync(this.file, "utf8")) as Execution[];
    for (const execution of saved) this.launch({ ...execution, status: "RUNNING" });
    return saved.length;
  }

  start(name: string, input: WorkflowInput): Execution {
    if (this.executions.has(name)) throw new ExecutionAlreadyExistsError(name);
    return this.launch({ name, input, startedAt: this.clock.now(), status: "RUNNING" });
  }

  /** A failed execution's input started again under a new name (the dead-letter redrive). */
  restart(execution: Execution): Execution {
    let n = 1;
    while (this.executions.has(`${execution.name}-redrive-${n}`)) n++;
    return this.start(`${execution.name}-redrive-${n}`, execution.input);
  }

  async stop(): Promise<void> {
    for (const abort of this.aborts) abort();
    await Promise.race([Promise.all(this.running), new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  /**
   * StopExecution: the execution ends without its next Step. Its Step asleep on the runtime clock
   * wakes as planned and returns without calling the handler (aborting the run then keeps the
   * clock's count of active actors right). False if there is no such execution.
   */
  stopExecution(name: string): boolean {
    const execution = this.executions.get(name);
    if (!execution) return false;
    if (execution.status === "RUNNING") {
      execution.status = "STOPPED";
      execution.nextWake = undefined;
      execution.nextStep = undefined;
      this.changed(execution);
    }
    return true;
  }

  private launch(execution: Execution): Execution {
    const { clock } = this;
    // A new execution waits first, for its input's wake (a resumed one has its own).
    execution.nextWake ??= waitedUntil(execution.input);
    execution.nextStep ??= execution.input.step;
    this.executions.set(execution.name, execution);
    this.changed(execution);
    clock.time.enter();
    const run = this.machine.run(execution.input, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async (task) => {
            const wakeAt = execution.nextWake ?? waitedUntil((task as { Payload: unknown }).Payload);
            if (wakeAt !== undefined) await clock.time.sleepUntil(wakeAt);
            if (execution.status === "STOPPED") {
              run.abort();
              return { Payload: { done: true } } as never;
            }
            execution.nextWake = undefined;
            const result = await this.handlers.step((task as { Payload: unknown }).Payload);
            if (!result.done && result.wakeAt) execution.nextWake = Date.parse(result.wakeAt);
            execution.nextStep = result.done ? undefined : result.step;
            this.changed(execution);
            return { Payload: result } as never;
          },
          [JOURNEY_STATES.recordFailure]: async (input) => {
            await this.handlers.putEvents((input as { Entries: never[] }).Entries);
            return { Entries: [{ EventId: `failure-${execution.name}` }], FailedEntryCount: 0 } as never;
          },
        },
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        retryIntervalOverrides: { [JOURNEY_STATES.step]: 0, [JOURNEY_STATES.recordFailure]: 0 },
      },
    });
    this.aborts.push(() => {
      if (execution.status === "RUNNING") execution.status = "ABORTED";
      run.abort();
    });
    this.running.push(
      run.result
        .then(
          () => {
            if (execution.status === "RUNNING") execution.status = "SUCCEEDED";
          },
          (error: unknown) => {
            execution.status = "FAILED";
            execution.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          },
        )
        .finally(() => {
          if (execution.status !== "ABORTED") this.changed(execution);
          clock.time.leave();
        }),
    );
    return execution;
  }

  private changed(execution: Execution): void {
    this.handlers.onChange(execution);
    if (!this.file) return;
    const running = [...this.executions.values()].filter(
      (e) => e.status === "RUNNING" || e.status === "ABORTED",
    );
    writeFileSync(`${this.file}.tmp`, JSON.stringify(running));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

import { createHash } from "node:crypto";
import { type SFNClient, StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { isAwsError, translateAwsError } from "./errors.ts";

const NAME_MAX = 80;
const HASH_CHARS = 16;

const SFN_RULES = {
  // The account's limit of open executions: some will close, so try again later.
  retryable: ["ExecutionLimitExceeded"],
  permanent: [
    "InvalidName",
    "InvalidExecutionInput",
    "InvalidArn",
    "StateMachineDoesNotExist",
    "StateMachineDeleting",
  ],
};

export type StartedJourney = { executionName: string; executionArn?: string; alreadyStarted: boolean };

/**
 * Starts the generic journey workflow for one journey instance. The execution name is derived from
 * the journey id, so a repeated start (a redelivered event, a retried batch) names the same
 * execution and Step Functions refuses the duplicate: that refusal is success.
 */
export class StepFunctionsJourneyStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * A later generation (the journey woken earlier than its workflow sleeps) is its own execution,
   * named after the journey id and the generation. `wakeAt` (epoch ms): the journey's wake, which the
   * execution waits until before its first Step; `step`: the step it runs then (for the console, as
   * a Step's result shows it).
   */
  async start({
    customerId,
    journeyId,
    generation,
    wakeAt,
    step,
  }: {
    customerId: string;
    journeyId: string;
    generation?: number;
    wakeAt: number;
    step?: string;
  }): Promise<StartedJourney> {
    const executionName = workflowName(journeyId, generation);
    try {
      const output = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName,
          input: JSON.stringify({
            customerId,
            instanceId: journeyId,
            ...(generation !== undefined ? { generation } : {}),
            wakeAt: new Date(wakeAt).toISOString(),
            ...(step !== undefined ? { step } : {}),
          }),
        }),
      );
      return { executionName, executionArn: output.executionArn, alreadyStarted: false };
    } catch (error) {
      if (isAwsError(error, "ExecutionAlreadyExists")) return { executionName, alreadyStarted: true };
      throw translateAwsError(error, "Step Functions StartExecution", SFN_RULES);
    }
  }

  /**
   * Stops the journey's workflow of that generation: the journey ended while it waited. One that
   * does not exist (never started) or has ended already is nothing to stop.
   */
  async stop({ journeyId, generation }: { journeyId: string; generation?: number }): Promise<void> {
    // arn:aws:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>
    const executionArn = `${this.stateMachineArn.replace(":stateMachine:", ":execution:")}:${workflowName(journeyId, generation)}`;
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: "journey ended" }));
    } catch (error) {
      if (isAwsError(error, "ExecutionDoesNotExist")) return;
      throw translateAwsError(error, "Step Functions StopExecution", SFN_RULES);
    }
  }
}

/** The execution name of the journey's workflow of that generation (absent: the first). */
function workflowName(journeyId: string, generation: number | undefined): string {
  return executionNameFor(generation === undefined ? journeyId : `${journeyId}~${generation}`);
}

/**
 * Execution names allow [A-Za-z0-9_-] up to 80 characters: the journey id with other characters
 * replaced (readable in the console), cut to fit, then a hash of the whole id, so two ids that read
 * alike after the replacement or the cut still get different names.
 */
export function executionNameFor(journeyId: string): string {
  const hash = createHash("sha256").update(journeyId).digest("hex").slice(0, HASH_CHARS);
  const readable = journeyId.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, NAME_MAX - HASH_CHARS - 1);
  return `${readable}-${hash}`;
}

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";

/**
 * The journey machine's StartExecution and StopExecution on a mocked client, answered as Step
 * Functions does: a name is started once (ExecutionAlreadyExists after), a stop of an execution never
 * started is ExecutionDoesNotExist. `start` launches the harness's local run of a new execution;
 * `stop` marks one stopped. Returns the executions by name, and how many starts were asked for.
 */
export function mockExecutions<Execution>(
  client: SFNClient,
  machineArn: string,
  now: () => number,
  handlers: { start(name: string, input: unknown): Execution; stop(execution: Execution): void },
): { executions: Map<string, Execution>; startCalls: () => number } {
  const executions = new Map<string, Execution>();
  const prefix = `${machineArn.replace(":stateMachine:", ":execution:")}:`;
  const sfn = mockClient(client);
  sfn.on(StartExecutionCommand).callsFake(async (input: { name?: string; input?: string }) => {
    const name = input.name ?? "";
    if (executions.has(name))
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${prefix}${name}'`,
        $metadata: { httpStatusCode: 400 },
      });
    executions.set(name, handlers.start(name, JSON.parse(input.input ?? "{}")));
    return { executionArn: `${prefix}${name}`, startDate: new Date(now()) };
  });
  sfn.on(StopExecutionCommand).callsFake(async ({ executionArn = "" }: { executionArn?: string }) => {
    const execution = executionArn.startsWith(prefix)
      ? executions.get(executionArn.slice(prefix.length))
      : undefined;
    if (execution === undefined)
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    handlers.stop(execution);
    return { stopDate: new Date(now()) };
  });
  return { executions, startCalls: () => sfn.commandCalls(StartExecutionCommand).length };
}

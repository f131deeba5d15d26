import { dynamoDbStateScan, type StateScan } from "../adapters/dynamodb-state-scan.ts";
import type { SweepOptions } from "../use-cases/sweep.ts";
import { type AwsClients, awsRuntime, defaultClients, FUNCTION_EFFECTS } from "../wiring.ts";
import type { RuntimeDeps } from "./customer-runner.ts";
import { type Environment, readEnvironment } from "./environment.ts";

export type SweepRuntime = { deps: RuntimeDeps; scan: StateScan; options?: SweepOptions };

/** The sweep's runtime on AWS: the common one, and a scan of the same CustomerState table. */
export function awsSweepRuntime(
  clients: AwsClients = defaultClients(),
  env: Environment = readEnvironment(),
): SweepRuntime {
  return {
    deps: awsRuntime(clients, env, FUNCTION_EFFECTS.sweep),
    scan: dynamoDbStateScan(clients.dynamodb, env.STATE_TABLE),
  };
}

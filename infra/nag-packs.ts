import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import type { IConstruct } from "constructs";

/** The rule packs the app is checked against, at synth (app.ts) and in the tests. */
export function engineNagPacks(scope: IConstruct): [AwsSolutionsChecks, ServerlessChecks] {
  return [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];
}

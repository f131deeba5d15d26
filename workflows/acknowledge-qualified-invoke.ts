import { type CfnElement, Stack, Validations } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";

/**
 * CDK's invoke grants name the function and `<function ARN>:*` (its versions and aliases); cdk-nag
 * reports that suffix as a wildcard, under an id that carries the function's logical id.
 */
export function acknowledgeQualifiedInvoke(grantee: IConstruct, fn: lambda.IFunction, invoker: string): void {
  const resource = fn.node.defaultChild as CfnElement;
  const stack = Stack.of(resource);
  const logicalId = stack.resolve(stack.getLogicalId(resource)) as string;
  Validations.of(grantee).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
    reason: `${invoker} may invoke this one function; the ':*' suffix only admits its versions and aliases.`,
  });
}

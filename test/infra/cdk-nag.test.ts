import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineNagPacks } from "../../infra/nag-packs.ts";
import { type EngineFixture, synthesizeEngine } from "./engine-app-fixture.ts";

let engine: EngineFixture;

beforeAll(() => {
  engine = synthesizeEngine({ bundle: false, validateTemplate: false });
});

afterAll(() => engine?.cleanUp());

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ""),
          reason,
        })),
      ),
  );
}

describe("cdk-nag", () => {
  it.each(["AwsSolutions", "Serverless"])("%s pack: no unacknowledged error or warning", (packName) => {
    const pack = engineNagPacks(engine.app).find((p) => p.readPackName === packName)!;
    const report = pack.validateScope(engine.app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("gives every acknowledgment a written reason", () => {
    for (const { path, id, reason } of acknowledgments(engine.app)) {
      expect(reason.length, `${id} on ${path}`).toBeGreaterThan(40);
    }
  });

  it("acknowledges only the reviewed rules", () => {
    const ids = new Set(
      acknowledgments(engine.app).map(({ id }) => id.replace(/<[A-Za-z0-9]+\.Arn>/, "<fn>")),
    );
    expect([...ids].sort()).toEqual([
      "AwsSolutions-IAM5[Resource::*]",
      "AwsSolutions-IAM5[Resource::<fn>:*]",
      "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*]",
      "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<JourneyStateMachine79E50E5D.Name>:*]",
      "AwsSolutions-L1",
      "AwsSolutions-SMG4",
      "AwsSolutions-SNS2",
      "AwsSolutions-SQS3",
      "Serverless-LambdaDLQ",
      "Serverless-LambdaEventSourceMappingDestination",
      "Serverless-LambdaLatestVersion",
      "Serverless-SNSRedrivePolicy",
      "Serverless-SQSRedrivePolicy",
    ]);
  });
});

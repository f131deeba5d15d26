import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { DUE_INDEX_NAME } from "../../functions/adapters/dynamodb-due-index.ts";

export const TTL_ATTRIBUTE = "expiresAt";

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The engine's two tables, both holding customer data: on-demand, point-in-time recovery, KMS
 * encryption, TTL on `expiresAt` (items without the attribute never expire), deletion protection,
 * retained when the stack goes. Suppressed addresses live in the customer's item.
 */
export class EngineTables extends Construct {
  /** One item per customer: profile, consent, suppressed addresses, traits, journeys, outbox, with a version. */
  readonly customerState: dynamodb.Table;
  /** Who is interested in a product, for catalog fan-out (interest expires, hence the TTL). */
  readonly interestIndex: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.customerState = this.table("CustomerState", { partitionKey: stringKey("customerId") });
    // The sweep's due-time index (functions/adapters/dynamodb-due-index.ts): sparse, one partition per
    // hour and shard, keys only, so a state write that keeps its due time costs the index nothing.
    this.customerState.addGlobalSecondaryIndex({
      indexName: DUE_INDEX_NAME,
      partitionKey: stringKey("dueBucket"),
      sortKey: { name: "dueAt", type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    this.interestIndex = this.table("InterestIndex", {
      partitionKey: stringKey("productId"),
      sortKey: stringKey("customerId"),
    });
  }

  private table(id: string, keys: Pick<dynamodb.TableProps, "partitionKey" | "sortKey">): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      ...keys,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

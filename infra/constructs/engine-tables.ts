import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";

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

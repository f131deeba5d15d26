import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";

export const TTL_ATTRIBUTE = "expiresAt";

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The engine's tables: on-demand, point-in-time recovery, KMS encryption, TTL on `expiresAt`
 * (items without the attribute never expire).
 */
export class EngineTables extends Construct {
  /** One item per customer: profile, traits, consent, open journeys, send ledger, with a version. */
  readonly customerState: dynamodb.Table;
  /** Who is interested in a product, for catalog fan-out (interest expires, hence the TTL). */
  readonly interestIndex: dynamodb.Table;
  /** Powertools idempotency records of processed events. */
  readonly processedEvents: dynamodb.Table;
  /** Addresses (email, phone) that hard-bounced, complained or opted out, whoever the customer. */
  readonly addressSuppression: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.customerState = this.table("CustomerState", { partitionKey: stringKey("customerId") }, true);
    this.interestIndex = this.table(
      "InterestIndex",
      { partitionKey: stringKey("productId"), sortKey: stringKey("customerId") },
      true,
    );
    // Idempotency records are disposable by nature: a lost record only re-admits an old event id.
    this.processedEvents = this.table("ProcessedEvents", { partitionKey: stringKey("id") }, false);
    this.addressSuppression = this.table("AddressSuppression", { partitionKey: stringKey("address") }, true);
  }

  private table(
    id: string,
    keys: Pick<dynamodb.TableProps, "partitionKey" | "sortKey">,
    holdsCustomerData: boolean,
  ): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      ...keys,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: holdsCustomerData,
      removalPolicy: holdsCustomerData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}

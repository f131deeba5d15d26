import { Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";
import type { FunctionEnvironment } from "./engine-function.ts";

export interface EmailSendingProps {
  /** The bare address messages are sent from, e.g. news@example.com. */
  readonly fromAddress: string;
  /** The verified SES identity that covers fromAddress: a domain (example.com) or that address. */
  readonly sesIdentity: string;
}

/** SES feedback the engine acts on (suppression) or counts (engagement). */
export const PUBLISHED_EMAIL_EVENTS = [
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.REJECT,
];

/**
 * The SES configuration set every engine email is sent with. Its events go to the default bus,
 * the only bus SES publishes to; EventRouting forwards them to the engine bus.
 * The identity itself is not created here: it needs DNS records and usually exists already.
 */
export class EmailSending extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly fromAddress: string;
  private readonly identityArn: string;

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    assertIdentityCoversAddress(props);
    this.fromAddress = props.fromAddress;
    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination("ToDefaultBus", {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, "DefaultBus", "default"),
      ),
      events: PUBLISHED_EMAIL_EVENTS,
    });
    this.identityArn = Stack.of(this).formatArn({
      service: "ses",
      resource: "identity",
      resourceName: props.sesIdentity,
    });
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  get environment(): FunctionEnvironment {
    return {
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      FROM_ADDRESS: this.fromAddress,
    };
  }

  /** SendEmail through this identity and configuration set, from the configured address only. */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ["ses:SendEmail"],
      resourceArns: [this.identityArn, this.configurationSetArn],
      conditions: { StringEquals: { "ses:FromAddress": this.fromAddress } },
    });
  }
}

function assertIdentityCoversAddress({ fromAddress, sesIdentity }: EmailSendingProps): void {
  const domain = fromAddress.split("@")[1];
  if (!domain || /[<>\s]/.test(fromAddress)) {
    throw new Error(`fromAddress must be a bare email address (got "${fromAddress}")`);
  }
  const covered = sesIdentity.includes("@")
    ? sesIdentity.toLowerCase() === fromAddress.toLowerCase()
    : isSameOrSubdomain(domain.toLowerCase(), sesIdentity.toLowerCase());
  if (!covered) {
    throw new Error(`SES identity "${sesIdentity}" does not cover fromAddress "${fromAddress}"`);
  }
}

/** A verified domain identity also covers its subdomains. */
function isSameOrSubdomain(domain: string, identityDomain: string): boolean {
  return domain === identityDomain || domain.endsWith(`.${identityDomain}`);
}

import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";
import type { CampaignCountName } from "../../functions/core/engine/campaign-counts.ts";
import { METRICS_NAMESPACE } from "./engine-function.ts";

/**
 * The metrics the dashboards show, of those the handlers emit (core/engine/campaign-counts.ts; EMF)
 * in namespace "Engage", each with a `campaign` dimension: Triggered, Sent (optionally by `channel`),
 * Suppressed (with a `reason` dimension), Converted. Other dimensions (Powertools adds `service`)
 * do not matter: the widgets search on the campaign dimension.
 */
export const CAMPAIGN_METRICS = {
  triggered: "Triggered",
  sent: "Sent",
  suppressed: "Suppressed",
  converted: "Converted",
} as const satisfies Record<string, CampaignCountName>;

const PERIOD = Duration.hours(1);

export interface CampaignDashboardsProps {
  readonly campaignIds: readonly string[];
}

/** One CloudWatch dashboard per campaign: triggered, sent, suppressed by reason, conversions. */
export class CampaignDashboards extends Construct {
  readonly dashboards: Map<string, cloudwatch.Dashboard>;

  constructor(scope: Construct, id: string, props: CampaignDashboardsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.dashboards = new Map(
      props.campaignIds.map((campaignId) => [
        campaignId,
        new cloudwatch.Dashboard(this, `Campaign-${campaignId}`, {
          dashboardName: `${stackName}-campaign-${campaignId}`,
          defaultInterval: Duration.days(7),
          widgets: campaignWidgets(campaignId),
        }),
      ]),
    );
  }
}

function campaignWidgets(campaignId: string): cloudwatch.IWidget[][] {
  const total = (metricName: string, label: string) =>
    new cloudwatch.MathExpression({
      expression: `SUM(${search(campaignId, metricName)})`,
      label,
      period: PERIOD,
    });
  const perDimension = (metricName: string) =>
    new cloudwatch.MathExpression({ expression: search(campaignId, metricName), label: "", period: PERIOD });

  return [
    [
      new cloudwatch.TextWidget({
        markdown: `# Campaign \`${campaignId}\`\nMessages triggered, sent, suppressed (by reason) and conversions, per hour.`,
        width: 24,
        height: 2,
      }),
    ],
    [
      new cloudwatch.SingleValueWidget({
        title: "Totals over the dashboard's time range",
        metrics: [
          total(CAMPAIGN_METRICS.triggered, "Triggered"),
          total(CAMPAIGN_METRICS.sent, "Sent"),
          total(CAMPAIGN_METRICS.suppressed, "Suppressed"),
          total(CAMPAIGN_METRICS.converted, "Conversions"),
        ],
        setPeriodToTimeRange: true,
        width: 24,
        height: 4,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Triggered and sent",
        left: [total(CAMPAIGN_METRICS.triggered, "Triggered"), total(CAMPAIGN_METRICS.sent, "Sent")],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: "Sent by channel",
        left: [perDimension(CAMPAIGN_METRICS.sent)],
        stacked: true,
        width: 12,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Suppressed by reason",
        left: [perDimension(CAMPAIGN_METRICS.suppressed)],
        stacked: true,
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: "Conversions",
        left: [total(CAMPAIGN_METRICS.converted, "Conversions")],
        width: 12,
      }),
    ],
  ];
}

/** A CloudWatch SEARCH over every dimension set that carries this campaign (one series each). */
function search(campaignId: string, metricName: string): string {
  return `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}" campaign="${campaignId}"', 'Sum', ${PERIOD.toSeconds()})`;
}

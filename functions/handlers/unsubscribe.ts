import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { awsUnsubscribeDeps } from "../runtime/unsubscribe-runtime.ts";
import {
  handleUnsubscribe,
  type UnsubscribeDeps,
  type UnsubscribeRequest,
  type UnsubscribeResponse,
} from "../use-cases/unsubscribe.ts";
import { logger, metrics } from "../wiring.ts";

let deps: UnsubscribeDeps | undefined;
export function useRuntime(runtime: UnsubscribeDeps): void {
  deps = runtime;
}

/** The function URL of the one-click unsubscribe links (RFC 8058). */
export const handler = async (request: UnsubscribeRequest): Promise<UnsubscribeResponse> => {
  deps ??= awsUnsubscribeDeps();
  try {
    const { response, result, reason } = await handleUnsubscribe(deps, request);
    const metric = metrics.singleMetric();
    metric.addDimension("result", result);
    metric.addMetric("UnsubscribeRequests", MetricUnit.Count, 1);
    const fields = { result, status: response.statusCode, ...(reason ? { reason } : {}) };
    if (response.statusCode >= 500) logger.error("unsubscribe request failed", fields);
    else logger.info("unsubscribe request", fields);
    return response;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

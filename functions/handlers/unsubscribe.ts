import { MetricUnit } from "../runtime/emf-metrics.ts";
import { handlerShell, logger, metrics } from "../runtime/handler-shell.ts";
import {
  handleUnsubscribe,
  type UnsubscribeRequest,
  type UnsubscribeResponse,
} from "../use-cases/unsubscribe.ts";
import { awsUnsubscribeDeps } from "../wiring.ts";

/** The function URL of the one-click unsubscribe links (RFC 8058). */
export const { handler, useRuntime } = handlerShell(
  () => awsUnsubscribeDeps(),
  async (deps, request: UnsubscribeRequest): Promise<UnsubscribeResponse> => {
    const { response, result, reason } = await handleUnsubscribe(deps, request);
    const metric = metrics.singleMetric();
    metric.addDimension("result", result);
    metric.addMetric("UnsubscribeRequests", MetricUnit.Count, 1);
    const fields = { result, status: response.statusCode, ...(reason ? { reason } : {}) };
    if (response.statusCode >= 500) logger.error("unsubscribe request failed", fields);
    else logger.info("unsubscribe request", fields);
    return response;
  },
);

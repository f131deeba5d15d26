import { expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_SERVICE_NAME = "engage";
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  process.env._X_AMZN_TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
});

import * as fanout from "../../functions/handlers/catalog-fanout.ts";
import * as ingest from "../../functions/handlers/ingest.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import type { FanoutPorts } from "../../functions/use-cases/catalog-fanout.ts";
import { capturedOutputLines, lambdaContext } from "../support/lambda-output.ts";

/**
 * What Powertools' Logger and Metrics (2.36.0, with middy's injectLambdaContext) printed for these
 * invocations, captured before the functions' own JSON log and EMF replaced them: the same lines, in the
 * same order, key for key (timestamps aside).
 */
const POWERTOOLS_LINES = [
  '{"level":"INFO","message":"event ignored: unknown detail-type","timestamp":"2026-11-29T05:42:33.791Z","service":"engage","cold_start":false,"function_arn":"arn:aws:lambda:us-east-1:123456789012:function:engage-ingest","function_memory_size":"512","function_name":"engage-ingest","function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678","sampling_rate":0,"xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793","outcome":"ignored","id":"e1","detailType":"customer.unknown_thing"}',
  '{"_aws":{"Timestamp":1795930953794,"CloudWatchMetrics":[{"Namespace":"Engage","Dimensions":[["service"]],"Metrics":[{"Name":"IgnoredEvents","Unit":"Count"}]}]},"service":"engage","IgnoredEvents":1}',
  '{"level":"WARN","message":"event rejected","timestamp":"2026-11-29T05:42:33.799Z","service":"engage","cold_start":false,"function_arn":"arn:aws:lambda:us-east-1:123456789012:function:engage-ingest","function_memory_size":"512","function_name":"engage-ingest","function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678","sampling_rate":0,"xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793","outcome":"rejected","id":"e2","detailType":"customer.signed_up","problems":"source: expected string, got nothing; time: expected string, got nothing"}',
  '{"_aws":{"Timestamp":1795930953800,"CloudWatchMetrics":[{"Namespace":"Engage","Dimensions":[["service"]],"Metrics":[{"Name":"RejectedEvents","Unit":"Count"}]}]},"service":"engage","RejectedEvents":1}',
  '{"level":"INFO","message":"event ignored: unknown detail-type","timestamp":"2026-11-29T05:42:33.804Z","service":"engage","cold_start":false,"function_arn":"arn:aws:lambda:us-east-1:123456789012:function:engage-ingest","function_memory_size":"512","function_name":"engage-ingest","function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678","sampling_rate":0,"xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793","outcome":"ignored","id":"e3","detailType":"product.unknown"}',
  '{"_aws":{"Timestamp":1795930953805,"CloudWatchMetrics":[{"Namespace":"Engage","Dimensions":[["service"]],"Metrics":[{"Name":"IgnoredEvents","Unit":"Count"}]}]},"service":"engage","IgnoredEvents":1}',
];

const context = lambdaContext();
const lines = capturedOutputLines();

const withoutTimestamps = (line: string) => line.replace(/"(timestamp|Timestamp)":("[^"]*"|\d+)/, '"$1":0');

it("logs and publishes metrics as Powertools did: the same lines, keys in the same order", async () => {
  // Events refused at the edge: the runtime is never used.
  ingest.useRuntime({} as RuntimeDeps);
  fanout.useRuntime({} as FanoutPorts);
  await ingest.handler(
    {
      id: "e1",
      source: "shop.web",
      "detail-type": "customer.unknown_thing",
      time: "2026-03-02T00:01:19Z",
      detail: {},
    },
    context,
  );
  await ingest.handler({ id: "e2", "detail-type": "customer.signed_up", detail: {} }, context);
  await fanout.handler(
    {
      id: "e3",
      source: "shop.catalog",
      "detail-type": "product.unknown",
      time: "2026-03-02T00:01:19Z",
      detail: {},
    },
    context,
  );
  expect(lines().map(withoutTimestamps)).toEqual(POWERTOOLS_LINES.map(withoutTimestamps));
});

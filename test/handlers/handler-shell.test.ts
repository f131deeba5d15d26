import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { handler, useRuntime } from "../../functions/handlers/ingest.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { handlerShell } from "../../functions/runtime/handler-shell.ts";

const REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e812345678";

function lambdaContext(remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "engage-ingest",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:engage-ingest",
    memoryLimitInMB: "512",
    awsRequestId: REQUEST_ID,
    logGroupName: "/aws/lambda/engage-ingest",
    logStreamName: "2026/03/01/[$LATEST]abc",
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

let lines: string[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("the handler shell", () => {
  it("puts the request id and cold start on the log lines of a handler's invocation", async () => {
    // A bad envelope is rejected at the edge, before the runtime is used.
    useRuntime({} as RuntimeDeps);
    await handler({ id: "e1", "detail-type": "Customer Signed Up", detail: {} }, lambdaContext());
    const rejected = lines.map((line) => JSON.parse(line)).find((log) => log.message === "event rejected");
    expect(rejected).toMatchObject({
      level: "WARN",
      function_request_id: REQUEST_ID,
      function_name: "engage-ingest",
      cold_start: expect.any(Boolean),
    });
  });

  it("leaves the time limit to Lambda (a timeout stays Sandbox.Timedout, which the workflow retries)", async () => {
    const shell = handlerShell(
      () => ({}),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return "done";
      },
    );
    await expect(shell.handler(undefined, lambdaContext(10))).resolves.toBe("done");
  });

  it("builds the runtime once, unless a test gave one", async () => {
    const build = vi.fn(() => ({ name: "built" }));
    const shell = handlerShell(build, async (runtime: { name: string }) => runtime.name);
    expect(await shell.handler(undefined)).toBe("built");
    expect(await shell.handler(undefined)).toBe("built");
    expect(build).toHaveBeenCalledTimes(1);
    shell.useRuntime({ name: "given" });
    expect(await shell.handler(undefined)).toBe("given");
  });
});

import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { handler, useRuntime } from "../../functions/handlers/ingest.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { handlerShell } from "../../functions/runtime/handler-shell.ts";
import { capturedOutputLines, lambdaContext, REQUEST_ID } from "../support/lambda-output.ts";

const lines = capturedOutputLines();

describe("the handler shell", () => {
  it("puts the request id and cold start on the log lines of a handler's invocation", async () => {
    // A bad envelope is rejected at the edge, before the runtime is used.
    useRuntime({} as RuntimeDeps);
    await handler({ id: "e1", "detail-type": "Customer Signed Up", detail: {} }, lambdaContext());
    const rejected = lines()
      .map((line) => JSON.parse(line))
      .find((log) => log.message === "event rejected");
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

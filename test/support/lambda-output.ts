import type { Context } from "aws-lambda";
import { afterEach, beforeEach, vi } from "vitest";

export const REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e812345678";

/** The context Lambda gives the ingest function's invocation. */
export function lambdaContext(remainingMs = 30_000): Context {
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

/**
 * The lines each test of the file writes to stdout and stderr (the functions' log and EMF), captured
 * instead of printed: call once at the top of a test file, read the returned function in a test.
 */
export function capturedOutputLines(): () => string[] {
  let lines: string[] = [];
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
  return () => lines;
}

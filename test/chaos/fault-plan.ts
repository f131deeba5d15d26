import { Rng } from "../../examples/shop-stream.ts";

/** What the chaos harness does to a run. Every decision comes from one seeded generator. */
export type FaultPlan = {
  seed: number;
  /** Each event is delivered 1..maxCopies times (EventBridge is at-least-once). */
  maxCopies: number;
  /** Each delivery is late by up to this much (virtual time), so deliveries are shuffled within it. */
  shuffleMs: number;
  /** SendEmail and Publish calls that fail with the SDK's throttling error, after the SDK's own retries. */
  sesThrottle: number;
  snsThrottle: number;
  /** DynamoDB calls that fail with ProvisionedThroughputExceededException, after the SDK's own retries. */
  dynamoThrottle: number;
  /** Conditional writes of the state item that fail with ConditionalCheckFailedException. */
  dynamoConflict: number;
  /** Process crashes (the invocation dies; Lambda runs it again) at each point of the runner. */
  crashAfterClaim: number;
  crashAfterSend: number;
  crashBeforeClear: number;
  /** Sends that take longer than the runner's lease while another run for the customer starts. */
  slowSend: number;
  /**
   * Sends the SDK gives up on after its request timeouts (sdk-client-settings.ts) with a TimeoutError,
   * although the provider accepted the message in half of them: the README's remaining window.
   */
  sendTimeout: number;
};

export const NO_FAULTS: FaultPlan = {
  seed: 1,
  maxCopies: 1,
  shuffleMs: 0,
  sesThrottle: 0,
  snsThrottle: 0,
  dynamoThrottle: 0,
  dynamoConflict: 0,
  crashAfterClaim: 0,
  crashAfterSend: 0,
  crashBeforeClear: 0,
  slowSend: 0,
  sendTimeout: 0,
};

/** The faults issue 7 lists. */
export const ISSUE_7_FAULTS: FaultPlan = {
  seed: 7,
  maxCopies: 3,
  shuffleMs: 5 * 60_000,
  sesThrottle: 0.1,
  snsThrottle: 0.1,
  dynamoThrottle: 0.05,
  dynamoConflict: 0.05,
  crashAfterClaim: 0.02,
  crashAfterSend: 0.02,
  crashBeforeClear: 0.02,
  slowSend: 0.01,
  sendTimeout: 0.01,
};

export type FaultKind =
  | "duplicate_delivery"
  | "late_delivery"
  | "ses_throttle"
  | "sns_throttle"
  | "dynamodb_throttle"
  | "dynamodb_conflict"
  | "crash_after_claim"
  | "crash_after_send"
  | "crash_before_clear"
  | "slow_send"
  | "send_timeout";

/** The seeded dice and a count of what they injected. */
export class FaultDice {
  private readonly rng: Rng;
  readonly injected = new Map<FaultKind, number>();

  constructor(readonly plan: FaultPlan) {
    this.rng = new Rng(plan.seed);
  }

  /** Whether to inject `kind` now (probability p); counted when it is. */
  roll(kind: FaultKind, p: number): boolean {
    if (p <= 0) return false;
    const hit = this.rng.next() < p;
    if (hit) this.count(kind);
    return hit;
  }

  int(min: number, max: number): number {
    return this.rng.int(min, max);
  }

  count(kind: FaultKind, n = 1): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + n);
  }
}

type SdkErrorShape = {
  name: string;
  message: string;
  $fault: "client" | "server";
  $metadata: { httpStatusCode: number; attempts: number };
  $retryable?: { throttling: boolean };
};

function sdkError(shape: SdkErrorShape): Error {
  return Object.assign(new Error(shape.message), shape);
}

/** What the SDK throws when a call's abortSignal fires (the runner's lease lapsing). */
export const sdkAborted = () => Object.assign(new Error("Request aborted"), { name: "AbortError" });

/** What SES v2 answers when the sending rate is exceeded (after the SDK gave up retrying). */
export const sesThrottling = () =>
  sdkError({
    name: "TooManyRequestsException",
    message: "Maximum sending rate exceeded.",
    $fault: "client",
    $metadata: { httpStatusCode: 429, attempts: 3 },
    $retryable: { throttling: true },
  });

export const snsThrottling = () =>
  sdkError({
    name: "ThrottlingException",
    message: "Rate exceeded",
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts: 3 },
    $retryable: { throttling: true },
  });

export const dynamoThrottling = () =>
  sdkError({
    name: "ProvisionedThroughputExceededException",
    message: "The level of configured provisioned throughput for the table was exceeded.",
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts: 3 },
    $retryable: { throttling: true },
  });

export const conditionalCheckFailed = () =>
  sdkError({
    name: "ConditionalCheckFailedException",
    message: "The conditional request failed",
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });

/** What the SDK's HTTP handler throws when a request outlives its request timeout. */
export const sdkTimeout = () =>
  sdkError({
    name: "TimeoutError",
    message: "Connection timed out after 3000 ms",
    $fault: "client",
    $metadata: { httpStatusCode: 0, attempts: 2 },
  });

/**
 * The process died (killed at its timeout, out of memory): named as Step Functions reports it, so the
 * journey workflow's Retry applies as it would on AWS. Nothing of the invocation runs after it.
 */
export class ProcessCrash extends Error {
  override readonly name = "Sandbox.Timedout";
  constructor(readonly point: "after_claim" | "after_send" | "before_clear") {
    super(`injected crash ${point}`);
  }
}

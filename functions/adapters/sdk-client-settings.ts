/**
 * Request limits for every AWS SDK client of the functions. Without them a call can hang for the
 * SDK's defaults (no request timeout, up to 3 attempts, 10 for DynamoDB), longer than the lease that
 * keeps another run from performing the same effect (customer-runner.ts EFFECT_LEASE_MS).
 */
export const SDK_CONNECTION_TIMEOUT_MS = 1_000;
/** The whole request, once connected: SES, SNS and Step Functions answer in well under a second. */
export const SDK_REQUEST_TIMEOUT_MS = 3_000;
export const SDK_MAX_ATTEMPTS = 2;
/** The standard retry strategy's delay before its one retry: at most 2 x 500 ms (throttling base). */
const SDK_RETRY_DELAY_MAX_MS = 1_000;

/** The longest one SDK call can take with these settings: every attempt timing out, and the backoff. */
export const SDK_CALL_BUDGET_MS =
  SDK_MAX_ATTEMPTS * (SDK_CONNECTION_TIMEOUT_MS + SDK_REQUEST_TIMEOUT_MS) + SDK_RETRY_DELAY_MAX_MS;

/** The client configuration that applies these limits (NodeHttpHandler options, retry attempts). */
export function sdkClientSettings() {
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: SDK_REQUEST_TIMEOUT_MS,
      // Without it the request timeout only logs a warning and the call waits on (over 120 s measured
      // against an endpoint that never answers): the bound above would not hold.
      throwOnRequestTimeout: true,
    },
  };
}

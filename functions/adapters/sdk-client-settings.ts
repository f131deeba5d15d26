/**
 * Request limits for every AWS SDK client of the functions. Without them a call can hang for the
 * SDK's defaults (no request timeout, up to 3 attempts), longer than the lease that keeps another
 * run from performing the same effect (customer-runner.ts EFFECT_LEASE_MS).
 */
export const SDK_CONNECTION_TIMEOUT_MS = 1_000;
/** The whole request, once connected: SES, SNS and Step Functions answer in well under a second. */
export const SDK_REQUEST_TIMEOUT_MS = 3_000;
export const SDK_MAX_ATTEMPTS = 2;
/** The standard retry strategy's delay before its one retry: at most 2 x 500 ms (throttling base). */
const SDK_RETRY_DELAY_MAX_MS = 1_000;

/**
 * DynamoDB (DynamoDbDocuments, dynamodb-documents.ts, which applies these): the three attempts of
 * the SDKs' standard retry mode, which AWS recommends for throttling
 * (ProvisionedThroughputExceededException, an on-demand table past twice its previous peak, a hot
 * partition): exponential backoff with full jitter, at most 1 s then 2 s (throttling base 500 ms),
 * and the standard mode's retry quota per client (aws-json-request.ts). DynamoDB answers in milliseconds, so each
 * attempt gets 1 s, and a call's worst case stays the other clients' 9 s. Not adaptive mode: one
 * client serves the state table, its due index and the interest table, and AWS advises adaptive
 * only for a client per throttled resource. What outlasts this is Lambda's to retry (the event, with
 * the whole run), then a dead-letter queue to redrive.
 */
export const DYNAMODB_MAX_ATTEMPTS = 3;
export const DYNAMODB_REQUEST_TIMEOUT_MS = 1_000;
/** Before the 2nd and 3rd attempts: at most 2^1 and 2^2 x 500 ms. */
const DYNAMODB_RETRY_DELAY_MAX_MS = 1_000 + 2_000;

const worstCase = (attempts: number, requestTimeout: number, backoff: number) =>
  attempts * (SDK_CONNECTION_TIMEOUT_MS + requestTimeout) + backoff;

/** The longest one SDK call can take with these settings: every attempt timing out, and the backoff. */
export const SDK_CALL_BUDGET_MS = Math.max(
  worstCase(SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS, SDK_RETRY_DELAY_MAX_MS),
  worstCase(DYNAMODB_MAX_ATTEMPTS, DYNAMODB_REQUEST_TIMEOUT_MS, DYNAMODB_RETRY_DELAY_MAX_MS),
);

/** A client configuration that applies these limits (NodeHttpHandler options, retry attempts). */
const settings = (maxAttempts: number, requestTimeout: number) => ({
  maxAttempts,
  requestHandler: {
    connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
    requestTimeout,
    // Without it the request timeout only logs a warning and the call waits on (over 120 s measured
    // against an endpoint that never answers): the bound above would not hold.
    throwOnRequestTimeout: true,
  },
});

/** SES, SNS, Step Functions, EventBridge, SQS, Secrets Manager. */
export const sdkClientSettings = () => settings(SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS);

/** The DynamoDB client's: more attempts for throttling, shorter ones (standard retry mode, the default). */
export const dynamoDbClientSettings = () => settings(DYNAMODB_MAX_ATTEMPTS, DYNAMODB_REQUEST_TIMEOUT_MS);

/**
 * The runtime's error vocabulary, one module for adapters, runtime and use cases (it sits with the
 * adapters because they throw it first, and adapters import nothing above them).
 *
 * What an adapter tells its caller when a call to AWS failed: try again later (the handler lets the
 * record be redelivered), or give up with a reason (the handler records it and moves on).
 */
export class RetryableError extends Error {
  override readonly name: string = "RetryableError";
  constructor(
    message: string,
    /** A short code for logs and metrics: the AWS error name, or the adapter's own word. */
    readonly reason: string,
  ) {
    super(message);
  }
}

export class PermanentError extends Error {
  override readonly name: string = "PermanentError";
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * What the journey-step handler throws for a failure worth retrying: the journey workflow's Retry
 * matches this name (JOURNEY_TRANSIENT_ERRORS), anything else goes to its failure path.
 */
export class TransientError extends Error {
  static readonly errorName = "TransientError";
  override readonly name = TransientError.errorName;
}

/** Per-operation knowledge the general rules below lack (e.g. SES's MessageRejected is final). */
export type AwsErrorRules = {
  retryable?: readonly string[];
  permanent?: readonly string[];
};

// The AWS SDK's own throttling and transient lists (@smithy service-error-classification): the SDK has
// already retried these; once it gives up, the record should come back later rather than be dropped.
const THROTTLING = new Set([
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "KMSThrottlingException",
  "KmsThrottlingException",
]);
const TRANSIENT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
/**
 * Refusals that say this function's own role or credentials lack something, not that the request is
 * bad: a deployment gap that a fix (or another function) mends. Never final for the effect.
 */
const LOCAL_CONFIGURATION = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "NotAuthorized",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
  "MissingAuthenticationToken",
  "CredentialsProviderError",
]);
/** A connection that failed or broke: the functions' own AWS client retries these within a call. */
export const CONNECTION_FAILURE_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** Besides those, a name that did not resolve: retried with the event, not within the call. */
const NETWORK_CODES = new Set([...CONNECTION_FAILURE_CODES, "ENOTFOUND", "EAI_AGAIN"]);

type AwsLikeError = Error & {
  code?: string;
  $fault?: "client" | "server";
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
};

/**
 * Translates a failed AWS call into RetryableError or PermanentError. A refusal of our own
 * permissions or credentials is never permanent: the effect waits for a function that may perform it.
 * An error that is neither an
 * AWS service error nor a network failure (a bug in our code) is returned unchanged.
 * AWS messages can quote the recipient ("...identities failed the check: a@b.com"), so the message
 * kept is redacted and the original error is not attached.
 */
export function translateAwsError(error: unknown, operation: string, rules: AwsErrorRules = {}): Error {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  if (!(error instanceof Error))
    return new RetryableError(`${operation} failed: ${redactPersonalData(String(error))}`, "unknown");
  const aws = error as AwsLikeError;
  const status = aws.$metadata?.httpStatusCode;
  const message = `${operation} failed: ${aws.name}${status ? ` (HTTP ${status})` : ""}: ${redactPersonalData(aws.message)}`;
  if (LOCAL_CONFIGURATION.has(aws.name)) return new RetryableError(message, aws.name);
  if (rules.permanent?.includes(aws.name)) return new PermanentError(message, aws.name);
  if (
    rules.retryable?.includes(aws.name) ||
    THROTTLING.has(aws.name) ||
    TRANSIENT_NAMES.has(aws.name) ||
    NETWORK_CODES.has(aws.code ?? "") ||
    aws.$retryable !== undefined ||
    aws.$fault === "server" ||
    status === 429 ||
    (status !== undefined && status >= 500)
  )
    return new RetryableError(message, aws.name);
  if (aws.$metadata !== undefined || aws.$fault === "client") return new PermanentError(message, aws.name);
  return error;
}

/** What a log line says of a failure: a RetryableError's or PermanentError's reason, else the error's name. */
export function errorReason(error: unknown): string {
  return (error as { reason?: string }).reason ?? (error as Error).name;
}

/** Whether an AWS error (or our translation of it) has this name, e.g. ConditionalCheckFailedException. */
export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

const EMAIL = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[A-Za-z]{2,}/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;

/** Messages that may reach logs: addresses and phone numbers masked. */
export function redactPersonalData(text: string): string {
  return text.replace(EMAIL, "<email>").replace(PHONE, "<phone>");
}

// One call to an AWS service's JSON protocol (a POST to `/`, the operation in X-Amz-Target) over
// node:http(s) with SigV4, with the SDK's standard retries, a bound per attempt and its error names.
// Shared by the functions' own clients (DynamoDB, Secrets Manager): the SDK's clients cost ~100 ms of
// CPU per cold start (docs/performance.md, the seventh cold-start round).
import { createHash, createHmac } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { CONNECTION_FAILURE_CODES } from "./errors.ts";

/** The request on the wire (what a transport sends) and the service's answer. */
export type WireRequest = { url: URL; headers: Record<string, string>; body: string };
export type WireResponse = { status: number; headers: Record<string, string | undefined>; body: string };
/** Sends one attempt; rejects on a network failure. `signal` aborts it (the attempt's timeout). */
export type Transport = (request: WireRequest, signal: AbortSignal) => Promise<WireResponse>;

export type ResponseMetadata = { httpStatusCode?: number; requestId?: string; attempts: number };
export type RawOutput = Record<string, unknown> & { $metadata: ResponseMetadata };
export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** What tells one JSON-protocol service from another. */
export type AwsJsonService = {
  /** SigV4's service name and the default endpoint's first label ("dynamodb", "secretsmanager"). */
  signingName: string;
  /** X-Amz-Target's prefix before the operation ("DynamoDB_20120810", "secretsmanager"). */
  targetPrefix: string;
  /** "application/x-amz-json-1.0" (DynamoDB) or "application/x-amz-json-1.1" (Secrets Manager). */
  contentType: string;
  /** The environment's endpoint for this service (AWS_ENDPOINT_URL_<SERVICE>), before AWS_ENDPOINT_URL. */
  endpointVariable: string;
  /** Parses an answer's body (DynamoDB's turns base64 binary values into bytes). Default JSON.parse. */
  parse?: (text: string) => unknown;
  /** Attempts per call, and one attempt's bound, when the config gives none. */
  maxAttempts: number;
  attemptTimeoutMs: number;
};

export type AwsJsonClientConfig = {
  /** Default: AWS_REGION. */
  region?: string;
  /** Default: the service's AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else its regional endpoint. */
  endpoint?: string;
  /** Default: the environment's (Lambda puts the role's there, with a session token). */
  credentials?: AwsCredentials;
  maxAttempts?: number;
  /** One attempt's bound: connecting and the service's whole answer. */
  attemptTimeoutMs?: number;
  /** Default: node:http(s) with keep-alive. */
  transport?: Transport;
  /** Default Math.random: the backoff's jitter. */
  random?: () => number;
  /** Default setTimeout: the wait before a retry. */
  sleep?: (ms: number) => Promise<void>;
};

/** The SDK's standard retry mode: backoff bases, its cap, and what it retries. */
const RETRY_BASE_MS = 100;
const THROTTLING_RETRY_BASE_MS = 500;
const MAX_RETRY_DELAY_MS = 20_000;
/**
 * The standard mode's retry quota, per client (so per Lambda container): a retry spends 5 tokens (10
 * after a timeout), a call that succeeds gives back what its retries spent (1 if none), up to 500. In an
 * outage the client stops retrying after about 100 failed retries, so its callers fail fast instead of
 * tripling the load on a service that is already failing.
 */
const RETRY_QUOTA = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const SUCCESS_REFILL = 1;
const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "LimitExceededException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "SlowDown",
  "PriorRequestNotComplete",
  "BandwidthLimitExceeded",
  "RequestThrottled",
]);
const TRANSIENT = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
]);

/** An error the service answered, as the SDK throws it: its name, message, fields and `$metadata`. */
export class AwsServiceError extends Error {
  $fault: "client" | "server";
  $metadata: ResponseMetadata;
  [field: string]: unknown;
  constructor(name: string, message: string, status: number, fields: Record<string, unknown>) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, attempts: 1 };
  }
}

/** Sends a service's operations: retries, timeouts, signing and kept-alive connections. */
export class AwsJsonClient {
  private readonly agents: { http?: HttpAgent; https?: HttpsAgent } = {};
  private readonly transport: Transport;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly parse: (text: string) => unknown;
  private retryTokens = RETRY_QUOTA;

  /** Attempts per call, and one attempt's bound. */
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;

  constructor(
    private readonly service: AwsJsonService,
    private readonly config: AwsJsonClientConfig,
  ) {
    this.maxAttempts = config.maxAttempts ?? service.maxAttempts;
    this.attemptTimeoutMs = config.attemptTimeoutMs ?? service.attemptTimeoutMs;
    this.transport = config.transport ?? ((request, signal) => this.overHttp(request, signal));
    this.random = config.random ?? Math.random;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.parse = service.parse ?? JSON.parse;
  }

  /** One operation with its retries: the parsed answer, `$metadata.attempts` counting them. */
  async call(operation: string, body: string): Promise<RawOutput> {
    let spent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.attempt(operation, body);
        output.$metadata.attempts = attempt;
        this.retryTokens = Math.min(RETRY_QUOTA, this.retryTokens + (spent || SUCCESS_REFILL));
        return output;
      } catch (error) {
        const retry = retryBase(error);
        if (error instanceof AwsServiceError) error.$metadata.attempts = attempt;
        const cost = (error as Error).name === "TimeoutError" ? TIMEOUT_RETRY_COST : RETRY_COST;
        if (retry === undefined || attempt >= this.maxAttempts || this.retryTokens < cost) throw error;
        this.retryTokens -= cost;
        spent = cost;
        // Full jitter, as the SDK's standard mode: up to base x 2^attempt, capped.
        await this.sleep(Math.floor(this.random() * Math.min(MAX_RETRY_DELAY_MS, retry * 2 ** attempt)));
      }
    }
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }

  get region(): string {
    return this.config.region ?? process.env.AWS_REGION ?? "us-east-1";
  }

  get endpoint(): string {
    return (
      this.config.endpoint ??
      process.env[this.service.endpointVariable] ??
      process.env.AWS_ENDPOINT_URL ??
      `https://${this.service.signingName}.${this.region}.amazonaws.com`
    );
  }

  private async attempt(operation: string, body: string): Promise<RawOutput> {
    const url = new URL(this.endpoint);
    const { signingName, targetPrefix, contentType } = this.service;
    const headers = signedJsonHeaders(
      { url, region: this.region, service: signingName, contentType },
      this.credentials(),
      `${targetPrefix}.${operation}`,
      body,
    );
    const abort = new AbortController();
    const timer = setTimeout(
      () =>
        abort.abort(
          Object.assign(new Error(`no answer within ${this.attemptTimeoutMs} ms`), { name: "TimeoutError" }),
        ),
      this.attemptTimeoutMs,
    );
    let response: WireResponse;
    try {
      response = await this.transport({ url, headers, body }, abort.signal);
    } finally {
      clearTimeout(timer);
    }
    const metadata: ResponseMetadata = {
      httpStatusCode: response.status,
      requestId: response.headers["x-amzn-requestid"],
      attempts: 1,
    };
    if (response.status === 200) {
      const output = this.parse(response.body) as RawOutput;
      output.$metadata = metadata;
      return output;
    }
    throw this.serviceError(response);
  }

  private credentials(): AwsCredentials {
    if (this.config.credentials) return this.config.credentials;
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
      throw Object.assign(new Error("no AWS credentials in the environment"), {
        name: "CredentialsProviderError",
      });
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      sessionToken: AWS_SESSION_TOKEN,
    };
  }

  /** The error body (`__type`: "com.amazonaws.dynamodb.v20120810#Name"), or the header's name. */
  private serviceError(response: WireResponse): AwsServiceError {
    let fields: Record<string, unknown> = {};
    try {
      fields = this.parse(response.body) as Record<string, unknown>;
    } catch {
      // A body that is not JSON (a proxy's page): the status and header name it.
    }
    const type = String(fields.__type ?? response.headers["x-amzn-errortype"] ?? "");
    const name =
      type.split("#").pop()?.split(":")[0] ||
      (response.status >= 500 ? "InternalServerError" : "UnknownError");
    const { __type, message, Message, ...rest } = fields;
    const error = new AwsServiceError(name, String(message ?? Message ?? name), response.status, rest);
    error.$metadata.requestId = response.headers["x-amzn-requestid"];
    return error;
  }

  private overHttp({ url, headers, body }: WireRequest, signal: AbortSignal): Promise<WireResponse> {
    const https = url.protocol === "https:";
    if (https) this.agents.https ??= new HttpsAgent({ keepAlive: true });
    else this.agents.http ??= new HttpAgent({ keepAlive: true });
    const agent = https ? this.agents.https : this.agents.http;
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: "POST",
          headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
          agent,
          signal,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => reject(signal.aborted ? signal.reason : error));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers as Record<string, string | undefined>,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      // An abort rejects with the signal's reason (TimeoutError), not Node's AbortError.
      request.on("error", (error) => reject(signal.aborted ? signal.reason : error));
      request.end(body);
    });
  }
}

/** The backoff base when this failure is worth another attempt, else undefined. */
function retryBase(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  if (THROTTLING.has(error.name)) return THROTTLING_RETRY_BASE_MS;
  const status = error instanceof AwsServiceError ? error.$metadata.httpStatusCode : undefined;
  const code = (error as { code?: string }).code;
  if (
    TRANSIENT.has(error.name) ||
    (status !== undefined && status >= 500) ||
    CONNECTION_FAILURE_CODES.has(code ?? "")
  )
    return RETRY_BASE_MS;
  return undefined;
}

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");

/** Signature Version 4 of a JSON-protocol POST to `/` (the protocol's only path, no query). */
export function signedJsonHeaders(
  to: { url: URL; region: string; service: string; contentType: string },
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  target: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const { url, region, service } = to;
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    "content-type": to.contentType,
    host: url.host,
    "x-amz-content-sha256": sha256(body),
    "x-amz-date": amzDate,
    "x-amz-target": target,
  };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    "POST",
    url.pathname || "/",
    "",
    // SigV4's canonical header values: trimmed, inner runs of spaces as one.
    ...names.map((name) => `${name}:${headers[name]!.trim().replace(/ +/g, " ")}`),
    "",
    names.join(";"),
    headers["x-amz-content-sha256"],
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service),
    "aws4_request",
  );
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${names.join(";")}, Signature=${hmac(key, stringToSign).toString("hex")}`;
  return headers;
}

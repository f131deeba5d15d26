// The DynamoDB client of every adapter (Lambda, engage dev, tests, bench): the calls the runtime makes,
// with lib-dynamodb's input and output shapes (plain values, marshalled by @aws-sdk/util-dynamodb), sent
// as DynamoDB's JSON protocol over node:http(s) with SigV4. The SDK's DocumentClient cost ~100 ms of CPU
// per cold start (compiling @smithy/core and the client, building its middleware and schemas); this is
// what the runtime uses of it (docs/performance.md, the seventh cold-start round).
import { createHash, createHmac } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import {
  DYNAMODB_MAX_ATTEMPTS,
  DYNAMODB_REQUEST_TIMEOUT_MS,
  SDK_CONNECTION_TIMEOUT_MS,
} from "./sdk-client-settings.ts";

type Operations = {
  GetItem: [GetCommandInput, GetCommandOutput];
  PutItem: [PutCommandInput, PutCommandOutput];
  UpdateItem: [UpdateCommandInput, UpdateCommandOutput];
  Query: [QueryCommandInput, QueryCommandOutput];
  Scan: [ScanCommandInput, ScanCommandOutput];
  BatchGetItem: [BatchGetCommandInput, BatchGetCommandOutput];
  BatchWriteItem: [BatchWriteCommandInput, BatchWriteCommandOutput];
};
type Operation = keyof Operations;

/** A call, named as lib-dynamodb names it: `client.send(new GetCommand({ ... }))`. */
export abstract class DocumentCommand<Op extends Operation> {
  abstract readonly operation: Op;
  constructor(readonly input: Operations[Op][0]) {}
}
export class GetCommand extends DocumentCommand<"GetItem"> {
  readonly operation = "GetItem";
}
export class PutCommand extends DocumentCommand<"PutItem"> {
  readonly operation = "PutItem";
}
export class UpdateCommand extends DocumentCommand<"UpdateItem"> {
  readonly operation = "UpdateItem";
}
export class QueryCommand extends DocumentCommand<"Query"> {
  readonly operation = "Query";
}
export class ScanCommand extends DocumentCommand<"Scan"> {
  readonly operation = "Scan";
}
export class BatchGetCommand extends DocumentCommand<"BatchGetItem"> {
  readonly operation = "BatchGetItem";
}
export class BatchWriteCommand extends DocumentCommand<"BatchWriteItem"> {
  readonly operation = "BatchWriteItem";
}
export type {
  BatchGetCommandOutput,
  BatchWriteCommandOutput,
  GetCommandOutput,
  PutCommandOutput,
  QueryCommandOutput,
  ScanCommandOutput,
  UpdateCommandOutput,
};

/** The request on the wire (what a transport sends) and DynamoDB's answer. */
export type WireRequest = { url: URL; headers: Record<string, string>; body: string };
export type WireResponse = { status: number; headers: Record<string, string | undefined>; body: string };
/** Sends one attempt; rejects on a network failure. `signal` aborts it (the attempt's timeout). */
export type Transport = (request: WireRequest, signal: AbortSignal) => Promise<WireResponse>;

/**
 * Hooks in the AWS SDK's middleware form, so the capacity counters, the chaos harness and engage dev
 * see what they saw on the SDK's DynamoDBClient: the low-level input (attribute values marshalled)
 * and output, `context.commandName` such as "PutItemCommand", once per call (around its retries).
 */
type RawOutput = Record<string, unknown> & { $metadata: ResponseMetadata };
export type Middleware = (
  next: (args: { input: Record<string, unknown> }) => Promise<{ output: RawOutput }>,
  context: { commandName: string },
) => (args: { input: Record<string, unknown> }) => Promise<{ output: RawOutput }>;
type ResponseMetadata = { httpStatusCode?: number; requestId?: string; attempts: number };

export type DynamoDbDocumentsConfig = {
  /** Default: AWS_REGION. */
  region?: string;
  /** Default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, else DynamoDB's regional endpoint. */
  endpoint?: string;
  /** Default: the environment's (Lambda puts the role's there, with a session token). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
  /** One attempt's bound: connecting and DynamoDB's whole answer. */
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
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** An error DynamoDB answered, as the SDK throws it: its name, message, fields and `$metadata`. */
export class DynamoDbServiceError extends Error {
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

export class DynamoDbDocuments {
  private readonly stack: { name: string; step: number; middleware: Middleware }[] = [];
  private readonly agents: { http?: HttpAgent; https?: HttpsAgent } = {};
  /** Attempts per call, and one attempt's bound (exposed for the test that checks every client's limits). */
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  private readonly transport: Transport;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly config: DynamoDbDocumentsConfig = {}) {
    this.maxAttempts = config.maxAttempts ?? DYNAMODB_MAX_ATTEMPTS;
    this.attemptTimeoutMs =
      config.attemptTimeoutMs ?? SDK_CONNECTION_TIMEOUT_MS + DYNAMODB_REQUEST_TIMEOUT_MS;
    this.transport = config.transport ?? ((request, signal) => this.overHttp(request, signal));
    this.random = config.random ?? Math.random;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The SDK's middleware stack, as far as its users here need it (add by name, remove by name). */
  readonly middlewareStack = {
    add: (middleware: Middleware, options: { name: string; step?: string; override?: boolean }) => {
      const existing = this.stack.findIndex((entry) => entry.name === options.name);
      if (existing >= 0) {
        if (!options.override) throw new Error(`middleware ${options.name} is already added`);
        this.stack.splice(existing, 1);
      }
      this.stack.push({ name: options.name, step: STEPS.indexOf(options.step ?? "initialize"), middleware });
      this.stack.sort((a, b) => a.step - b.step);
    },
    remove: (name: string): boolean => {
      const index = this.stack.findIndex((entry) => entry.name === name);
      if (index >= 0) this.stack.splice(index, 1);
      return index >= 0;
    },
  };

  async send<Command extends DocumentCommand<Operation>>(
    command: Command,
  ): Promise<Operations[Command["operation"]][1]> {
    const { operation } = command;
    const input = marshallInput(operation, command.input as Record<string, unknown>);
    let call = (args: { input: Record<string, unknown> }) => this.withRetries(operation, args.input);
    for (const { middleware } of [...this.stack].reverse())
      call = middleware(call, { commandName: `${operation}Command` });
    const { output } = await call({ input });
    return unmarshallOutput(operation, output) as Operations[Command["operation"]][1];
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }

  private async withRetries(
    operation: Operation,
    input: Record<string, unknown>,
  ): Promise<{ output: RawOutput }> {
    const body = JSON.stringify(input, bytesAsBase64);
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.attempt(operation, body);
        output.$metadata.attempts = attempt;
        return { output };
      } catch (error) {
        const retry = retryBase(error);
        if (error instanceof DynamoDbServiceError) error.$metadata.attempts = attempt;
        if (retry === undefined || attempt >= this.maxAttempts) throw error;
        // Full jitter, as the SDK's standard mode: up to base x 2^attempt, capped.
        await this.sleep(Math.floor(this.random() * Math.min(MAX_RETRY_DELAY_MS, retry * 2 ** attempt)));
      }
    }
  }

  private async attempt(operation: Operation, body: string): Promise<RawOutput> {
    const region = this.region;
    const url = new URL(this.endpoint);
    const headers = signedHeaders(url, region, this.credentials(), `DynamoDB_20120810.${operation}`, body);
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
      const output = parseJson(response.body) as RawOutput;
      output.$metadata = metadata;
      return output;
    }
    throw serviceError(response);
  }

  get region(): string {
    return this.config.region ?? process.env.AWS_REGION ?? "us-east-1";
  }

  get endpoint(): string {
    return (
      this.config.endpoint ??
      process.env.AWS_ENDPOINT_URL_DYNAMODB ??
      process.env.AWS_ENDPOINT_URL ??
      `https://dynamodb.${this.region}.amazonaws.com`
    );
  }

  private credentials() {
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

const STEPS = ["initialize", "serialize", "build", "finalizeRequest", "deserialize"];

/** The backoff base when this failure is worth another attempt, else undefined. */
function retryBase(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  if (THROTTLING.has(error.name)) return THROTTLING_RETRY_BASE_MS;
  const status = error instanceof DynamoDbServiceError ? error.$metadata.httpStatusCode : undefined;
  const code = (error as { code?: string }).code;
  if (TRANSIENT.has(error.name) || (status !== undefined && status >= 500) || NETWORK_CODES.has(code ?? ""))
    return RETRY_BASE_MS;
  return undefined;
}

/** DynamoDB's error body (`__type`: "com.amazonaws.dynamodb.v20120810#Name"), or the header's name. */
function serviceError(response: WireResponse): DynamoDbServiceError {
  let fields: Record<string, unknown> = {};
  try {
    fields = parseJson(response.body) as Record<string, unknown>;
  } catch {
    // A body that is not JSON (a proxy's page): the status and header name it.
  }
  const type = String(fields.__type ?? response.headers["x-amzn-errortype"] ?? "");
  const name =
    type.split("#").pop()?.split(":")[0] || (response.status >= 500 ? "InternalServerError" : "UnknownError");
  const { __type, message, Message, ...rest } = fields;
  const error = new DynamoDbServiceError(name, String(message ?? Message ?? name), response.status, rest);
  error.$metadata.requestId = response.headers["x-amzn-requestid"];
  return error;
}

/**
 * Binary attribute values as base64, DynamoDB's JSON form. Read from the holder: JSON.stringify hands a
 * Buffer's toJSON() ({ type, data }) to the replacer, not the Buffer.
 */
function bytesAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array
    ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64")
    : value;
}

/** DynamoDB JSON with its binary values (base64 under B and BS) as bytes, as the SDK gives them. */
function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value) => {
    if (key === "B" && typeof value === "string") return fromBase64(value);
    if (key === "BS" && Array.isArray(value) && value.every((each) => typeof each === "string"))
      return value.map(fromBase64);
    return value;
  });
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** As the runtime's DocumentClient marshalled: undefined values left out. */
const MARSHALL = { removeUndefinedValues: true } as const;
const toAttributes = (value: unknown) =>
  value === undefined ? undefined : marshall(value as never, MARSHALL);
const fromAttributes = (value: unknown) => (value === undefined ? undefined : unmarshall(value as never));
const mapValues = (
  record: Record<string, unknown> | undefined,
  map: (value: never) => unknown,
): Record<string, unknown> | undefined =>
  record === undefined
    ? undefined
    : Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as never)]));

function withFields(
  object: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...object };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

/** lib-dynamodb's marshalling of the fields that hold attribute values, per operation. */
function marshallInput(operation: Operation, input: Record<string, unknown>): Record<string, unknown> {
  const values = { ExpressionAttributeValues: toAttributes(input.ExpressionAttributeValues) };
  switch (operation) {
    case "GetItem":
      return withFields(input, { Key: toAttributes(input.Key) });
    case "PutItem":
      return withFields(input, { Item: toAttributes(input.Item), ...values });
    case "UpdateItem":
      return withFields(input, { Key: toAttributes(input.Key), ...values });
    case "Query":
    case "Scan":
      return withFields(input, { ExclusiveStartKey: toAttributes(input.ExclusiveStartKey), ...values });
    case "BatchGetItem":
      return withFields(input, {
        RequestItems: mapValues(
          input.RequestItems as Record<string, unknown>,
          (request: { Keys?: unknown[] }) => ({
            ...(request as object),
            Keys: request.Keys?.map(toAttributes),
          }),
        ),
      });
    case "BatchWriteItem":
      return withFields(input, {
        RequestItems: mapValues(input.RequestItems as Record<string, unknown>, (requests: WriteRequest[]) =>
          requests.map(marshallWriteRequest),
        ),
      });
  }
}

type WriteRequest = { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };
const marshallWriteRequest = (request: WriteRequest): WriteRequest => ({
  ...(request.PutRequest
    ? { PutRequest: { ...request.PutRequest, Item: toAttributes(request.PutRequest.Item) } }
    : {}),
  ...(request.DeleteRequest
    ? { DeleteRequest: { ...request.DeleteRequest, Key: toAttributes(request.DeleteRequest.Key) } }
    : {}),
});
const unmarshallWriteRequest = (request: WriteRequest): WriteRequest => ({
  ...(request.PutRequest
    ? { PutRequest: { ...request.PutRequest, Item: fromAttributes(request.PutRequest.Item) } }
    : {}),
  ...(request.DeleteRequest
    ? { DeleteRequest: { ...request.DeleteRequest, Key: fromAttributes(request.DeleteRequest.Key) } }
    : {}),
});

/** lib-dynamodb's unmarshalling of the answer's attribute values. */
function unmarshallOutput(operation: Operation, output: RawOutput): Record<string, unknown> {
  switch (operation) {
    case "GetItem":
      return withFields(output, { Item: fromAttributes(output.Item) });
    case "PutItem":
    case "UpdateItem":
      return withFields(output, { Attributes: fromAttributes(output.Attributes) });
    case "Query":
    case "Scan":
      return withFields(output, {
        Items: (output.Items as unknown[] | undefined)?.map(fromAttributes),
        LastEvaluatedKey: fromAttributes(output.LastEvaluatedKey),
      });
    case "BatchGetItem":
      return withFields(output, {
        Responses: mapValues(output.Responses as Record<string, unknown>, (items: unknown[]) =>
          items.map(fromAttributes),
        ),
        UnprocessedKeys: mapValues(
          output.UnprocessedKeys as Record<string, unknown>,
          (request: { Keys?: unknown[] }) => ({
            ...(request as object),
            Keys: request.Keys?.map(fromAttributes),
          }),
        ),
      });
    case "BatchWriteItem":
      return withFields(output, {
        UnprocessedItems: mapValues(
          output.UnprocessedItems as Record<string, unknown>,
          (requests: WriteRequest[]) => requests.map(unmarshallWriteRequest),
        ),
      });
  }
}

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");

/** Signature Version 4 of a DynamoDB POST to `/` (the JSON protocol's only path, no query). */
export function signedHeaders(
  url: URL,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  target: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
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
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), "dynamodb"),
    "aws4_request",
  );
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${names.join(";")}, Signature=${hmac(key, stringToSign).toString("hex")}`;
  return headers;
}

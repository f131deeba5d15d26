// The DynamoDB client of every adapter (Lambda, engage dev, tests, bench): the calls the runtime makes,
// with lib-dynamodb's input and output shapes (plain values, marshalled by @aws-sdk/util-dynamodb), sent
// as DynamoDB's JSON protocol over node:http(s) with SigV4. The SDK's DocumentClient cost ~100 ms of CPU
// per cold start (compiling @smithy/core and the client, building its middleware and schemas); this is
// what the runtime uses of it (docs/performance.md, the seventh cold-start round).
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
  AwsJsonClient,
  type AwsJsonClientConfig,
  AwsServiceError,
  type RawOutput,
  signedJsonHeaders,
} from "./aws-json-request.ts";
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

export type { Transport, WireRequest, WireResponse } from "./aws-json-request.ts";
export type {
  BatchGetCommandOutput,
  BatchWriteCommandOutput,
  GetCommandOutput,
  PutCommandOutput,
  QueryCommandOutput,
  ScanCommandOutput,
  UpdateCommandOutput,
};
/** An error DynamoDB answered, as the SDK throws it (aws-json-request.ts). */
export { AwsServiceError as DynamoDbServiceError };

/**
 * Hooks in the AWS SDK's middleware form, so the capacity counters, the chaos harness and engage dev
 * see what they saw on the SDK's DynamoDBClient: the low-level input (attribute values marshalled)
 * and output, `context.commandName` such as "PutItemCommand", once per call (around its retries).
 */
export type Middleware = (
  next: (args: { input: Record<string, unknown> }) => Promise<{ output: RawOutput }>,
  context: { commandName: string },
) => (args: { input: Record<string, unknown> }) => Promise<{ output: RawOutput }>;
export type DynamoDbDocumentsConfig = AwsJsonClientConfig;

const DYNAMODB = {
  signingName: "dynamodb",
  targetPrefix: "DynamoDB_20120810",
  contentType: "application/x-amz-json-1.0",
  endpointVariable: "AWS_ENDPOINT_URL_DYNAMODB",
  parse: parseJson,
  maxAttempts: DYNAMODB_MAX_ATTEMPTS,
  attemptTimeoutMs: SDK_CONNECTION_TIMEOUT_MS + DYNAMODB_REQUEST_TIMEOUT_MS,
};

export class DynamoDbDocuments {
  private readonly stack: { name: string; step: number; middleware: Middleware }[] = [];
  private readonly client: AwsJsonClient;

  constructor(config: DynamoDbDocumentsConfig = {}) {
    this.client = new AwsJsonClient(DYNAMODB, config);
  }

  /** Attempts per call, and one attempt's bound (exposed for the test that checks every client's limits). */
  get maxAttempts(): number {
    return this.client.maxAttempts;
  }

  get attemptTimeoutMs(): number {
    return this.client.attemptTimeoutMs;
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
    let call = async (args: { input: Record<string, unknown> }) => ({
      output: await this.client.call(operation, JSON.stringify(args.input, bytesAsBase64)),
    });
    for (const { middleware } of [...this.stack].reverse())
      call = middleware(call, { commandName: `${operation}Command` });
    const { output } = await call({ input });
    return unmarshallOutput(operation, output) as Operations[Command["operation"]][1];
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.client.destroy();
  }

  get region(): string {
    return this.client.region;
  }

  get endpoint(): string {
    return this.client.endpoint;
  }
}

const STEPS = ["initialize", "serialize", "build", "finalizeRequest", "deserialize"];

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

/** Signature Version 4 of a DynamoDB POST to `/` (the JSON protocol's only path, no query). */
export function signedHeaders(
  url: URL,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  target: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const to = { url, region, service: DYNAMODB.signingName, contentType: DYNAMODB.contentType };
  return signedJsonHeaders(to, credentials, target, body, now);
}

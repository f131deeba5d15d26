// The AWS APIs engage dev answers on its one port, enough for the real SDK clients and the AWS CLI:
// the JSON protocols (X-Amz-Target: AWSEvents.PutEvents, AWSStepFunctions.StartExecution,
// secretsmanager.GetSecretValue) and SNS Publish (query protocol, XML answer).
import type { IncomingMessage, ServerResponse } from "node:http";

/** An AWS error as the JSON protocol carries it; the SDK maps `__type` to its exception class. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type JsonOperations = Record<string, (body: unknown) => Promise<unknown>>;
export type SnsPublish = (params: URLSearchParams) => Promise<string>;

const MAX_BODY_BYTES = 1024 * 1024;

/** True when the request was an AWS API call (answered); false leaves it to the page. */
export async function handleAwsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  operations: JsonOperations,
  snsPublish: SnsPublish,
): Promise<boolean> {
  if (req.method !== "POST") return false;
  const target = req.headers["x-amz-target"];
  const contentType = String(req.headers["content-type"] ?? "");
  const isSns = contentType.startsWith("application/x-www-form-urlencoded");
  if (typeof target !== "string" && !isSns) return false;
  const body = await readBody(req);
  if (body === undefined) {
    sendJson(res, 413, contentType, { __type: "ValidationException", message: "Request body too large" });
    return true;
  }
  if (typeof target === "string") {
    const operation = operations[target];
    if (!operation) {
      sendJson(res, 400, contentType, { __type: "UnknownOperationException", message: target });
      return true;
    }
    try {
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
      } catch {
        throw new AwsError("SerializationException", "The request body is not valid JSON.");
      }
      sendJson(res, 200, contentType, await operation(input));
    } catch (error) {
      const aws = error instanceof AwsError ? error : new AwsError("InternalFailure", String(error), 500);
      sendJson(res, aws.status, contentType, { __type: aws.type, message: aws.message });
    }
    return true;
  }
  const params = new URLSearchParams(body.toString("utf8"));
  if (params.get("Action") !== "Publish") {
    res.writeHead(400, { "content-type": "text/xml" });
    res.end(queryError("InvalidAction", `not supported locally: ${params.get("Action")}`));
    return true;
  }
  try {
    const messageId = await snsPublish(params);
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${messageId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  } catch (error) {
    res.writeHead(400, { "content-type": "text/xml" });
    res.end(queryError("InvalidParameter", (error as Error).message));
  }
  return true;
}

function sendJson(res: ServerResponse, status: number, contentType: string, body: unknown): void {
  res.writeHead(status, {
    "content-type": contentType.startsWith("application/x-amz-json")
      ? contentType
      : "application/x-amz-json-1.1",
  });
  res.end(JSON.stringify(body));
}

function queryError(code: string, message: string): string {
  const escaped = message.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
  return `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escaped}</Message></Error><RequestId>local</RequestId></ErrorResponse>`;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

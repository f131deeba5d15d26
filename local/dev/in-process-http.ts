// The runtime's own SDK clients reach its stand-ins (dynalite, this server's AWS answers) without a
// socket: their request handler gives each signed request to the stand-in's Node request listener in
// this process. The SDK still serializes, signs and parses every call and the stand-in still checks
// and answers it as over HTTP; only the loopback round trip (half of a DynamoDB call's time) is gone.
// Apps and the AWS CLI still come over HTTP.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { HttpRequest, HttpResponse, RequestHandler } from "@smithy/types";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Give it to an SDK client as `requestHandler` (its endpoint then only names the host). Once a
 * client using it is destroyed (the runtime stopping), calls fail as a refused connection would,
 * rather than reach a stand-in whose store is closed.
 */
export function inProcessRequestHandler(
  listener: RequestListener,
): RequestHandler<HttpRequest, HttpResponse> & { drained(): Promise<void> } {
  let destroyed = false;
  const pending = new Set<Promise<unknown>>();
  return {
    destroy: () => {
      destroyed = true;
    },
    /** Resolves once every call handed to the stand-in has its answer: its store can then close. */
    drained: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    handle: (request) => {
      const call = new Promise<{ response: HttpResponse }>((resolve, reject) => {
        if (destroyed) {
          const refused = new Error("connect ECONNREFUSED (engage dev stopped)");
          reject(Object.assign(refused, { code: "ECONNREFUSED" }));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
        const query = new URLSearchParams(request.query as Record<string, string>).toString();
        const body = bodyBytes(request.body);
        const req = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
          method: request.method,
          url: query ? `${request.path}?${query}` : request.path,
          headers,
        });
        const res = new InProcessResponse((response) => resolve({ response }));
        try {
          listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        } catch (error) {
          reject(error);
        }
      });
      pending.add(call);
      const forget = () => pending.delete(call);
      call.then(forget, forget);
      return call;
    },
  };
}

/** The SDK's JSON body is a Uint8Array (a string-like one: Buffer.from(it) would stringify it first). */
function bodyBytes(body: unknown): Buffer {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(typeof body === "string" ? body : "");
}

/** The part of http.ServerResponse the stand-ins use. */
class InProcessResponse {
  statusCode = 200;
  headersSent = false;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly done: (response: HttpResponse) => void) {}

  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  end(body?: string | Buffer): void {
    this.headersSent = true;
    this.done({
      statusCode: this.statusCode,
      headers: this.headers,
      body: Readable.from(body && body.length > 0 ? [Buffer.from(body)] : []),
    });
  }
}

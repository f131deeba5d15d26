import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { sdkClientSettings } from "../../functions/adapters/sdk-client-settings.ts";

/** An HTTP endpoint that takes every request and never answers: a provider that hangs. */
async function silentEndpoint(): Promise<{ url: string; close(): void }> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

type SdkClientConfig = ReturnType<typeof sdkClientSettings> & {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

/**
 * For the enclosing describe: an SDK client, with the adapters' settings, on a silent endpoint started
 * before its tests and stopped, with the client, after them. Read the client inside a test.
 */
export function clientOnSilentEndpoint<C extends { destroy(): void }>(
  make: (config: SdkClientConfig) => C,
): () => C {
  let silent: { url: string; close(): void } | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    silent = await silentEndpoint();
    client = make({
      ...sdkClientSettings(),
      endpoint: silent.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  });
  afterAll(() => {
    client?.destroy();
    silent?.close();
  });
  return () => {
    if (!client) throw new Error("the silent endpoint's client is made in beforeAll");
    return client;
  };
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP endpoint that takes every request and never answers: a provider that hangs. */
export async function silentEndpoint(): Promise<{ url: string; close(): void }> {
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

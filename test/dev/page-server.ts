import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handlePageRequest } from "../../local/dev/page/handler.ts";
import type { DevView } from "../../local/dev/view.ts";

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** The page on a free local port, as the runtime serves it; anything not the page's gets a 404 "not the page". */
export async function startPageServer(view: DevView): Promise<PageServer> {
  const server = createServer((req, res) => {
    handlePageRequest(req, res, view).then((handled) => {
      if (handled) return;
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not the page");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // the change stream stays open otherwise
        server.close(() => resolve());
      }),
  };
}

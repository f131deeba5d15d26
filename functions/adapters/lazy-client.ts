/**
 * An SDK client created on its first use (its first `send`): a cold start builds only the clients its
 * first call needs, and a function builds none it never calls (ingest rarely needs Secrets Manager).
 */
export function lazyClient<Client extends object>(create: () => Client): Client {
  let client: Client | undefined;
  return new Proxy({} as Client, {
    get(_placeholder, property) {
      client ??= create();
      const value: unknown = Reflect.get(client, property, client);
      // Methods run on the real client (its private fields are not reachable through the proxy).
      return typeof value === "function" ? value.bind(client) : value;
    },
  });
}

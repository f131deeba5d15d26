/**
 * An object whose methods are all async, built on the first call of one of them by `build` (which may
 * import() its module then): the bundles leave such modules out of what a cold start compiles. Every
 * call waits for the one build; a failed build fails that call and the next call tries again.
 */
export function loadedOnFirstCall<Adapter extends object>(build: () => Promise<Adapter>): Adapter {
  let built: Promise<Adapter> | undefined;
  const adapter = () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
  return new Proxy({} as Adapter, {
    get: (_placeholder, method) =>
      // Not a thenable: `await` on the object itself gives the object.
      method === "then"
        ? undefined
        : async (...args: unknown[]) => {
            const real = await adapter();
            return (Reflect.get(real, method, real) as (...args: unknown[]) => unknown).apply(real, args);
          },
  });
}

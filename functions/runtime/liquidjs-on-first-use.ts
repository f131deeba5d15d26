// What `liquidjs` is in the Lambda bundles (infra/constructs/lambda-bundle.ts aliases the package to
// this file): the package itself is a CommonJS file of its own beside index.mjs, required by the first
// Liquid engine made. The core renders synchronously, so import() would not do; a cold start that
// renders nothing (most first calls reach DynamoDB first, many decide no message) does not compile
// liquidjs's ~80 KiB. Tests and local runs do not bundle, and import liquidjs itself.
import { createRequire } from "node:module";
import type * as Liquidjs from "liquidjs";

/** The file, beside the bundle's chunks, that holds liquidjs (written at bundling). */
export const LIQUIDJS_FILE = "liquidjs.cjs";

let liquidjs: typeof Liquidjs | undefined;

/** The core's only use of liquidjs's values: `new Liquid(options)`, made on first use (templates.ts). */
export const Liquid = function Liquid(options?: Liquidjs.LiquidOptions) {
  liquidjs ??= createRequire(import.meta.url)(`./${LIQUIDJS_FILE}`) as typeof Liquidjs;
  return new liquidjs.Liquid(options);
} as unknown as typeof Liquidjs.Liquid;

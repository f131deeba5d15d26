import { customerSignedUp, orderShipped } from "../support/events.ts";
import type { HandlerRuntime } from "./handler-runtime.ts";

/** A customer with an email signs up, then an order ships: post-purchase starts its journey. */
export async function signUpAndShip(runtime: HandlerRuntime, customerId: string, shippedAt: string) {
  runtime.clock.now = Date.parse("2026-03-01T08:00:00Z");
  await runtime.ingest({
    ...customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email: `${customerId}@example.com` }),
    id: `${customerId}-e1`,
  });
  runtime.clock.now = Date.parse(shippedAt);
  await runtime.ingest({ ...orderShipped(customerId, shippedAt), id: `${customerId}-e2` });
}

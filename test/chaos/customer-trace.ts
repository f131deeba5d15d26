/**
 * `CHAOS_TRACE_CUSTOMERS=c-0984,c-1042`: prints, with virtual time, what the harness does for those
 * customers (deliveries, sweeps, invocations, state writes and their faults, sends, crashes, Steps),
 * so a finding of a long seeded run can be traced in the run that reproduces it. Ids only: no
 * addresses or names are printed.
 */
export type CustomerTrace = (customerId: string | undefined, text: string) => void;

export function customerTrace(label: string, now: () => number, list = process.env.CHAOS_TRACE_CUSTOMERS) {
  const traced = new Set((list ?? "").split(",").filter((id) => id.length > 0));
  const trace: CustomerTrace = (customerId, text) => {
    if (customerId === undefined || !traced.has(customerId)) return;
    console.log(`trace ${label} ${new Date(now()).toISOString()} ${customerId} ${text}`);
  };
  return {
    traced: (customerId: string | undefined) => customerId !== undefined && traced.has(customerId),
    trace,
  };
}

/** The outbox of a stored state as `id@claimedAt` (ISO seconds; 0 when released), for the trace. */
export function outboxOf(json: string): string {
  try {
    const state = JSON.parse(json) as { outbox?: { id: string; claimedAt: number; notBefore?: number }[] };
    return (state.outbox ?? [])
      .map(
        (entry) =>
          `${entry.id}@${at(entry.claimedAt)}${entry.notBefore ? ` notBefore ${at(entry.notBefore)}` : ""}`,
      )
      .join(", ");
  } catch {
    return "(unreadable)";
  }
}

const at = (ms: number) => (ms === 0 ? "0" : new Date(ms).toISOString().slice(11, 19));

import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";

/** One event as the JSON Lines streams hold it (an EventBridge envelope). */
type EnvelopeLine = { source?: string; "detail-type"?: string; time?: string; detail?: unknown };

export const PUT_EVENTS_BATCH = 10;

/** The PutEvents entry an app would send for this envelope (its time kept, so a replay is faithful). */
export function entryOf(line: string): PutEventsRequestEntry {
  const envelope = JSON.parse(line) as EnvelopeLine;
  return {
    Source: envelope.source,
    DetailType: envelope["detail-type"],
    Detail: JSON.stringify(envelope.detail),
    ...(envelope.time ? { Time: new Date(envelope.time) } : {}),
    EventBusName: "engage",
  };
}

export function localEventBridgeClient(url: string): EventBridgeClient {
  return new EventBridgeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/**
 * Sends JSON Lines events to a PutEvents endpoint with the real EventBridge client, in batches of
 * 10, in order; `onBatch` runs after each answer. Returns the entries that failed, with their codes.
 */
export async function replayLines(
  client: EventBridgeClient,
  lines: readonly string[],
  onBatch?: (sent: number) => Promise<void> | void,
): Promise<{ sent: number; failed: (PutEventsResultEntry & { line: number })[] }> {
  const failed: (PutEventsResultEntry & { line: number })[] = [];
  for (let i = 0; i < lines.length; i += PUT_EVENTS_BATCH) {
    const batch = lines.slice(i, i + PUT_EVENTS_BATCH);
    const output = await client.send(new PutEventsCommand({ Entries: batch.map(entryOf) }));
    (output.Entries ?? []).forEach((entry, j) => {
      if (entry.ErrorCode) failed.push({ ...entry, line: i + j + 1 });
    });
    await onBatch?.(i + batch.length);
  }
  return { sent: lines.length, failed };
}

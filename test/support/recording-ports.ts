import type { MessageEntry } from "../../functions/runtime/claim-effects.ts";
import type { EffectPorts } from "../../functions/runtime/effect-ports.ts";
import type { RuntimeLog } from "../../functions/runtime/runtime-log.ts";

type Failure = Error | "hang";

export type RecordedDelivery = { customerId: string; id: string; campaign: string; step: string; to: string };

/** What a test records of one delivery of a message entry. */
export const recordedDelivery = (customerId: string, message: MessageEntry): RecordedDelivery => ({
  customerId,
  id: message.id,
  campaign: message.campaign,
  step: message.step,
  to: message.to,
});

/**
 * EffectPorts that record what they are asked to do. `failNext.deliver` lists what the next
 * deliveries do instead of succeeding (an error to throw, or "hang": never settle, as a Lambda
 * that timed out mid-call); `delayMs` makes every call take that long (real time), so a concurrent
 * run can overtake it.
 */
export function recordingPorts(options: { delayMs?: number } = {}) {
  const delivered: RecordedDelivery[] = [];
  const attempts: RecordedDelivery[] = [];
  const started: { customerId: string; journeyId: string; generation?: number }[] = [];
  const interest: { customerId: string; productIds: string[] }[] = [];
  const stopped: { customerId: string; journeyId: string; generation?: number }[] = [];
  const failNext: { deliver: Failure[]; startJourney: Failure[]; stopJourney: Failure[] } = {
    deliver: [],
    startJourney: [],
    stopJourney: [],
  };
  const pause = async () => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  };
  const act = async (queue: Failure[]) => {
    await pause();
    const failure = queue.shift();
    if (failure === "hang") await new Promise<never>(() => {});
    if (failure) throw failure;
  };
  const ports: EffectPorts = {
    async deliver(customerId, message: MessageEntry) {
      const record = recordedDelivery(customerId, message);
      attempts.push(record);
      await act(failNext.deliver);
      delivered.push(record);
    },
    async startJourney(customerId, { journeyId, generation }) {
      await act(failNext.startJourney);
      started.push({ customerId, journeyId, ...(generation !== undefined ? { generation } : {}) });
    },
    async stopJourney(customerId, journeyId, generation) {
      await act(failNext.stopJourney);
      stopped.push({ customerId, journeyId, ...(generation !== undefined ? { generation } : {}) });
    },
    async recordInterest(customerId, productIds) {
      await pause();
      interest.push({ customerId, productIds });
    },
  };
  return { ports, delivered, attempts, started, interest, stopped, failNext };
}

export type LogLine = { level: "info" | "warn" | "error"; message: string; fields?: Record<string, unknown> };

/** A RuntimeLog that keeps its lines for assertions. */
export function recordingLog(): RuntimeLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** The little the runtime logs: an event name and fields without personal data (ids, reasons, counts). */
export type RuntimeLog = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

export const silentLog: RuntimeLog = { info() {}, warn() {}, error() {} };

/** The engine's own events on the bus (for analytics): their source and detail-types. No SDK here. */
export const AUDIT_SOURCE = "engage";

export const AUDIT_EVENT_TYPES = [
  "message.sent",
  "message.suppressed",
  "journey.started",
  "journey.exited",
  "journey.completed",
  "journey.failed",
  "journey.stopped",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

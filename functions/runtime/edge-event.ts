import { describeProblems, type EngineEvent, parseEnvelope } from "../core/events/envelope.ts";

/** What a handler reports of an event it will not run: an unknown type, or a bad envelope or detail. */
export type NotRun =
  | { outcome: "ignored"; id: string; detailType: string }
  | { outcome: "rejected"; id: string | undefined; detailType: string | undefined; problems: string };

/** An envelope at a function's edge: the event to run, or what to report instead (never thrown). */
export function eventAtEdge(envelope: unknown): { event: EngineEvent } | { notRun: NotRun } {
  const parsed = parseEnvelope(envelope);
  if (parsed.kind === "event") return { event: parsed.event };
  if (parsed.kind === "ignored")
    return { notRun: { outcome: "ignored", id: parsed.id, detailType: parsed.detailType } };
  return {
    notRun: {
      outcome: "rejected",
      id: parsed.id,
      detailType: parsed.detailType,
      problems: describeProblems(parsed.problems),
    },
  };
}

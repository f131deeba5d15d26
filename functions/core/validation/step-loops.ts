import { Duration } from "luxon";
import type { Campaign, Step } from "../config/campaign.ts";
import type { FieldProblem } from "./describe-issue.ts";

/** A way from one step to another, with the time it surely takes and the field that names it. */
type Edge = { from: number; to: number; delayMs: number; field: string };

/**
 * Every loop of a campaign's steps must pass through a wait of at least `minLoopWaitMs`: a loop of
 * sends with no wait sends in one go, one with a 1-minute wait sends 43,201 times in 30 days. A
 * wait counts only when its length is certain: a fixed `duration` from the previous step, or a
 * waitForEvent's timeout; a wait from the last trigger or read from the journey may be zero, and
 * an awaited event may come at any moment.
 */
export function loopProblems(campaign: Campaign, minLoopWaitMs: number): FieldProblem[] {
  const shortEdges = stepEdges(campaign.steps).filter((edge) => edge.delayMs < minLoopWaitMs);
  const cycle = findCycle(campaign.steps.length, shortEdges);
  if (!cycle) return [];
  // Steps only fall through forwards: a loop has a field pointing back, which is where to look.
  const back = cycle.find((edge) => edge.to <= edge.from) ?? cycle[0]!;
  const ids = [...cycle.map((edge) => campaign.steps[edge.from]!.id), campaign.steps[cycle[0]!.from]!.id];
  return [
    {
      path: `steps[${back.from}].${back.field}`,
      expected: `steps that loop only through a wait of at least ${formatDuration(minLoopWaitMs)} (minLoopWait in engine.json); the loop ${ids.join(" -> ")} has none`,
    },
  ];
}

function stepEdges(steps: readonly Step[]): Edge[] {
  const edges: Edge[] = [];
  const index = new Map(steps.map((step, i) => [step.id, i]));
  const add = (from: number, ref: string | undefined, delayMs: number, field: string) => {
    if (ref === "end") return;
    const to = ref === undefined ? from + 1 : index.get(ref);
    if (to !== undefined && to < steps.length) edges.push({ from, to, delayMs, field });
  };
  steps.forEach((step, i) => {
    switch (step.type) {
      case "send":
        add(i, step.next, 0, "next");
        break;
      case "wait": {
        const certain = step.duration !== undefined && step.from === "previous" ? step.duration : 0;
        add(i, step.next, certain, step.next === undefined ? "duration" : "next");
        break;
      }
      case "waitForEvent":
        add(i, step.next, 0, "next");
        add(i, step.onTimeout, step.timeout, "onTimeout");
        break;
      case "branch":
        add(i, step.then, 0, "then");
        add(i, step.else, 0, "else");
        break;
    }
  });
  return edges;
}

/** One cycle of the graph as its edges, found by a depth-first search with an explicit stack. */
function findCycle(nodes: number, edges: Edge[]): Edge[] | undefined {
  const out: Edge[][] = Array.from({ length: nodes }, () => []);
  for (const edge of edges) out[edge.from]!.push(edge);
  const state = new Array<"new" | "open" | "done">(nodes).fill("new");
  const via: (Edge | undefined)[] = new Array(nodes).fill(undefined);
  for (let root = 0; root < nodes; root++) {
    if (state[root] !== "new") continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = "open";
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edge = out[top.node]![top.next++];
      if (!edge) {
        state[top.node] = "done";
        stack.pop();
      } else if (state[edge.to] === "open") {
        const cycle = [edge];
        for (let node = edge.from; node !== edge.to; node = via[node]!.from) cycle.unshift(via[node]!);
        return cycle;
      } else if (state[edge.to] === "new") {
        state[edge.to] = "open";
        via[edge.to] = edge;
        stack.push({ node: edge.to, next: 0 });
      }
    }
  }
  return undefined;
}

function formatDuration(ms: number): string {
  return Duration.fromMillis(ms).shiftTo("hours").toISO() ?? `${ms} ms`;
}

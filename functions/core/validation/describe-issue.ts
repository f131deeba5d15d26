import type * as z from "./zod.ts";

export type FieldProblem = { path: string; expected: string };

/**
 * Turns a zod issue into "what was expected" in plain words, with the path in the input.
 * A union's issue is reported through the branch the author most likely meant: the one that
 * accepted the `type` (or, failing that, the one with the fewest complaints).
 */
export function describeIssues(error: z.core.$ZodError, prefix: PropertyKey[] = []): FieldProblem[] {
  return error.issues
    .flatMap((issue) => leafIssues(issue, prefix))
    .map(({ path, issue }) => ({
      path: formatPath(path),
      expected: describeIssue(issue),
    }));
}

type Leaf = { path: PropertyKey[]; issue: z.core.$ZodIssue };

function leafIssues(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Leaf[] {
  const path = [...prefix, ...issue.path];
  // A record key's own complaint ("a name that is not …") says more than "Invalid key in record".
  if (issue.code === "invalid_key") return issue.issues.flatMap((inner) => leafIssues(inner, path));
  if (issue.code !== "invalid_union") return [{ path, issue }];
  const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  if (branches.length === 0) return [{ path, issue }];
  const typeMatched = branches.filter(
    (branch) => !branch.some((i) => i.path.length === 1 && i.path[0] === "type"),
  );
  const candidates = typeMatched.length > 0 ? typeMatched : branches;
  const closest = candidates.reduce((best, branch) => (branch.length < best.length ? branch : best));
  return closest.flatMap((inner) => leafIssues(inner, path));
}

/** `steps[1].channel`, `detail.items`, `(root)` for the whole input. */
export function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Our schemas word their own expectations ("an IANA time zone such as Europe/Paris"): keep those.
  if (!/^(Invalid|Too (big|small)|Unrecognized)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `no key ${issue.keys.map((k) => `"${k}"`).join(", ")} (unknown field)`;
    case "invalid_type": {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      return `${issue.expected}, got ${received === undefined || received === "undefined" ? "nothing" : received}`;
    }
    case "too_big":
      return `${issue.origin === "number" ? "a number" : issue.origin} at most ${String(issue.maximum)}${issue.inclusive === false ? " (exclusive)" : ""}`;
    case "too_small":
      return issue.origin === "number"
        ? `a number at least ${String(issue.minimum)}${issue.inclusive === false ? " (exclusive)" : ""}`
        : `${issue.origin} with at least ${String(issue.minimum)} ${issue.origin === "string" ? "character(s)" : "element(s)"}`;
    case "invalid_format":
      return `a valid ${issue.format}`;
    case "invalid_union": {
      // A discriminated union whose `type` matches no branch.
      const options = (issue as { options?: unknown[] }).options;
      return options ? `one of ${options.map((v) => JSON.stringify(v)).join(", ")}` : "a valid value";
    }
    default:
      return issue.message;
  }
}

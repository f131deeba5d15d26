import { CampaignFilesError, formatProblem } from "../functions/campaign-files/load.ts";

/** A problem with what the user asked for: reported as one line, with an exit code, never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EMFILE: "too many open files",
};

/** The words for a file system error, without its stack: "permission denied". */
export function fileErrorReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && REASONS[code]
    ? REASONS[code]
    : String((error as Error)?.message ?? error);
}

/**
 * What the user reads when a command fails, and its exit code: the problem in one line (one line
 * per problem for campaign files), never a stack trace unless ENGAGE_DEBUG asks for it.
 */
export function describeFailure(command: string, error: unknown): { text: string; exitCode: number } {
  if (error instanceof CliError)
    return { text: `engage ${command}: ${error.message}`, exitCode: error.exitCode };
  if (error instanceof CampaignFilesError)
    return {
      text: `${error.problems.map(formatProblem).join("\n")}\nengage ${command}: ${error.problems.length} problem(s) in the campaign files`,
      exitCode: 1,
    };
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))
    return { text: `engage ${command}: ${parseArgsMessage(error as Error)}`, exitCode: 2 };
  if (code === "EPIPE") return { text: "", exitCode: 0 };
  const stack = process.env.ENGAGE_DEBUG ? `\n${(error as Error)?.stack}` : " (ENGAGE_DEBUG=1 shows where)";
  return {
    text: `engage ${command}: unexpected error: ${(error as Error)?.message ?? String(error)}${stack}`,
    exitCode: 1,
  };
}

/** Node's parseArgs messages, first sentence only ("Unknown option '--foo'"). */
function parseArgsMessage(error: Error): string {
  const first = error.message.split(/(?<=\.) /)[0] ?? error.message;
  return first.replace(/\.$/, "");
}

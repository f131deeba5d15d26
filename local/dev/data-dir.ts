// What --data DIR keeps besides DynamoDB (DIR/dynamodb) and the running workflows (DIR/workflows.json):
// the runtime clock, so a restart resumes where the runtime time was and the waits keep their instants.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function readClock(dir: string): number | undefined {
  const file = join(dir, "clock.json");
  if (!existsSync(file)) return undefined;
  const { now } = JSON.parse(readFileSync(file, "utf8")) as { now?: unknown };
  return typeof now === "number" && Number.isFinite(now) ? now : undefined;
}

export function writeClock(dir: string, now: number): void {
  const file = join(dir, "clock.json");
  writeFileSync(`${file}.tmp`, JSON.stringify({ now, at: new Date(now).toISOString() }));
  renameSync(`${file}.tmp`, file);
}

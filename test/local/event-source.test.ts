import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { streamFromFile, streamFromLines } from "../../local/event-source.ts";

const dir = mkdtempSync(join(tmpdir(), "engage-stream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summarize(stream: ReturnType<typeof streamFromLines>) {
  const events = [...stream.events].map((e) => [e.id, e.type, e.at]);
  return {
    events,
    firstAt: stream.firstAt,
    lastAt: stream.lastAt,
    ignored: [...stream.ignored],
    rejected: stream.rejected.map((r) => [r.line, r.id, r.problems.map((p) => p.path)]),
    duplicates: stream.duplicates(),
  };
}

const envelope = (
  id: string | undefined,
  time: string,
  type = "app.opened",
  detail: object = { customerId: "c1" },
) => JSON.stringify({ ...(id ? { id } : {}), source: "t", "detail-type": type, time, detail });

describe("reading a stream from a file in two passes", () => {
  it("gives what reading it in memory gives: order, duplicates, rejections, ignored types", () => {
    const lines = [
      envelope("b", "2026-03-02T10:00:00Z"),
      "",
      envelope("a", "2026-03-01T10:00:00Z"),
      `  ${envelope("c", "2026-03-02T10:00:00Z")}  `,
      envelope("b", "2026-03-02T10:00:00Z"),
      "{broken",
      envelope("u", "2026-03-01T09:00:00Z", "page.scrolled", {}),
      envelope("u", "2026-03-01T09:00:00Z", "page.scrolled", {}),
      envelope(undefined, "2026-03-03T10:00:00Z"),
      envelope("bad", "2026-03-03T10:00:00Z", "order.placed", { customerId: "c1" }),
      envelope("late", "2026-03-01T10:00:00Z", "app.opened", {
        customerId: "c1",
        occurredAt: "2026-02-28T23:00:00Z",
      }),
    ];
    const file = join(dir, "mixed.jsonl");
    writeFileSync(file, lines.join("\r\n"));
    const fromFile = summarize(streamFromFile(file));
    expect(fromFile).toEqual(summarize(streamFromLines(lines)));
    // b and c share an instant: the hash of their ids orders them, not the file.
    expect(fromFile.events.map(([id]) => id)).toEqual([
      "late",
      "a",
      "c",
      "b",
      expect.stringMatching(/^line-/),
    ]);
    expect(fromFile.duplicates).toBe(2);
  });

  it("rejects events far from the bulk of the stream's times, with the field they came from, in both readers", () => {
    const lines = [
      envelope("a", "2026-03-01T10:00:00Z"),
      envelope("far", "9999-12-31T00:00:00Z"),
      envelope("b", "2026-03-02T10:00:00Z"),
      envelope("old", "2026-03-02T10:00:00Z", "app.opened", {
        customerId: "c1",
        occurredAt: "0001-01-01T00:00:00Z",
      }),
      envelope("c", "2026-03-03T10:00:00Z"),
    ];
    const file = join(dir, "far.jsonl");
    writeFileSync(file, lines.join("\n"));
    const fromFile = summarize(streamFromFile(file));
    expect(fromFile).toEqual(summarize(streamFromLines(lines)));
    expect(fromFile.events.map(([id]) => id)).toEqual(["a", "b", "c"]);
    expect(fromFile.lastAt).toBe(Date.parse("2026-03-03T10:00:00Z"));
    expect(fromFile.rejected).toEqual([
      [2, "far", ["time"]],
      [4, "old", ["detail.occurredAt"]],
    ]);
    const narrow = streamFromLines(lines, { maxDistanceFromBulk: 86_400_000 });
    expect([...narrow.events].map((e) => e.id)).toEqual(["a", "b", "c"]);
    const spread = [envelope("a", "2026-03-01T10:00:00Z"), envelope("b", "2027-06-01T10:00:00Z")];
    expect(streamFromLines(spread).rejected).toEqual([]);
  });

  it("keeps the same copy of an id repeated with different content, whatever the order of the lines", () => {
    const copies = [
      envelope("x", "2026-03-01T10:00:00Z", "app.opened", { customerId: "c2" }),
      envelope("x", "2026-03-01T10:00:00Z", "app.opened", { customerId: "c1" }),
      envelope("y", "2026-03-01T10:00:00Z", "app.opened", { customerId: "c3" }),
    ];
    const kept = (lines: string[]) => {
      const file = join(dir, "copies.jsonl");
      writeFileSync(file, lines.join("\n"));
      const fromFile = summarize(streamFromFile(file));
      const fromLines = summarize(streamFromLines(lines));
      expect(fromFile.events).toEqual(fromLines.events);
      return [...streamFromLines(lines).events].map(
        (e) => `${e.id}:${(e.detail as { customerId: string }).customerId}`,
      );
    };
    const expected = kept(copies);
    expect(expected).toHaveLength(2);
    expect(expected).toContain("x:c1");
    expect(kept([copies[2]!, copies[1]!, copies[0]!])).toEqual(expected);
    expect(kept([copies[1]!, copies[2]!, copies[0]!])).toEqual(expected);
  });

  it("reads the sample shop the same way", () => {
    const path = join(import.meta.dirname, "..", "..", "examples", "shop.jsonl");
    expect(summarize(streamFromFile(path))).toEqual(
      summarize(streamFromLines(readFileSync(path, "utf8").split("\n"))),
    );
  });
});

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import {
  type EngineEvent,
  eventOfAcceptedLine,
  type FieldProblem,
  type ParseOutcome,
  parseJsonLine,
} from "../functions/core/events/envelope.ts";

export type Rejection = {
  line: number;
  id: string | undefined;
  detailType: string | undefined;
  problems: FieldProblem[];
};

export type StreamOptions = {
  /**
   * Events whose time is further than this (ms) from the median event time of the stream are
   * rejected: one line dated 9999 would otherwise stretch the virtual clock over millennia.
   */
  maxDistanceFromMedian?: number;
};

export const DEFAULT_MAX_DAYS_FROM_MEDIAN = 366;
/** Rejected lines whose details are kept (and listed); the rest are only counted. */
export const MAX_REJECTION_DETAILS = 100;
const DAY = 86_400_000;

/** A validated event stream, replayed in time order (stable: equal times keep the stream's order). */
export type EventStream = {
  /** Valid events in time order; iterate once. Duplicate deliveries (same id) are left out. */
  events: Iterable<EngineEvent>;
  firstAt: number | undefined;
  lastAt: number | undefined;
  ignored: Map<string, number>;
  /** The first MAX_REJECTION_DETAILS rejected lines, in the order they were found. */
  rejected: Rejection[];
  /** Every rejected line, listed or not. */
  rejectedCount: number;
  /** Deliveries dropped as repeats of an id; complete once `events` has been iterated. */
  duplicates: () => number;
};

/** A stream held in memory (tests, small inputs). */
export function streamFromLines(lines: Iterable<string>, options: StreamOptions = {}): EventStream {
  const accepted: { event: EngineEvent; line: number }[] = [];
  const tally = new LineTally();
  let lineNumber = 0;
  for (const raw of lines) {
    lineNumber++;
    const line = raw.trim();
    if (!line) continue;
    const event = tally.take(parseJsonLine(line), lineNumber);
    if (event) accepted.push({ event, line: lineNumber });
  }
  const range = acceptedRange(
    accepted.map(({ event }) => event.at).sort((a, b) => a - b),
    options,
  );
  const events: EngineEvent[] = [];
  const seen = new Set<string>();
  for (const { event, line } of accepted) {
    if (event.at < range.from || event.at > range.to) tally.rejectOutlier(line, event, range);
    else if (seen.has(event.id)) tally.duplicates++;
    else {
      seen.add(event.id);
      events.push(event);
    }
  }
  events.sort((a, b) => a.at - b.at);
  return {
    events,
    firstAt: events[0]?.at,
    lastAt: events.at(-1)?.at,
    ignored: tally.ignored,
    rejected: tally.rejected,
    rejectedCount: tally.rejectedCount,
    duplicates: () => tally.duplicates,
  };
}

/** The times a stream accepts: within the allowed distance of the median of its (sorted) event times. */
type TimeRange = { median: number; from: number; to: number };

function acceptedRange(sortedTimes: ArrayLike<number>, options: StreamOptions): TimeRange {
  const distance = options.maxDistanceFromMedian ?? DEFAULT_MAX_DAYS_FROM_MEDIAN * DAY;
  if (sortedTimes.length === 0) return { median: 0, from: -Infinity, to: Infinity };
  const median = sortedTimes[Math.floor((sortedTimes.length - 1) / 2)]!;
  return { median, from: median - distance, to: median + distance };
}

/** What a reader learns of the lines that are not events to run: rejections, ignored types, repeats. */
class LineTally {
  readonly ignored = new Map<string, number>();
  readonly rejected: Rejection[] = [];
  rejectedCount = 0;
  private readonly ignoredIds = new Set<string>();
  duplicates = 0;

  /** Keeps the details of the first rejections only: a file of garbage must not fill the memory. */
  private reject(rejection: Rejection): void {
    this.rejectedCount++;
    if (this.rejected.length < MAX_REJECTION_DETAILS) this.rejected.push(rejection);
  }

  /** The event of a valid line; any other line is recorded here. */
  take(outcome: ParseOutcome, lineNumber: number): EngineEvent | undefined {
    if (outcome.kind === "event") return outcome.event;
    if (outcome.kind === "rejected") {
      const { id, detailType, problems } = outcome;
      this.reject({ line: lineNumber, id, detailType, problems });
    } else if (this.ignoredIds.has(outcome.id)) this.duplicates++;
    else {
      this.ignoredIds.add(outcome.id);
      this.ignored.set(outcome.detailType, (this.ignored.get(outcome.detailType) ?? 0) + 1);
    }
    return undefined;
  }

  /** An event whose time is too far from the rest of the stream, with the field it came from. */
  rejectOutlier(line: number, event: EngineEvent, range: TimeRange): void {
    const days = Math.round((range.to - range.median) / DAY);
    const field =
      (event.detail as { occurredAt?: unknown }).occurredAt === undefined ? "time" : "detail.occurredAt";
    this.reject({
      line,
      id: event.id,
      detailType: event.type,
      problems: [
        {
          path: field,
          expected: `a time within ${days} days of the stream's median event time ${new Date(range.median).toISOString()}, not ${new Date(event.at).toISOString()}`,
        },
      ],
    });
  }
}

const CHUNK = 1 << 20;

/**
 * A stream read from a JSON Lines file in two passes, so memory grows with the number of valid
 * lines by 20 bytes each, not with their text: the first pass validates every line and keeps its
 * time, offset and length; the second reads the lines back in time order. A redelivery carries
 * its event's time, so repeats of an id are found among the events of the same instant.
 */
export function streamFromFile(path: string, options: StreamOptions = {}): EventStream {
  const fd = openSync(path, "r");
  const index = new LineIndex();
  const tally = new LineTally();
  forEachLine(fd, (line, offset, length, lineNumber) => {
    const event = tally.take(parseJsonLine(line), lineNumber);
    if (event) index.add(event.at, offset, length, lineNumber);
  });
  const sorted = index.timeOrder();
  const range = acceptedRange(
    Float64Array.from(sorted, (i) => index.times[i]!),
    options,
  );
  // Outliers sit at both ends of the time order.
  let start = 0;
  let end = sorted.length;
  while (start < end && index.times[sorted[start]!]! < range.from) start++;
  while (end > start && index.times[sorted[end - 1]!]! > range.to) end--;
  const outliers = [...sorted.subarray(0, start), ...sorted.subarray(end)].sort((a, b) => a - b);
  for (const i of outliers) {
    const text = new ReadAhead(fd).read(index.offsets[i]!, index.lengths[i]!);
    tally.rejectOutlier(index.lines[i]!, eventOfAcceptedLine(text.trim()), range);
  }
  const order = sorted.subarray(start, end);
  const events = function* (): Generator<EngineEvent> {
    // Streams are mostly in order already: a window read ahead serves most lines without a read call.
    const window = new ReadAhead(fd);
    let groupAt = Number.NaN;
    const groupIds = new Set<string>();
    try {
      for (const i of order) {
        const text = window.read(index.offsets[i]!, index.lengths[i]!);
        const event = eventOfAcceptedLine(text.trim());
        if (event.at !== groupAt) {
          groupAt = event.at;
          groupIds.clear();
        }
        if (groupIds.has(event.id)) {
          tally.duplicates++;
          continue;
        }
        groupIds.add(event.id);
        yield event;
      }
    } finally {
      closeSync(fd);
    }
  };
  const first = order[0];
  const last = order.at(-1);
  return {
    events: events(),
    firstAt: first === undefined ? undefined : index.times[first],
    lastAt: last === undefined ? undefined : index.times[last],
    ignored: tally.ignored,
    rejected: tally.rejected,
    rejectedCount: tally.rejectedCount,
    duplicates: () => tally.duplicates,
  };
}

/** Reads byte ranges of a file through a window of CHUNK bytes, refilled at the requested offset. */
class ReadAhead {
  private readonly buffer = Buffer.alloc(CHUNK);
  private start = 0;
  private end = 0;

  constructor(private readonly fd: number) {}

  read(offset: number, length: number): string {
    if (offset < this.start || offset + length > this.end) {
      if (length > this.buffer.length) {
        const bytes = Buffer.alloc(length);
        readSync(this.fd, bytes, 0, length, offset);
        return bytes.toString("utf8");
      }
      this.start = offset;
      this.end = offset + readSync(this.fd, this.buffer, 0, this.buffer.length, offset);
    }
    return this.buffer.toString("utf8", offset - this.start, offset - this.start + length);
  }
}

/** Growable typed arrays of (time, offset, length, line number) per valid line. */
class LineIndex {
  times = new Float64Array(1024);
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  lines = new Uint32Array(1024);
  size = 0;

  add(at: number, offset: number, length: number, line: number): void {
    if (this.size === this.times.length) {
      this.times = grow(this.times, new Float64Array(this.size * 2));
      this.offsets = grow(this.offsets, new Float64Array(this.size * 2));
      this.lengths = grow(this.lengths, new Uint32Array(this.size * 2));
      this.lines = grow(this.lines, new Uint32Array(this.size * 2));
    }
    this.times[this.size] = at;
    this.offsets[this.size] = offset;
    this.lengths[this.size] = length;
    this.lines[this.size] = line;
    this.size++;
  }

  /** Line indexes by time, ties in file order. */
  timeOrder(): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    const times = this.times;
    return order.sort((a, b) => times[a]! - times[b]! || a - b);
  }
}

function grow<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Calls back with each non-blank line's text, byte offset, byte length and 1-based number. */
function forEachLine(
  fd: number,
  onLine: (line: string, offset: number, length: number, lineNumber: number) => void,
): void {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(CHUNK);
  let carry = Buffer.alloc(0);
  let carryOffset = 0;
  let position = 0;
  let lineNumber = 0;
  const emit = (bytes: Buffer, offset: number) => {
    lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const text = bytes.toString("utf8", 0, end).trim();
    if (text) onLine(text, offset, end, lineNumber);
  };
  while (position < size) {
    const read = readSync(fd, chunk, 0, CHUNK, position);
    let data = chunk.subarray(0, read);
    let dataOffset = position;
    position += read;
    if (carry.length > 0) {
      data = Buffer.concat([carry, data]);
      dataOffset = carryOffset;
    }
    let start = 0;
    for (let newline = data.indexOf(0x0a, start); newline !== -1; newline = data.indexOf(0x0a, start)) {
      emit(data.subarray(start, newline), dataOffset + start);
      start = newline + 1;
    }
    carry = Buffer.from(data.subarray(start));
    carryOffset = dataOffset + start;
  }
  if (carry.length > 0) emit(carry, carryOffset);
}

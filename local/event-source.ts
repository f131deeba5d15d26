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
   * Events further than this (ms) before the first quartile or after the third quartile of the
   * stream's event times are rejected: one line dated 9999 would otherwise stretch the virtual
   * clock over millennia, while a stream that spans years keeps all of its events.
   */
  maxDistanceFromBulk?: number;
};

export const DEFAULT_MAX_DAYS_FROM_BULK = 366;
/** Rejected lines whose details are kept (and listed); the rest are only counted. */
export const MAX_REJECTION_DETAILS = 100;
const DAY = 86_400_000;

/**
 * A validated event stream, replayed in a canonical order that does not depend on the order of the
 * lines: by event time, then by a hash of the event id, then by id. Repeats of an id at the same
 * instant are one event: the copy whose line sorts first as text, whichever arrived first.
 */
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
  const accepted: { event: EngineEvent; line: number; text: string }[] = [];
  const tally = new LineTally();
  let lineNumber = 0;
  for (const raw of lines) {
    lineNumber++;
    const line = raw.trim();
    if (!line) continue;
    const event = tally.take(parseJsonLine(line), lineNumber);
    if (event) accepted.push({ event, line: lineNumber, text: line });
  }
  const range = acceptedRange(
    accepted.map(({ event }) => event.at).sort((a, b) => a - b),
    options,
  );
  const kept: { event: EngineEvent; text: string; idHash: number }[] = [];
  for (const { event, line, text } of accepted) {
    if (event.at < range.from || event.at > range.to) tally.rejectOutlier(line, event, range);
    else kept.push({ event, text, idHash: hashOf(event.id) });
  }
  kept.sort(
    (a, b) =>
      a.event.at - b.event.at ||
      a.idHash - b.idHash ||
      compareText(a.event.id, b.event.id) ||
      compareText(a.text, b.text),
  );
  const events: EngineEvent[] = [];
  for (const { event } of kept) {
    const previous = events.at(-1);
    if (previous && previous.at === event.at && previous.id === event.id) tally.duplicates++;
    else events.push(event);
  }
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

/** The times a stream accepts: within the allowed distance of the middle half of its event times. */
type TimeRange = { firstQuartile: number; thirdQuartile: number; from: number; to: number };

function acceptedRange(sortedTimes: ArrayLike<number>, options: StreamOptions): TimeRange {
  const distance = options.maxDistanceFromBulk ?? DEFAULT_MAX_DAYS_FROM_BULK * DAY;
  const last = sortedTimes.length - 1;
  if (last < 0) return { firstQuartile: 0, thirdQuartile: 0, from: -Infinity, to: Infinity };
  const firstQuartile = sortedTimes[Math.floor(last / 4)]!;
  const thirdQuartile = sortedTimes[Math.ceil((3 * last) / 4)]!;
  return { firstQuartile, thirdQuartile, from: firstQuartile - distance, to: thirdQuartile + distance };
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
    const days = Math.round((range.to - range.thirdQuartile) / DAY);
    const field =
      (event.detail as { occurredAt?: unknown }).occurredAt === undefined ? "time" : "detail.occurredAt";
    const iso = (at: number) => new Date(at).toISOString();
    this.reject({
      line,
      id: event.id,
      detailType: event.type,
      problems: [
        {
          path: field,
          expected: `a time within ${days} days of the middle half of the stream's event times (${iso(range.firstQuartile)} to ${iso(range.thirdQuartile)}), not ${iso(event.at)}`,
        },
      ],
    });
  }
}

const CHUNK = 1 << 20;

/**
 * A stream read from a JSON Lines file in two passes, so memory grows with the number of valid
 * lines by 28 bytes each, not with their text: the first pass validates every line and keeps its
 * time, offset, length, line number and id hash; the second reads the lines back in the canonical
 * order. A redelivery carries its event's time, so repeats of an id are found among the events of
 * the same instant.
 */
export function streamFromFile(path: string, options: StreamOptions = {}): EventStream {
  const fd = openSync(path, "r");
  const index = new LineIndex();
  const tally = new LineTally();
  forEachLine(fd, (line, offset, length, lineNumber) => {
    const event = tally.take(parseJsonLine(line), lineNumber);
    if (event) index.add(event.at, offset, length, lineNumber, hashOf(event.id));
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
    const read = (i: number) => window.read(index.offsets[i]!, index.lengths[i]!).trim();
    try {
      for (let start = 0; start < order.length; ) {
        const first = order[start]!;
        let end = start + 1;
        while (
          end < order.length &&
          index.times[order[end]!] === index.times[first] &&
          index.idHashes[order[end]!] === index.idHashes[first]
        )
          end++;
        if (end === start + 1) yield eventOfAcceptedLine(read(first));
        else yield* sameInstantAndHash(order.subarray(start, end), read, tally);
        start = end;
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

/**
 * Lines of one instant whose ids hash alike: each id once, in id order, from the copy whose text
 * sorts first. Only one copy per id is held, however many repeats there are.
 */
function* sameInstantAndHash(
  lines: Uint32Array,
  read: (i: number) => string,
  tally: LineTally,
): Generator<EngineEvent> {
  const firstCopy = new Map<string, { text: string; event: EngineEvent }>();
  for (const i of lines) {
    const text = read(i);
    const event = eventOfAcceptedLine(text);
    const kept = firstCopy.get(event.id);
    if (kept) tally.duplicates++;
    if (!kept || compareText(text, kept.text) < 0) firstCopy.set(event.id, { text, event });
  }
  const ids = [...firstCopy.keys()].sort(compareText);
  for (const id of ids) yield firstCopy.get(id)!.event;
}

/** Code-unit order, the same on every machine (no locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** FNV-1a over the UTF-16 code units: a cheap, stable sort key; equal hashes are resolved by the id itself. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
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

/** Growable typed arrays of (time, offset, length, line number, id hash) per valid line. */
class LineIndex {
  times = new Float64Array(1024);
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  lines = new Uint32Array(1024);
  idHashes = new Uint32Array(1024);
  size = 0;

  add(at: number, offset: number, length: number, line: number, idHash: number): void {
    if (this.size === this.times.length) {
      this.times = grow(this.times, new Float64Array(this.size * 2));
      this.offsets = grow(this.offsets, new Float64Array(this.size * 2));
      this.lengths = grow(this.lengths, new Uint32Array(this.size * 2));
      this.lines = grow(this.lines, new Uint32Array(this.size * 2));
      this.idHashes = grow(this.idHashes, new Uint32Array(this.size * 2));
    }
    this.times[this.size] = at;
    this.offsets[this.size] = offset;
    this.lengths[this.size] = length;
    this.lines[this.size] = line;
    this.idHashes[this.size] = idHash;
    this.size++;
  }

  /** Line indexes by time, then id hash (ties within those are resolved when the lines are read). */
  timeOrder(): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    const { times, idHashes } = this;
    return order.sort((a, b) => times[a]! - times[b]! || idHashes[a]! - idHashes[b]! || a - b);
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

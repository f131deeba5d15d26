// Would splitting the state item in two (a hot item written on every change, a cold one written only
// when its parts change) cost fewer write units? Every split of the largest top-level parts into hot and
// cold, on the states `bench/state-items.ts` captured, each item encoded as the store does, against one
// item. `node --import tsx bench/state-items.ts 40 .tmp/states.jsonl`, then
// `node --import tsx bench/state-split.ts .tmp/states.jsonl` (about 6 minutes here: 8,191 splits of every put).
import { readFileSync } from "node:fs";
import { encodeStateJson } from "../functions/adapters/state-item-codec.ts";

type State = Record<string, unknown> & { customerId: string };

/** The item's bytes besides `state` (keys, version, due attributes), as bench/state-items.ts measures. */
const ITEM_OVERHEAD = 64;
const PARTS = [
  "products",
  "journeys",
  "finished",
  "activity",
  "orders",
  "outbox",
  "profile",
  "appliedEvents",
  "appliedEventTimes",
  "brandAffinity",
  "reentryLocks",
  "fieldStamps",
  "carts",
];

const file = process.argv[2];
if (!file) throw new Error("usage: bench/state-split.ts <states.jsonl from bench/state-items.ts>");
const states = readFileSync(file, "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as State);
const previous = new Map<string, State>();
const puts = states.map((state) => {
  const before = previous.get(state.customerId);
  previous.set(state.customerId, state);
  return { state, before };
});

const units = (state: Record<string, unknown>) =>
  Math.ceil((encodeStateJson(JSON.stringify(state)).byteLength + ITEM_OVERHEAD) / 1024);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Write units of every put as two items; stops counting once past `bound`. */
function splitUnits(cold: string[], bound: number): number {
  let total = 0;
  for (const { state, before } of puts) {
    const hotPart: Record<string, unknown> = {};
    const coldPart: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(state)) (cold.includes(key) ? coldPart : hotPart)[key] = value;
    total += units(hotPart);
    if (!before || cold.some((key) => !same(before[key], state[key]))) total += units(coldPart);
    if (total >= bound) return total;
  }
  return total;
}

const whole = puts.reduce((sum, { state }) => sum + units(state), 0);
let best = { units: Number.POSITIVE_INFINITY, cold: [] as string[] };
for (let mask = 1; mask < 1 << PARTS.length; mask++) {
  const cold = PARTS.filter((_, index) => mask & (1 << index));
  const total = splitUnits(cold, best.units);
  if (total < best.units) best = { units: total, cold };
}
const changed = Object.fromEntries(
  PARTS.map((part) => [
    part,
    puts.filter(({ state, before }) => !before || !same(before[part], state[part])).length,
  ]),
);
console.log(
  JSON.stringify({ puts: puts.length, oneItem: whole, bestSplit: best, putsChanging: changed }, null, 1),
);

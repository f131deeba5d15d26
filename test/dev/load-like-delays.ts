import { Rng } from "../../examples/shop-stream.ts";

/**
 * Waits as a loaded machine gives them, drawn from a seed so a failing run can be run again: none,
 * a few turns of the event loop (other promises' work goes first), or a few milliseconds of timer.
 * For startDevRuntime's `callDelay`: the replay must send the same messages whatever they are.
 */
export function loadLikeDelays(seed: number, maxMs = 3): () => Promise<void> {
  const rng = new Rng(seed);
  return async () => {
    const draw = rng.next();
    if (draw < 0.4) return;
    if (draw < 0.7) {
      const turns = 1 + Math.floor(rng.next() * 4);
      for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, rng.next() * maxMs));
  };
}

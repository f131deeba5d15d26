// Node flags `engage` runs with (local/bin/engage.js), which bench/simulate.bench.ts measures with too.
// A 32 MB semi-space (V8's default is 16 MB) lets the short-lived objects of a decision (scopes,
// message lines, rendered text) die young instead of being promoted and marked again. engage simulate
// on the bench stream, shared machine: 300k events 17 % more events per CPU second (one run), 100k
// about 10 % (noisy); see README "Performance".
export const CLI_NODE_FLAGS = ["--max-semi-space-size=32"];

// The zod every schema a Lambda builds comes from: zod/mini (functions, not methods, so a bundle holds
// only what it uses; classic zod's module set-up and schema classes were most of a cold start's zod
// cost). zod/mini words no message without a locale: the edge's problems (describe-issue.ts) read
// zod's English ones, as classic zod sets them on import. The campaign-file schemas (core/config/*,
// never in a bundle) stay classic; both share zod's core and its configuration (kept on globalThis).
// Classic also installs zod's memoizer, which lets a parse follow reference cycles in its input: what
// these schemas parse is JSON (events, stored items), which has none, so mini goes without it.
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";

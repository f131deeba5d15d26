/** See node-flags.js. */
export declare const CLI_NODE_FLAGS: readonly string[];

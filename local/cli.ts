import { main } from "./commands.ts";

process.exitCode = main(process.argv.slice(2));

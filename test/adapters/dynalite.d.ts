// dynalite 4.0.0 ships no type declarations: the part the tests use.
declare module "dynalite" {
  import type { Server } from "node:http";

  function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    maxItemSizeKb?: number;
  }): Server;
  export default dynalite;
}

import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, readEnvironment } from "../../functions/runtime/environment.ts";

const TABLES = { STATE_TABLE: "state", INTEREST_TABLE: "interest", EVENT_BUS_NAME: "engage" };

describe("the function environment", () => {
  it("reads the variables a function may be given, and only those", () => {
    expect(readEnvironment({ ...TABLES, UNSUBSCRIBE_URL: "https://u.example/", PATH: "/bin" })).toEqual({
      ...TABLES,
      UNSUBSCRIBE_URL: "https://u.example/",
    });
    expect(ENVIRONMENT_NAMES).toContain("FANOUT_QUEUE_URL");
  });

  it("refuses a missing table, an empty variable and an unsubscribe URL that is not one, all named at once", () => {
    expect(() =>
      readEnvironment({ STATE_TABLE: "state", EVENT_BUS_NAME: "", UNSUBSCRIBE_URL: "not a url" }),
    ).toThrow(
      "function environment: INTEREST_TABLE: required, not set; EVENT_BUS_NAME: empty; UNSUBSCRIBE_URL: not a URL",
    );
    expect(() => readEnvironment({ ...TABLES, FROM_ADDRESS: "" })).toThrow("FROM_ADDRESS: empty");
  });
});

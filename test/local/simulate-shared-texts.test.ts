import { getHeapSnapshot } from "node:v8";
import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { simulate } from "../../local/simulator.ts";
import { shippedEngineSettings, toJsonLines } from "../support/scenario.ts";

/** How many string objects on the heap hold exactly `text` (JS cannot tell copies of a string apart). */
async function copiesOnHeap(text: string): Promise<number> {
  const chunks: string[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(String(chunk));
  const snapshot = JSON.parse(chunks.join("")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const typeField = fields.indexOf("type");
  const nameField = fields.indexOf("name");
  const stringType = types[0].indexOf("string");
  const name = snapshot.strings.indexOf(text);
  let copies = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length)
    if (snapshot.nodes[i + typeField] === stringType && snapshot.nodes[i + nameField] === name) copies++;
  return copies;
}

describe("the simulator's copies of item texts", () => {
  it("keeps one copy of an item's text for all the customers whose states hold it", async () => {
    // Longer than V8 internalizes when parsing, and unique to this test.
    const name = `Shared Texts Test Lamp ${"with a long name ".repeat(6)}${Date.now()}`;
    const lines = toJsonLines(
      Array.from({ length: 40 }, (_, i) => ({
        type: "product.viewed",
        at: `2026-03-02T10:${String(i).padStart(2, "0")}:00Z`,
        detail: { customerId: `c-${i}`, product: { productId: "p-lamp", name, price: 10 } },
      })),
    );
    const states = new Map<string, CustomerState>();
    simulate(compileCampaigns([], shippedEngineSettings()), lines, { states });
    expect([...states.values()].every((state) => state.products["p-lamp"]?.item?.name === name)).toBe(true);
    expect(await copiesOnHeap(name)).toBeLessThanOrEqual(2);
  });
});

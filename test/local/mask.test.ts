import { describe, expect, it } from "vitest";
import { maskAddress } from "../../local/mask.ts";

describe("maskAddress", () => {
  it.each([
    ["jane.doe@example.com", "j***@e***.com"],
    ["+33612345678", "+33*******78"],
    ["abc", "***"],
  ])("%s -> %s", (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });
});

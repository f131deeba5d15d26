import { afterEach, expect, it, vi } from "vitest";
import { TimeZoneSchema } from "../../functions/core/events/item.ts";

afterEach(() => vi.restoreAllMocks());

it("accepts a canonical zone without making an Intl formatter (the first one costs ~30 ms of a cold start)", () => {
  const formatter = vi.spyOn(Intl, "DateTimeFormat");
  expect(TimeZoneSchema.safeParse("America/New_York").success).toBe(true);
  expect(TimeZoneSchema.safeParse("Pacific/Chatham").success).toBe(true);
  expect(formatter).not.toHaveBeenCalled();
});

it("still accepts the names a formatter accepts beyond the canonical list, and refuses unknown ones", () => {
  for (const alias of ["UTC", "US/Eastern", "Asia/Kolkata", "europe/paris"])
    expect(TimeZoneSchema.safeParse(alias).success, alias).toBe(true);
  for (const unknown of ["Mars/Olympus", "", "Europe/Pariss"])
    expect(TimeZoneSchema.safeParse(unknown).success, unknown).toBe(false);
});

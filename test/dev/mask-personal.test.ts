import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskPersonalData } from "../../local/dev/page/mask-personal.ts";

describe("maskPersonalData", () => {
  it("masks the stored profile's addresses and names, keeps consent and the rest", () => {
    const state = {
      customerId: "c-0245",
      profile: {
        email: "harper.lewis245@example.net",
        phone: "+19172146738",
        firstName: "Harper",
        lastName: "Lewis",
        timezone: "America/New_York",
      },
      consent: { email: "granted", sms: "denied", topics: {} },
      suppressedAddresses: ["old.address@example.com", "2125550100"],
      outbox: [{ kind: "send", to: "harper.lewis245@example.net", sms: "+19172146738" }],
      version: 3,
    };
    expect(maskPersonalData(state)).toEqual({
      customerId: "c-0245",
      profile: {
        email: "h***@e***.net",
        phone: "+19*******38",
        firstName: "H***",
        lastName: "L***",
        timezone: "America/New_York",
      },
      consent: { email: "granted", sms: "denied", topics: {} },
      suppressedAddresses: ["o***@e***.com", "212*****00"],
      outbox: [{ kind: "send", to: "h***@e***.net", sms: "+19*******38" }],
      version: 3,
    });
  });

  it("masks an email inside a reason, and a key that is an address", () => {
    expect(
      maskPersonalData({ reason: "bounced: jane@shop.example said no", "jane@shop.example": 1 }),
    ).toEqual({
      reason: "bounced: j***@s***.example said no",
      "j***@s***.example": 1,
    });
  });

  it("leaves no email anywhere in the output, and masking twice changes nothing", () => {
    const email = fc
      .tuple(fc.stringMatching(/^[a-z0-9._]{1,12}$/), fc.stringMatching(/^[a-z0-9]{1,8}\.[a-z]{2,4}$/))
      .map(([local, domain]) => `${local}@${domain}`);
    fc.assert(
      fc.property(email, fc.string(), (address, text) => {
        const once = maskPersonalData({ reason: `${text} ${address} ${text}`, profile: { email: address } });
        expect(JSON.stringify(once)).not.toContain(address);
        expect(maskPersonalData(once)).toEqual(once);
      }),
    );
  });
});

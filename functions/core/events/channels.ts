import * as z from "../validation/zod.ts";

/** The channels the engine delivers on: a send step names one, and consent is given per channel. */
export const CHANNELS = ["email", "sms", "push"] as const;
export const ChannelSchema = z.enum(CHANNELS);

/**
 * The device contract on a wire (WebSocket device host, Electron IPC): requests with ids,
 * answers, and pushed events. Both ends validate every message.
 */
import { z } from 'zod';
import { DeviceEventSchema, DeviceHealthSchema, DeviceRequestSchema, PrintResultSchema } from './contract';

/** A page's first message to the device host: its session token (never in the socket's URL). */
export const DeviceAuthSchema = z.object({ t: z.literal('auth'), token: z.string().min(1).max(256) }).strict();

export const DeviceCallSchema = z.object({ id: z.number().int().nonnegative(), req: DeviceRequestSchema });
export type DeviceCall = z.infer<typeof DeviceCallSchema>;

export const DeviceResultSchema = z.union([z.array(DeviceHealthSchema), PrintResultSchema, z.null()]);

export const DeviceServerMessageSchema = z.union([
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: DeviceResultSchema }),
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(false), error: z.string() }),
  z.object({ event: DeviceEventSchema }),
]);
export type DeviceServerMessage = z.infer<typeof DeviceServerMessageSchema>;

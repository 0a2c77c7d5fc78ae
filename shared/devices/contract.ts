/**
 * The device contract the screens use, whatever carries it: Electron IPC (preload) on a
 * terminal, or the WebSocket device host on 127.0.0.1 in web mode. Every message is a zod
 * schema, validated on both sides. Card data crossing it is masked and hashed (R21); the full
 * number and photo go only to callers allowed them (see `identity-check`).
 */
import { z } from 'zod';
import { BilingualSchema } from '../config/text';
import { CardReadSchema } from '../identity/card';

export const DEVICE_KINDS = ['card-reader', 'printer', 'scanner', 'evaluator', 'led', 'trigger'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** What the admin view and every screen show about a device. */
export const DeviceHealthSchema = z.object({
  id: z.string(),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(['ok', 'connecting', 'missing', 'fault', 'disabled']),
  /** For people: what is wrong and what still works. */
  message: BilingualSchema,
  /** For support: an error code and the raw bytes (hex) that showed it. */
  code: z.string().optional(),
  raw: z.string().optional(),
  since: z.number(),
});
export type DeviceHealth = z.infer<typeof DeviceHealthSchema>;

export const ScanSchema = z.object({
  text: z.string().min(1).max(4096),
  /** AIM symbology identifier when the scanner reports one (]Q1 = QR). */
  symbology: z.string().max(3).optional(),
  source: z.enum(['hid-pos', 'serial', 'keyboard']),
});
export type Scan = z.infer<typeof ScanSchema>;

export const EvaluatorKeySchema = z.object({
  deviceId: z.string(),
  /** 5 非常满意 ... 1 非常不满意, from the device's key map. */
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
});
export type EvaluatorKey = z.infer<typeof EvaluatorKeySchema>;

/** What is printed on a ticket (the layout is the printer driver's). */
export const TicketPrintSchema = z.object({
  hallName: BilingualSchema,
  number: z.string().min(1).max(8),
  service: BilingualSchema,
  windowHint: z.string().max(60).optional(),
  ahead: z.number().int().nonnegative(),
  waitMinutes: z.number().int().nonnegative(),
  /** The wait line as the kiosk and the phone word it (shared/estimate/wait.ts waitLine); absent: from waitMinutes. */
  wait: BilingualSchema.optional(),
  issuedAt: z.string().max(40),
  /** The progress page address, printed as a QR code. */
  qr: z.string().url().max(300),
  offline: z.boolean().default(false),
  notice: BilingualSchema.optional(),
});
export type TicketPrint = z.infer<typeof TicketPrintSchema>;

export const PrintResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), warnings: z.array(z.string()).default([]) }),
  z.object({ ok: z.literal(false), code: z.string(), message: BilingualSchema }),
]);
export type PrintResult = z.infer<typeof PrintResultSchema>;

/** Requests a screen may send, with the answer each gets. */
export const DeviceRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('health') }),
  z.object({ op: z.literal('print-ticket'), ticket: TicketPrintSchema }),
  z.object({ op: z.literal('led-show'), text: z.string().max(64) }),
  z.object({ op: z.literal('evaluator-prompt'), active: z.boolean() }),
]);
export type DeviceRequest = z.infer<typeof DeviceRequestSchema>;

/** Pushed to screens as things happen. */
export const DeviceEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('card'), card: CardReadSchema }),
  z.object({ type: z.literal('card-removed') }),
  z.object({ type: z.literal('scan'), scan: ScanSchema }),
  z.object({ type: z.literal('evaluator-key'), key: EvaluatorKeySchema }),
  /** The document camera's capture button or foot pedal (kind 'trigger') was pressed. */
  z.object({ type: z.literal('capture-button'), deviceId: z.string() }),
  z.object({ type: z.literal('health'), health: DeviceHealthSchema }),
]);
export type DeviceEvent = z.infer<typeof DeviceEventSchema>;

/** The API a screen holds, implemented by each transport and by the test fake. */
export interface DeviceApi {
  health(): Promise<DeviceHealth[]>;
  printTicket(ticket: TicketPrint): Promise<PrintResult>;
  showOnLed(text: string): Promise<void>;
  evaluatorPrompt(active: boolean): Promise<void>;
  subscribe(listener: (e: DeviceEvent) => void): () => void;
}

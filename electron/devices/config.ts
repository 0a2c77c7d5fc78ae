/**
 * The per-terminal device configuration file (devices.json), validated: a bad field is named
 * in the error ("printer.transport.port: ..."), and the app keeps running without that device.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from '../../shared/events/envelope';
import { CARD_READER_FAMILIES } from './cardReader/family';

const Hex = z.string().regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'a hex number such as 0x1a86');

/** Where a serial device is: a fixed path, or its USB identity (found again after re-plugging). */
const serialPort = (defaultBaud: number) =>
  z
    .object({
      path: z.string().min(1).optional(),
      vendorId: Hex.optional(),
      productId: Hex.optional(),
      serialNumber: z.string().optional(),
      baudRate: z.number().int().positive().default(defaultBaud),
    })
    .refine((p) => p.path !== undefined || p.vendorId !== undefined, 'give the port a path (/dev/ttyUSB0, COM3) or a vendorId/productId');
export const SerialPortSchema = serialPort(9600);
export type SerialPortConfig = z.infer<typeof SerialPortSchema>;

/** The card reader's port: `baudRate`, when given, overrides its family's speed. */
const cardReaderPort = z
  .object({
    path: z.string().min(1).optional(),
    vendorId: Hex.optional(),
    productId: Hex.optional(),
    serialNumber: z.string().optional(),
    baudRate: z.number().int().positive().optional(),
  })
  .refine((p) => p.path !== undefined || p.vendorId !== undefined, 'give the port a path (/dev/ttyUSB0, COM3) or a vendorId/productId');

export const CardReaderSchema = z.object({
  id: z.string().default('card-reader'),
  /** The reader's family (cardReader/family.ts): 'sam-v' (115200 8N1, default) or 'sam-v-9600'. */
  family: z.enum(CARD_READER_FAMILIES).default('sam-v'),
  port: cardReaderPort,
  /** No answer at the configured speed: try the other usual speeds on the next attempts. */
  autoBaud: z.boolean().default(true),
  /** How often to look for a card (DEVICES.md: about once a second). */
  pollMs: z.number().int().min(200).max(10_000).default(1000),
  /** Read the fingerprint variant of the text (0x30 0x10). */
  withFingerprint: z.boolean().default(false),
  /** Read the new-address page (追加住址, 0x30 0x03) after each resident card / HMT permit. */
  readNewAddress: z.boolean().default(true),
});

export const PrinterSchema = z.object({
  id: z.string().default('printer'),
  transport: z.discriminatedUnion('type', [
    z.object({ type: z.literal('serial'), port: SerialPortSchema }),
    z.object({ type: z.literal('file'), path: z.string().min(1) }),
    z.object({ type: z.literal('tcp'), host: z.string().min(1), port: z.number().int().min(1).max(65535).default(9100) }),
    z.object({ type: z.literal('spooler'), deviceName: z.string().min(1) }),
  ]),
  /** Paper width in dots per line: 384 (58 mm) or 576 (80 mm). */
  widthDots: z.union([z.literal(384), z.literal(576)]).default(576),
  statusTimeoutMs: z.number().int().min(100).max(10_000).default(1000),
});

/** How a scanner's bytes become text: 'auto' (the default) tells UTF-8 from GBK (scanner/text.ts). */
const ScanEncodingSchema = z.enum(['auto', 'utf-8', 'gbk']).optional();

export const ScannerSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string().default('scanner'), type: z.literal('hid-pos'), vendorId: Hex.optional(), productId: Hex.optional(), encoding: ScanEncodingSchema }),
  z.object({
    id: z.string().default('scanner'),
    type: z.literal('serial'),
    port: SerialPortSchema,
    /** A code ends with CR, CRLF or TAB, or is framed STX … ETX; 'none' = no suffix (inter-byte timeout). */
    suffix: z.enum(['cr', 'crlf', 'tab', 'stx-etx', 'none']).default('cr'),
    /** 'stx-etx': the scanner sends a one-byte Code ID right after STX. */
    codeId: z.boolean().optional(),
    encoding: ScanEncodingSchema,
    interByteMs: z.number().int().min(5).max(1000).default(50),
  }),
]);

const KeyMap = z.record(z.string(), z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]));

export const EvaluatorSchema = z.discriminatedUnion('type', [
  /** One key-code byte per press over serial; keys are hex strings ("31" -> level). */
  z.object({ id: z.string().default('evaluator'), type: z.literal('serial-key'), port: SerialPortSchema, keymap: KeyMap }),
  /** RS-485 framed keypads: 01 addr key 07. */
  z.object({ id: z.string().default('evaluator'), type: z.literal('rs485'), port: SerialPortSchema, address: z.number().int().min(0).max(255), keymap: KeyMap }),
  /** The FF 68 caller bus (four-key evaluators send func 11 + a value byte 00..03; keymap by value). */
  z.object({ id: z.string().default('evaluator'), type: z.literal('ff68'), port: SerialPortSchema, address: z.number().int().min(0).max(255), keymap: KeyMap }),
  /** A keypad that types like a keyboard (HID): keys are key names ("1", "F1"). */
  z.object({ id: z.string().default('evaluator'), type: z.literal('hid-keyboard'), vendorId: Hex.optional(), productId: Hex.optional(), keymap: KeyMap }),
]);

/** A window LED strip's frame, described byte by byte (see DEVICES.md). */
export const LedFrameSchema = z.object({
  start: z.array(z.number().int().min(0).max(255)).max(8),
  /** The frame's own address byte; null = this protocol has no address byte. */
  address: z.number().int().min(0).max(255).nullable().optional(),
  encoding: z.enum(['gb2312', 'gbk', 'ascii']).default('gbk'),
  checksum: z.enum(['none', 'sum', 'xor']).default('none'),
  /** Where the checksum starts: at the address byte (default) or at the start bytes. */
  checksumFrom: z.enum(['address', 'start']).optional(),
  end: z.array(z.number().int().min(0).max(255)).max(8),
  gapMs: z.number().int().min(0).max(5000).default(300),
});

export const LedSchema = z.object({
  id: z.string().default('led'),
  port: SerialPortSchema,
  /** A built-in frame, or one described here. */
  frame: z.union([z.enum(['plain-01-07', 'sum-3a-0a', 'ff68-digits']), LedFrameSchema]),
  address: z.number().int().min(0).max(255).default(1),
});

/** One byte as hex: "0d", "0x20". */
const HexByte = z.string().regex(/^(0x)?[0-9a-fA-F]{1,2}$/, 'a hex byte such as "0d" or "0x20"');
const DebounceMs = z.number().int().min(0).max(5000).default(300);

/**
 * The document camera's capture button or foot pedal (高拍仪拍照键 / 脚踏), when it reports over
 * serial or as a vendor HID device (a keyboard-like one is the counter screen's own business).
 * Strict: a misspelt field ("debounce", "byte") is an error naming it, not silently ignored.
 */
export const TriggerSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      id: z.string().min(1).default('trigger'),
      type: z.literal('serial'),
      port: SerialPortSchema,
      /** Bytes that mean "pressed" ("01", "0x20"); others are reported. Default: any byte but CR/LF. */
      bytes: z.array(HexByte).min(1, 'list at least one byte, or leave "bytes" out for any byte').max(32).optional(),
      /** Line mode: a line (ended by CR/LF, or a pause) that must equal this text, e.g. "KEY1". */
      line: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[ -~]+$/, 'printable ASCII text without CR/LF, such as "KEY1"')
        .optional(),
      /** Presses closer together than this are one press (a pedal bounces). */
      debounceMs: DebounceMs,
    })
    .refine((t) => !(t.bytes && t.line !== undefined), { message: 'give either "bytes" or "line", not both', path: ['line'] }),
  z.strictObject({
    id: z.string().min(1).default('trigger'),
    type: z.literal('hid'),
    /** Required: without it any HID device could be read as the pedal. */
    vendorId: z
      .string({ error: 'required: the USB vendor id of the button or pedal, such as "0x1a2b" (without it any HID device could be read as one)' })
      .regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'a hex number such as 0x1a86'),
    productId: Hex.optional(),
    /** Pick the button's interface when the device has several (e.g. 0xff00 vendor page). */
    usagePage: Hex.optional(),
    /**
     * ANDed byte by byte with each input report (byte 0 is the report id when the device numbers
     * its reports): only these bits are the button. Default: every bit of every byte.
     */
    mask: z.array(HexByte).min(1).max(64).optional(),
    /** 'state': reports carry pressed/released (a press = a masked bit turning on); 'press': one report per press, no release report. */
    reports: z.enum(['state', 'press']).default('state'),
    debounceMs: DebounceMs,
  }),
]);

export const DevicesConfigSchema = z.object({
  cardReader: CardReaderSchema.optional(),
  printer: PrinterSchema.optional(),
  scanners: z.array(ScannerSchema).default([]),
  evaluator: EvaluatorSchema.optional(),
  led: LedSchema.optional(),
  trigger: TriggerSchema.optional(),
});
export type DevicesConfig = z.infer<typeof DevicesConfigSchema>;

export class DeviceConfigError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`device configuration ${file}: ${detail}`);
    this.name = 'DeviceConfigError';
  }
}

export function parseDevicesConfig(input: unknown, file = 'devices.json'): DevicesConfig {
  const r = DevicesConfigSchema.safeParse(input);
  if (!r.success) throw new DeviceConfigError(file, formatIssues(r.error));
  return r.data;
}

export function loadDevicesConfig(file: string): DevicesConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeviceConfigError(file, `cannot read it: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DeviceConfigError(file, `not valid JSON: ${(err as Error).message}`);
  }
  return parseDevicesConfig(json, file);
}

import { z } from 'zod';
import { HLC_PATTERN } from '../clock/hlc';
import { ORIGIN_PATTERN } from '../clock/origin';
import { PAYLOADS, type EventType, type PayloadOf } from './payloads';

export const ENVELOPE_VERSION = 1;

/** The envelope every event travels in: `{ origin, seq, hlc, hall, type, payload, v }`. */
export const EnvelopeHeaderSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  origin: z.string().regex(ORIGIN_PATTERN, 'origin is "<terminal>~<epoch>"'),
  seq: z.number().int().positive(),
  hlc: z.string().regex(HLC_PATTERN, 'hlc is "<16-digit wall ms>-<4-digit counter>"'),
  hall: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/),
  type: z.enum(Object.keys(PAYLOADS) as [EventType, ...EventType[]]),
  payload: z.unknown(),
});

export type HallEvent<T extends EventType = EventType> = {
  [K in T]: {
    v: typeof ENVELOPE_VERSION;
    origin: string;
    seq: number;
    hlc: string;
    hall: string;
    type: K;
    payload: PayloadOf<K>;
  };
}[T];

export type EventParseResult = { ok: true; event: HallEvent } | { ok: false; error: string };

/** Validate an event from outside (network, storage, IPC). Errors name the field. */
export function parseEvent(input: unknown): EventParseResult {
  const head = EnvelopeHeaderSchema.safeParse(input);
  if (!head.success) return { ok: false, error: formatIssues(head.error) };
  const payload = PAYLOADS[head.data.type].safeParse(head.data.payload);
  if (!payload.success) return { ok: false, error: `${head.data.type}: ${formatIssues(payload.error, 'payload')}` };
  return { ok: true, event: { ...head.data, payload: payload.data } as HallEvent };
}

export function formatIssues(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      // zod reports unknown keys on the parent; name them, so a typo is easy to find.
      const keys = 'keys' in i && Array.isArray(i.keys) ? ` (${i.keys.join(', ')})` : '';
      return path ? `${path}: ${i.message}${keys}` : `${i.message}${keys}`;
    })
    .join('; ');
}

/** The one total order of the log: (hlc, origin, seq). */
export function compareEvents(a: HallEvent, b: HallEvent): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return a.seq - b.seq;
}

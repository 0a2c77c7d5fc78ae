/**
 * Building events on the terminal that sees them happen: payload validated against its
 * schema (defaults filled in), stamped with the terminal's clock and next sequence number.
 */
import type { HybridClock } from '../clock/hlc';
import { ENVELOPE_VERSION, formatIssues, type HallEvent } from './envelope';
import { PAYLOADS, type EventType, type PayloadInput } from './payloads';

export interface AuthorContext {
  hall: string;
  origin: string;
  clock: HybridClock;
  /** Next dense sequence number of this origin; persisted with the event in one transaction. */
  nextSeq: () => number;
}

export class InvalidEventError extends Error {
  constructor(readonly type: string, readonly detail: string) {
    super(`${type}: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

export function authorEvent<T extends EventType>(ctx: AuthorContext, type: T, payload: PayloadInput<T>): HallEvent<T> {
  const parsed = PAYLOADS[type].safeParse(payload);
  if (!parsed.success) throw new InvalidEventError(type, formatIssues(parsed.error, 'payload'));
  return {
    v: ENVELOPE_VERSION,
    origin: ctx.origin,
    seq: ctx.nextSeq(),
    hlc: ctx.clock.tick(),
    hall: ctx.hall,
    type,
    payload: parsed.data,
  } as HallEvent<T>;
}

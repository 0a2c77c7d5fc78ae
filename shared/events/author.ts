/**
 * Building events on the terminal that sees them happen: payload validated against its
 * schema (defaults filled in), stamped with the terminal's clock and next sequence number.
 */
import type { HybridClock } from '../clock/hlc';
import { ENVELOPE_VERSION, formatIssues, type HallEvent } from './envelope';
import { checkAtDoor } from './door';
import { PAYLOADS, type EventType, type PayloadInput } from './payloads';

export interface AuthorContext {
  hall: string;
  origin: string;
  clock: HybridClock;
  /** Next dense sequence number of this origin; persisted with the event in one transaction. */
  nextSeq: () => number;
}

export class InvalidEventError extends Error {
  constructor(
    readonly type: string,
    readonly detail: string,
    /** The door's refusal code (bad-text, not-masked, ...) when it was the door that refused. */
    readonly code: string = 'invalid-event',
  ) {
    super(`${type}: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

export function authorEvent<T extends EventType>(ctx: AuthorContext, type: T, payload: PayloadInput<T>): HallEvent<T> {
  const parsed = PAYLOADS[type].safeParse(payload);
  if (!parsed.success) throw new InvalidEventError(type, formatIssues(parsed.error, 'payload'));
  // The door's rules (shared/events/door.ts): a terminal never queues what the server refuses.
  // (A configuration value is parsed by whoever admits it: the admin's editor, the server.)
  const data: unknown = parsed.data;
  const refusal = checkAtDoor(type, data, payload);
  if (refusal) throw new InvalidEventError(type, refusal.message, refusal.code);
  return {
    v: ENVELOPE_VERSION,
    origin: ctx.origin,
    seq: ctx.nextSeq(),
    hlc: ctx.clock.tick(),
    hall: ctx.hall,
    type,
    payload: data,
  } as HallEvent<T>;
}

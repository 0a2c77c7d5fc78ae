/**
 * The server's side of the door (shared/events/door.ts has the rules terminals share): an event
 * that parsed against its schema is checked for clean text, depth, masked personal data, real
 * dates and a configuration value as parsed, then (in the push's transaction) for a clock that
 * moves forward per origin. Every refusal is a 4xx naming the event and the field, and permanent:
 * the terminal quarantines the event and goes on (renderer/sync/push.ts).
 */
import { hlcWall } from '../../shared/clock/hlc';
import { admitConfigValue, checkAtDoor, tooDeep, type DoorRefusal } from '../../shared/events/door';
import type { HallEvent } from '../../shared/events/envelope';
import { RequestError } from '../http/errors';
import type { Principal } from '../store/events';

/**
 * No event is dated before this (1 January 2024, before any hall ran hallq): a clock at 0 or
 * 1970 is a broken or forged clock, and such an event would sort before the whole hall's log.
 */
export const HLC_FLOOR_MS = Date.UTC(2024, 0, 1);

/** Refusals of this module (and of the hall checks) that no retry can cure. */
export const PERMANENT_DOOR_CODES = [
  'bad-text',
  'too-deep',
  'not-masked',
  'bad-date',
  'bad-config',
  'clock-backwards',
  'clock-before-floor',
  'unknown-service',
  'unknown-window',
  'unknown-ticket',
  'implausible-day',
  'out-of-scope',
] as const;

const STATUS: Record<DoorRefusal['code'], number> = { 'bad-text': 400, 'too-deep': 400, 'not-masked': 400, 'bad-date': 422, 'bad-config': 400 };

function refuseDoor(r: DoorRefusal, where: string): never {
  throw new RequestError(STATUS[r.code], r.code, `${where}: ${r.message}`, r.messageZh);
}

/**
 * Check a parsed event at the door; answers the event as it is stored (a configuration value
 * parsed). A hub relays what its own server admitted, maybe before these rules: only the depth
 * is checked, and a configuration value is stored parsed when it parses.
 */
export function admitAtDoor(e: HallEvent, raw: unknown, who: Principal, index: number): HallEvent {
  const where = `event ${index} (${e.origin}:${e.seq} ${e.type})`;
  const rawPayload = (raw as { payload?: unknown } | null)?.payload;
  if (who.role === 'hub') {
    if (tooDeep(rawPayload)) throw new RequestError(400, 'too-deep', `${where}: payload nests too deep`, '事件内容嵌套过深');
    if (e.type !== 'config.changed') return e;
    const c = admitConfigValue(e.payload.kind, e.payload.id, e.payload.value);
    return c.ok ? ({ ...e, payload: { ...e.payload, value: c.value } } as HallEvent) : e;
  }
  if (hlcWall(e.hlc) < HLC_FLOOR_MS) {
    throw new RequestError(422, 'clock-before-floor', `${where} is dated ${new Date(hlcWall(e.hlc)).toISOString()}, before any hall ran; the terminal's clock is wrong`, '事件时间早于系统启用时间，终端时钟错误');
  }
  let event = e;
  if (e.type === 'config.changed') {
    const c = admitConfigValue(e.payload.kind, e.payload.id, e.payload.value);
    if (!c.ok) refuseDoor(c.refusal, where);
    event = { ...e, payload: { ...e.payload, value: c.value } } as HallEvent;
  }
  const r = checkAtDoor(event.type, event.payload, rawPayload);
  if (r) refuseDoor(r, where);
  return event;
}

/**
 * Clocks only move forward per origin: seq n+1 must be dated after seq n (and after the newest
 * the server holds of that origin). `fresh` is in seq order per origin. Answers the newest hlc
 * per origin after the batch. A hub relays its hall's log as held (events of before this rule
 * included): it is not refused, only tracked.
 */
export function checkClockForward(who: Principal, fresh: readonly HallEvent[], lastOf: (origin: string) => string | undefined): Map<string, string> {
  const last = new Map<string, string>();
  for (const e of fresh) {
    const prev = last.get(e.origin) ?? lastOf(e.origin);
    if (who.role !== 'hub' && prev !== undefined && e.hlc <= prev) {
      throw new RequestError(
        422,
        'clock-backwards',
        `${e.origin}:${e.seq} ${e.type} is dated ${e.hlc}, not after this terminal's previous event (${prev}); an event cannot be back-dated`,
        '事件时间早于本终端上一条事件，不能倒填时间',
      );
    }
    last.set(e.origin, prev !== undefined && prev > e.hlc ? prev : e.hlc);
  }
  return last;
}

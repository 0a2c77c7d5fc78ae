/**
 * Appointments (R6) as the server sees them: validation of a booking against the hall's
 * configuration (service, R5 periods of the day, R21 masked person), and lookups in the event
 * log by day and by id.
 *
 * Why the log and not the hall cache: the cache holds configuration and appointments of all
 * time but other events (the check-in tickets) of the last 36 hours only, per instance. A list
 * of last week's appointments from it would show checked-in ones as still booked. So the
 * appointments of a day, or of some ids, are read from `events` through the expression indexes
 * of migration 3 (bookings by day; bookings, cancellations and check-in tickets by id) and
 * folded with the shared fold: the same rules as every replica (the earliest booking of an id
 * wins, a cancellation applies to a booked appointment, a check-in marks it checked in), right
 * for any day and whichever instance answers. Configuration still comes from the cache.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { IdSchema } from '../../shared/config/schemas';
import { isMaskedId, isMaskedName } from '../../shared/events/door';
import type { HallEvent } from '../../shared/events/envelope';
import { PersonSchema } from '../../shared/events/payloads';
import { foldEvents } from '../../shared/fold/fold';
import type { AppointmentState, HallConfig, HallState } from '../../shared/fold/state';
import { dayTimetable, formatHHMM, isValidDate, localDate, parseHHMM, zonedParts, zonedTimeToUtc } from '../../shared/schedule';
import type { Role } from '../../shared/sync/protocol';
import type { Db, Queryable } from '../db/db';
import { stableStringify } from './stable';

export const APPOINTMENT_CHANNELS = ['phone', 'onsite', 'online'] as const;
export type AppointmentChannel = (typeof APPOINTMENT_CHANNELS)[number];
export const MAX_IMPORT = 1000;

/** The platform books online, a counter on site; the hall's admin takes any (phone by default). */
export function channelsFor(role: Role): { channel: AppointmentChannel; allowed: readonly AppointmentChannel[] } {
  if (role === 'booking') return { channel: 'online', allowed: ['online'] };
  if (role === 'counter') return { channel: 'onsite', allowed: ['onsite'] };
  return { channel: 'phone', allowed: APPOINTMENT_CHANNELS };
}

const CODE_PATTERN = /^[A-Za-z0-9]{6,32}$/;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A booking as the API takes it. `day` may be left out: it is the local date of slotFrom. */
export const BookingSchema = z.strictObject({
  appointmentId: IdSchema.optional(),
  serviceId: IdSchema,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD').optional(),
  slotFrom: z.number().int().nonnegative(),
  slotTo: z.number().int().nonnegative(),
  channel: z.enum(APPOINTMENT_CHANNELS).optional(),
  person: PersonSchema.optional(),
  code: z.string().regex(CODE_PATTERN, 'a code is 6-32 letters or digits').optional(),
});
export type BookingInput = z.infer<typeof BookingSchema>;

/** What is wrong with one booking, naming the field (and the row, in an import). */
export interface Problem {
  row?: number;
  field: string;
  code: string;
  message: string;
  messageZh: string;
}

/** A checked booking, ready to become an `appointment.booked` payload (code may still be missing). */
export interface Booking {
  appointmentId: string;
  serviceId: string;
  day: string;
  slotFrom: number;
  slotTo: number;
  channel: AppointmentChannel;
  person?: BookingInput['person'];
  code?: string;
}

export function newAppointmentId(): string {
  return `ap-${randomBytes(12).toString('base64url')}`;
}

/** 10 characters of an alphabet without 0/O, 1/I/L: about 49 bits, easy to read out on the phone. */
export function newCode(taken: ReadonlySet<string>): string {
  for (;;) {
    let c = '';
    for (let i = 0; i < 10; i++) c += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    if (!taken.has(c)) return c;
  }
}

const hhmm = (config: HallConfig, ms: number): string => formatHHMM(zonedParts(ms, config.schedule.timeZone).minutes);

/** 'HH:MM-HH:MM' of a slot in the hall's time zone. */
export function slotLabel(config: HallConfig, from: number, to: number): string {
  return `${hhmm(config, from)}-${hhmm(config, to)}`;
}

/**
 * The instants of a day at which appointments may be held for a service: its periods of the
 * day (appointment and open alike, per `dayTimetable`), touching periods merged, so a slot
 * may run from the 08:30-09:00 appointment period into the open day.
 */
export function bookableRanges(config: HallConfig, serviceId: string, day: string): Array<{ from: number; to: number; label: string }> {
  const service = config.services.get(serviceId);
  const tz = config.schedule.timeZone;
  const out: Array<{ from: number; to: number; label: string }> = [];
  for (const p of dayTimetable(config.schedule, service?.schedule, day)) {
    const from = zonedTimeToUtc(day, parseHHMM(p.from), tz);
    const to = zonedTimeToUtc(day, parseHHMM(p.to), tz);
    const last = out[out.length - 1];
    if (last && last.to === from) {
      last.to = to;
      last.label = `${last.label.slice(0, 5)}-${p.to}`;
    } else out.push({ from, to, label: `${p.from}-${p.to}` });
  }
  return out;
}

/**
 * Check one booking against the hall; `allowed` are the channels the caller may book. Whether
 * the slot is already over is checked apart (`pastProblem`): a repeat of a stored booking is fine.
 */
export function checkBooking(
  config: HallConfig,
  input: BookingInput,
  defaults: { channel: AppointmentChannel; allowed: readonly AppointmentChannel[] },
): { booking?: Booking; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (field: string, code: string, message: string, messageZh: string) => problems.push({ field, code, message, messageZh });
  const tz = config.schedule.timeZone;
  const channel = input.channel ?? defaults.channel;
  if (!defaults.allowed.includes(channel)) {
    bad('channel', 'channel-not-allowed', `this terminal books ${defaults.allowed.join(' or ')} appointments, not ${channel}`, '该终端不能办理此类预约');
  }
  if (!config.services.has(input.serviceId)) bad('serviceId', 'unknown-service', `no service ${input.serviceId} in this hall`, '没有该业务');
  const day = input.day ?? localDate(input.slotFrom, tz);
  if (!isValidDate(day)) bad('day', 'bad-day', `${day} is not a calendar date`, '日期不正确');
  if (input.slotTo <= input.slotFrom) bad('slotTo', 'bad-slot', 'the slot must end after it starts', '预约时段结束时间须晚于开始时间');
  if (input.person) {
    // R21: only masked forms travel; a full ID number or name here would end up on every replica.
    // The same rule as at the door (shared/events/door.ts): what the device side's masking makes.
    if (!isMaskedId(input.person.idMasked)) bad('person.idMasked', 'not-masked', 'idMasked must be masked (110***********1234), never the full number', '证件号码须脱敏');
    if (!isMaskedName(input.person.nameMasked)) {
      bad('person.nameMasked', 'not-masked', 'nameMasked must be masked (张*), never the full name', '姓名须脱敏');
    }
  }
  if (problems.length === 0) {
    if (localDate(input.slotFrom, tz) !== day) {
      bad('slotFrom', 'slot-wrong-day', `the slot starts on ${localDate(input.slotFrom, tz)}, not on ${day}`, '预约时段不在预约日期内');
    } else {
      const ranges = bookableRanges(config, input.serviceId, day);
      if (!ranges.some((r) => r.from <= input.slotFrom && input.slotTo <= r.to)) {
        const open = ranges.length ? ranges.map((r) => r.label).join(', ') : 'none (closed that day)';
        bad(
          'slotFrom',
          'slot-outside-hours',
          `the slot ${slotLabel(config, input.slotFrom, input.slotTo)} on ${day} is outside the service's hours (${open})`,
          `预约时段不在该业务的办理时间内（${ranges.length ? ranges.map((r) => r.label).join('，') : '当天不办理'}）`,
        );
      }
    }
  }
  if (problems.length) return { problems };
  const booking: Booking = {
    appointmentId: input.appointmentId ?? newAppointmentId(),
    serviceId: input.serviceId,
    day,
    slotFrom: input.slotFrom,
    slotTo: input.slotTo,
    channel,
    ...(input.person ? { person: input.person } : {}),
    ...(input.code ? { code: input.code } : {}),
  };
  return { booking, problems };
}

/** A new booking for a slot that is already over (a repeat of a stored one is not new). */
export function pastProblem(config: HallConfig, b: Booking, now: number): Problem | undefined {
  if (b.slotTo > now) return undefined;
  return { field: 'slotTo', code: 'slot-past', message: `the slot ${b.day} ${slotLabel(config, b.slotFrom, b.slotTo)} is already over`, messageZh: '预约时段已过' };
}

/** Same appointment: every field equal; a missing code in `b` matches any stored code. */
export function sameBooking(a: AppointmentState, b: Booking): boolean {
  return (
    a.serviceId === b.serviceId &&
    a.day === b.day &&
    a.slotFrom === b.slotFrom &&
    a.slotTo === b.slotTo &&
    a.channel === b.channel &&
    stableStringify(a.person ?? null) === stableStringify(b.person ?? null) &&
    (b.code === undefined || b.code === a.code)
  );
}

export interface AppointmentsView {
  appointments: Map<string, AppointmentState>;
  /** The fold of the appointment events: tickets of check-ins (numbers). */
  state: HallState;
}

async function foldById(q: Queryable, hall: string, ids: readonly string[]): Promise<AppointmentsView> {
  const r = ids.length
    ? await q.query<{ body: HallEvent }>(
        `SELECT body FROM events WHERE hall = $1 AND (body->'payload'->>'appointmentId') IS NOT NULL
           AND (body->'payload'->>'appointmentId') = ANY($2::text[])`,
        [hall, ids],
      )
    : { rows: [] };
  const state = foldEvents(hall, r.rows.map((x) => x.body));
  return { appointments: state.appointments, state };
}

/** The appointments with these ids, as every replica folds them (unknown ids are absent). */
export function appointmentsById(q: Queryable, hall: string, ids: readonly string[]): Promise<AppointmentsView> {
  return foldById(q, hall, [...new Set(ids)]);
}

/** The appointments of a day, with their status (booked, cancelled, checked in). */
export async function appointmentsOfDay(q: Queryable, hall: string, day: string): Promise<AppointmentsView> {
  const ids = await q.query<{ id: string }>(
    `SELECT DISTINCT body->'payload'->>'appointmentId' AS id FROM events
     WHERE hall = $1 AND type = 'appointment.booked' AND (body->'payload'->>'day') = $2`,
    [hall, day],
  );
  const view = await foldById(q, hall, ids.rows.map((r) => r.id));
  // An id booked twice (the earlier booking for another day wins) belongs to that other day.
  for (const [id, a] of view.appointments) if (a.day !== day) view.appointments.delete(id);
  return view;
}

/**
 * Serialise appointment writes: the check (does this id or code exist?) and the write must not
 * interleave with another's. In one instance a chain per database; across instances on
 * PostgreSQL an advisory lock of the hall's appointments, held in a transaction of its own
 * while `fn` checks and writes on other connections. One chain per database means at most one
 * connection is held this way, so the pool can never be exhausted by waiters.
 */
const chains = new WeakMap<Db, Promise<unknown>>();

export function withAppointmentLock<T>(db: Db, hall: string, fn: () => Promise<T>): Promise<T> {
  const locked = (): Promise<T> =>
    db.kind === 'postgres'
      ? db.tx(async (q) => {
          await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hallq-appointments:' + hall]);
          return fn();
        })
      : fn();
  const prev = chains.get(db) ?? Promise.resolve();
  const run = prev.then(locked, locked);
  chains.set(
    db,
    run.catch(() => {}),
  );
  return run;
}

/** An appointment as the API shows it: masked person only (no idHash), slot in hall time. */
export function appointmentView(config: HallConfig, a: AppointmentState, view?: AppointmentsView) {
  const service = config.services.get(a.serviceId);
  const ticket = a.ticketId ? view?.state.tickets.get(a.ticketId) : undefined;
  return {
    appointmentId: a.id,
    serviceId: a.serviceId,
    ...(service ? { service: service.name } : {}),
    day: a.day,
    slotFrom: a.slotFrom,
    slotTo: a.slotTo,
    slot: slotLabel(config, a.slotFrom, a.slotTo),
    channel: a.channel,
    code: a.code,
    status: a.status,
    ...(a.ticketId ? { ticketId: a.ticketId } : {}),
    ...(ticket ? { ticketNumber: ticket.number } : {}),
    ...(a.person ? { person: { idMasked: a.person.idMasked, nameMasked: a.person.nameMasked } } : {}),
  };
}

/** The state a booking becomes once stored (for answers about a booking just written). */
export function bookedState(b: Booking & { code: string }): AppointmentState {
  return {
    id: b.appointmentId,
    serviceId: b.serviceId,
    day: b.day,
    slotFrom: b.slotFrom,
    slotTo: b.slotTo,
    channel: b.channel,
    ...(b.person ? { person: b.person } : {}),
    code: b.code,
    status: 'booked',
  };
}

/** Codes in use on a day (cancelled appointments release theirs): code -> appointment id. */
export function codesInUse(view: AppointmentsView): Map<string, string> {
  const codes = new Map<string, string>();
  for (const a of view.appointments.values()) if (a.status !== 'cancelled') codes.set(a.code, a.id);
  return codes;
}

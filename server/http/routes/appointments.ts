/**
 * Appointments (R6): booked online (the booking platform's `booking` token), on site (a counter)
 * or by the hall (admin, also phone bookings); cancelled; listed per day; imported in bulk from
 * the booking platform. Every change is an `appointment.booked` / `appointment.cancelled` event
 * the server writes itself, so every terminal folds it like any other.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema } from '../../../shared/config/schemas';
import type { Role } from '../../../shared/sync/protocol';
import { isValidDate, localDate } from '../../../shared/schedule';
import { importAppointments } from '../../store/appointmentImport';
import {
  BookingSchema,
  MAX_IMPORT,
  appointmentView,
  appointmentsById,
  appointmentsOfDay,
  bookedState,
  channelsFor,
  checkBooking,
  codesInUse,
  newCode,
  pastProblem,
  sameBooking,
  withAppointmentLock,
  type Problem,
} from '../../store/appointments';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

const ROLES: readonly Role[] = ['admin', 'booking', 'counter'];
const DayQuerySchema = z.object({ day: z.string().refine(isValidDate, 'a day is YYYY-MM-DD').optional() });
const ImportSchema = z.object({ appointments: z.array(z.unknown()).min(1, 'give at least one appointment') });

const STATUS: Record<string, number> = { 'channel-not-allowed': 403, 'unknown-service': 404, 'appointment-conflict': 409, 'duplicate-code': 409 };
const refuseProblem = (p: Problem): never => refuse(STATUS[p.code] ?? 400, p.code, `${p.field}: ${p.message}`, p.messageZh);

export function appointmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/appointments', async (req, reply) => {
    const who = await principal(ctx, req, ROLES);
    const input = parse(BookingSchema, req.body);
    return withAppointmentLock(ctx.db, who.hall, async () => {
      const now = ctx.now();
      const config = (await ctx.db.tx((q) => ctx.cache.get(q, who.hall, now))).state.config;
      const { booking, problems } = checkBooking(config, input, channelsFor(who.role));
      if (!booking) return refuseProblem(problems[0]!);
      if (input.appointmentId) {
        // A retry of a booking whose answer was lost: the same content is not booked twice.
        const stored = (await appointmentsById(ctx.db, who.hall, [booking.appointmentId])).appointments.get(booking.appointmentId);
        if (stored && sameBooking(stored, booking)) return { appointment: appointmentView(config, stored), unchanged: true };
        if (stored) refuse(409, 'appointment-conflict', `appointment ${booking.appointmentId} exists with other content`, '该预约编号已存在，内容不同');
      }
      const past = pastProblem(config, booking, now);
      if (past) refuseProblem(past);
      const codes = codesInUse(await appointmentsOfDay(ctx.db, who.hall, booking.day));
      if (booking.code && codes.has(booking.code)) refuse(409, 'duplicate-code', `code ${booking.code} is already used on ${booking.day}`, '预约码已被使用');
      const full = { ...booking, code: booking.code ?? newCode(new Set(codes.keys())) };
      const [stored] = await ctx.author.write(who.hall, [{ type: 'appointment.booked', payload: full }]);
      reply.status(201);
      return { appointment: appointmentView(config, bookedState(full)), serverSeq: stored!.s };
    });
  });

  app.delete('/api/appointments/:id', async (req) => {
    const who = await principal(ctx, req, ROLES);
    const { id } = parse(z.object({ id: IdSchema }), req.params, 'path');
    return withAppointmentLock(ctx.db, who.hall, async () => {
      const a = (await appointmentsById(ctx.db, who.hall, [id])).appointments.get(id);
      if (!a) return refuse(404, 'unknown-appointment', `no appointment ${id} in this hall`, '没有该预约');
      if (who.role === 'booking' && a.channel !== 'online') refuse(403, 'channel-not-allowed', `appointment ${id} was not booked online`, '不能取消非网上预约');
      // DELETE is idempotent: a retry after a lost answer finds it cancelled, and that is fine.
      if (a.status === 'cancelled') return { appointmentId: id, status: 'cancelled', unchanged: true };
      if (a.status === 'checked-in') refuse(409, 'appointment-checked-in', `appointment ${id} is checked in (ticket ${a.ticketId ?? '-'}); cancel the ticket instead`, '该预约已取号，不能取消');
      const [stored] = await ctx.author.write(who.hall, [{ type: 'appointment.cancelled', payload: { appointmentId: id } }]);
      return { appointmentId: id, status: 'cancelled', serverSeq: stored!.s };
    });
  });

  app.get('/api/appointments', async (req) => {
    const who = await principal(ctx, req, ROLES);
    const q = parse(DayQuerySchema, req.query, 'query');
    const now = ctx.now();
    const { fold, view, day } = await ctx.db.tx(async (tx) => {
      const fold = await ctx.cache.get(tx, who.hall, now);
      const day = q.day ?? localDate(now, fold.state.config.schedule.timeZone);
      return { fold, day, view: await appointmentsOfDay(tx, who.hall, day) };
    });
    const config = fold.state.config;
    const list = [...view.appointments.values()]
      // The platform sees its own (online) bookings, not the people who booked at the hall.
      .filter((a) => who.role !== 'booking' || a.channel === 'online')
      .sort((a, b) => a.slotFrom - b.slotFrom || (a.id < b.id ? -1 : 1))
      .map((a) => appointmentView(config, a, view));
    return { day, appointments: list };
  });

  app.post('/api/appointments/import', async (req, reply) => {
    const who = await principal(ctx, req, ['admin', 'booking']);
    const n = (req.body as { appointments?: unknown } | null)?.appointments;
    if (Array.isArray(n) && n.length > MAX_IMPORT) {
      refuse(413, 'too-many-appointments', `an import carries at most ${MAX_IMPORT} appointments; this one has ${n.length}`, `每次最多导入 ${MAX_IMPORT} 条预约`);
    }
    const rows = parse(ImportSchema, req.body).appointments;
    return withAppointmentLock(ctx.db, who.hall, async () => {
      const now = ctx.now();
      const config = (await ctx.db.tx((q) => ctx.cache.get(q, who.hall, now))).state.config;
      const r = await importAppointments({ db: ctx.db, author: ctx.author, config, now }, who.hall, channelsFor(who.role), rows);
      if (r.ok) return r.result;
      const bad = new Set(r.problems.map((p) => p.row)).size;
      return reply.status(422).send({
        error: 'invalid-rows',
        message: `${bad} of ${rows.length} rows are invalid; nothing was imported`,
        messageZh: `有 ${bad} 行不正确，未导入任何预约`,
        rows: r.problems,
      });
    });
  });
}

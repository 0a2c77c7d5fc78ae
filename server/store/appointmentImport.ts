/**
 * Bulk import from the booking platform (R6): up to MAX_IMPORT rows, all or nothing. Every row
 * is checked (schema, service, R5 hours, R21 masking, slot not over, code unique on its day),
 * and every problem names its row and field. Idempotent on appointmentId: a row equal to the
 * stored appointment is "unchanged"; the same id with other content is an error, as is one id
 * twice in the import with different content. The new rows are written in one transaction.
 */
import type { HallConfig } from '../../shared/fold/state';
import type { Db } from '../db/db';
import {
  BookingSchema,
  appointmentsById,
  appointmentsOfDay,
  checkBooking,
  codesInUse,
  newCode,
  pastProblem,
  sameBooking,
  type AppointmentChannel,
  type Booking,
  type Problem,
} from './appointments';
import type { ServerAuthor } from './serverAuthor';
import { stableStringify } from './stable';

export interface ImportRowResult {
  appointmentId: string;
  code?: string;
  result: 'booked' | 'unchanged';
  /** For an unchanged row: the stored appointment's status (booked, cancelled, checked-in). */
  status?: string;
}

export type ImportOutcome =
  | { ok: false; problems: Problem[] }
  | { ok: true; result: { imported: number; unchanged: number; appointments: ImportRowResult[]; serverSeq?: number } };

/** All or nothing: every row is checked, and either all new ones are stored or none is. */
export async function importAppointments(
  deps: { db: Db; author: ServerAuthor; config: HallConfig; now: number },
  hall: string,
  channels: { channel: AppointmentChannel; allowed: readonly AppointmentChannel[] },
  rows: readonly unknown[],
): Promise<ImportOutcome> {
  const { db, config, now } = deps;
  const problems: Problem[] = [];
  const bookings: Array<Booking | undefined> = rows.map((raw, row) => {
    const r = BookingSchema.safeParse(raw);
    if (!r.success) {
      for (const i of r.error.issues) {
        const keys = 'keys' in i && Array.isArray(i.keys) ? i.keys.join(',') : '';
        problems.push({ row, field: i.path.map(String).join('.') || keys || '(row)', code: 'invalid', message: i.message, messageZh: '格式不正确' });
      }
      return undefined;
    }
    if (!r.data.appointmentId) {
      problems.push({ row, field: 'appointmentId', code: 'required', message: 'an imported appointment carries its platform id', messageZh: '缺少预约编号' });
      return undefined;
    }
    const { booking, problems: p } = checkBooking(config, r.data, channels);
    problems.push(...p.map((x) => ({ row, ...x })));
    return booking;
  });
  const stored = (await appointmentsById(db, hall, bookings.flatMap((b) => (b ? [b.appointmentId] : [])))).appointments;
  const seen = new Map<string, Booking>();
  const firstRow = new Map<string, number>();
  const twins: Array<{ row: number; first: number }> = [];
  const fresh: Array<{ row: number; b: Booking }> = [];
  const results: ImportRowResult[] = [];
  bookings.forEach((b, row) => {
    if (!b) return;
    const bad = (field: string, code: string, message: string, messageZh: string) => problems.push({ row, field, code, message, messageZh });
    const s = stored.get(b.appointmentId);
    const twin = seen.get(b.appointmentId);
    if (twin) {
      if (stableStringify(twin) !== stableStringify(b)) {
        bad('appointmentId', 'duplicate-in-import', `appointment ${b.appointmentId} appears twice with different content`, '同一预约编号重复出现且内容不同');
      } else twins.push({ row, first: firstRow.get(b.appointmentId)! });
      return;
    }
    seen.set(b.appointmentId, b);
    firstRow.set(b.appointmentId, row);
    if (s) {
      if (sameBooking(s, b)) results[row] = { appointmentId: s.id, code: s.code, result: 'unchanged', status: s.status };
      else bad('appointmentId', 'appointment-conflict', `appointment ${b.appointmentId} exists with other content`, '该预约编号已存在，内容不同');
      return;
    }
    const past = pastProblem(config, b, now);
    if (past) problems.push({ row, ...past });
    else fresh.push({ row, b });
  });
  // Codes: unique per day among live appointments, stored and in this import.
  const days = new Map<string, Map<string, string>>();
  for (const day of new Set(fresh.map((f) => f.b.day))) days.set(day, codesInUse(await appointmentsOfDay(db, hall, day)));
  for (const { row, b } of fresh) {
    if (!b.code) continue;
    const codes = days.get(b.day)!;
    const holder = codes.get(b.code);
    if (holder !== undefined && holder !== b.appointmentId) {
      problems.push({ row, field: 'code', code: 'duplicate-code', message: `code ${b.code} is already used on ${b.day} (${holder})`, messageZh: '预约码已被使用' });
    }
    codes.set(b.code, b.appointmentId);
  }
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.row! - b.row!) };
  const payloads = fresh.map(({ row, b }) => {
    const codes = days.get(b.day)!;
    const code = b.code ?? newCode(new Set(codes.keys()));
    codes.set(code, b.appointmentId);
    results[row] = { appointmentId: b.appointmentId, code, result: 'booked' };
    return { ...b, code };
  });
  // The same row twice is one appointment: the repeat answers like the first, as unchanged.
  for (const t of twins) if (results[t.first]) results[t.row] = { ...results[t.first]!, result: 'unchanged' };
  const written = await deps.author.write(
    hall,
    payloads.map((payload) => ({ type: 'appointment.booked' as const, payload })),
  );
  return {
    ok: true,
    result: {
      imported: payloads.length,
      unchanged: results.filter((r) => r?.result === 'unchanged').length,
      appointments: results,
      ...(written.length ? { serverSeq: written[written.length - 1]!.s } : {}),
    },
  };
}

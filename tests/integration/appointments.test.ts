import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHHMM, zonedTimeToUtc } from '../../shared/schedule';
import { openPostgres } from '../../server/db/postgres';
import { MINUTE, MONDAY_10AM, TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

// Monday 2026-11-23 10:00 in Shanghai. Wednesday the 25th is a holiday in this hall.
const MON = '2026-11-23';
const TUE = '2026-11-24';
const WED = '2026-11-25';
const SAT = '2026-11-28';
const SUN = '2026-11-29';
const at = (day: string, hhmm: string) => zonedTimeToUtc(day, parseHHMM(hhmm), 'Asia/Shanghai');
const slot = (day: string, from: string, to: string) => ({ slotFrom: at(day, from), slotTo: at(day, to) });
const person = { idHash: 'a'.repeat(64), idMasked: '110***********1234', nameMasked: '张*' };

const services = [
  { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } },
  // Real estate only on Monday afternoons in this hall.
  { id: 'estate', prefix: 'C', name: { zh: '不动产登记', en: 'Real estate' }, schedule: { weekly: { mon: [{ from: '13:00', to: '15:00', mode: 'open' }] } } },
];

async function configure(s: RunningServer) {
  const put = async (kind: string, id: string, value: unknown) => {
    const r = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind, id, value } });
    expect(r.status).toBe(200);
  };
  for (const svc of services) await put('service', svc.id, svc);
  await put('window', 'w1', { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }, { serviceId: 'estate' }] });
  await put('schedule', 'hall', { holidays: [WED] });
}

describe.each(DB_KINDS)('appointments API on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let bookingToken: string;
  let counterToken: string;
  let kioskToken: string;
  let displayToken: string;
  let kiosk: TestTerminal;
  const clock = MONDAY_10AM;
  const now = () => clock;

  const book = (token: string, body: unknown) => call(s.url, 'POST', '/api/appointments', { token, body });
  const list = (token: string, day: string) => call(s.url, 'GET', `/api/appointments?day=${day}`, { token });
  const bookedEvents = async () =>
    (await tdb.db.query<{ body: any }>(`SELECT body FROM events WHERE type = 'appointment.booked' ORDER BY server_seq`)).rows.map((r) => r.body);

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now });
    await configure(s);
    bookingToken = (await enrollTerminal(s, 'booking-1', 'booking')).token;
    counterToken = (await enrollTerminal(s, 'counter-1', 'counter', 'w1')).token;
    displayToken = (await enrollTerminal(s, 'display-1', 'display')).token;
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-1', now, k.epoch);
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('R6 online: the booking platform books a slot in the service hours, stored as an appointment.booked event every terminal pulls', async () => {
    const r = await book(bookingToken, { appointmentId: 'web-1', serviceId: 'hukou', ...slot(TUE, '09:30', '10:00'), person });
    expect(r.status).toBe(201);
    expect(r.body.appointment).toMatchObject({ appointmentId: 'web-1', day: TUE, slot: '09:30-10:00', channel: 'online', status: 'booked', service: { zh: '户籍办理' } });
    const e = (await bookedEvents()).find((x) => x.payload.appointmentId === 'web-1');
    expect(e).toMatchObject({ type: 'appointment.booked', hall: s.hall, payload: { serviceId: 'hukou', day: TUE, channel: 'online', person } });
    const pulled = await call(s.url, 'GET', '/api/sync/pull?after=0&limit=1000', { token: kioskToken });
    expect(pulled.body.events.some((x: any) => x.e.type === 'appointment.booked' && x.e.payload.appointmentId === 'web-1')).toBe(true);
    const day = await list(bookingToken, TUE);
    expect(day.body.appointments.map((a: any) => a.appointmentId)).toContain('web-1');
  });

  it('R6 check-in: the server makes a readable code when the booking brings none; a code is unique on its day', async () => {
    const r = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '10:00', '10:30') });
    expect(r.status).toBe(201);
    expect(r.body.appointment.appointmentId).toMatch(/^ap-/);
    expect(r.body.appointment.code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const mine = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '10:30', '11:00'), code: 'QR123456' });
    expect(mine.body.appointment.code).toBe('QR123456');
    const again = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '11:00', '11:30'), code: 'QR123456' });
    expect(again).toMatchObject({ status: 409, body: { error: 'duplicate-code' } });
    // Another day may use it.
    expect((await book(bookingToken, { serviceId: 'hukou', ...slot(MON, '14:00', '14:30'), code: 'QR123456' })).status).toBe(201);
  });

  it.each([
    ['the 08:30-09:00 appointment-only period (R5 extended hours)', 'hukou', slot(TUE, '08:30', '09:00')],
    ['a slot running from the open day into the 17:00-17:30 extended period', 'hukou', slot(TUE, '16:45', '17:15')],
    ['Saturday 09:00-13:00, appointment only (R5)', 'hukou', slot(SAT, '09:00', '09:30')],
    ["the service's own Monday afternoon", 'estate', slot(MON, '13:00', '13:30')],
  ])('R5: a slot in %s is accepted', async (_what, serviceId, sl) => {
    const r = await book(s.adminToken, { serviceId, ...sl });
    expect(r.status).toBe(201);
    expect(r.body.appointment.channel).toBe('phone');
  });

  it.each([
    ['before the hall opens', 'hukou', slot(TUE, '07:30', '08:00')],
    ['past the end of the extended hours', 'hukou', slot(TUE, '17:20', '17:40')],
    ['on a Sunday', 'hukou', slot(SUN, '10:00', '10:30')],
    ['on a holiday, even a weekday', 'hukou', slot(WED, '10:00', '10:30')],
    ["outside the service's own timetable", 'estate', slot(TUE, '13:00', '13:30')],
  ])('R5: a slot %s is refused as outside the service hours', async (_what, serviceId, sl) => {
    const r = await book(s.adminToken, { serviceId, ...sl });
    expect(r).toMatchObject({ status: 400, body: { error: 'slot-outside-hours' } });
    expect(r.body.message).toMatch(/^slotFrom: /);
    expect(r.body.messageZh).toMatch(/办理时间/);
  });

  it('a slot that ends before it starts, lies on another day than given, or is over is refused', async () => {
    expect((await book(s.adminToken, { serviceId: 'hukou', slotFrom: at(TUE, '10:00'), slotTo: at(TUE, '09:30') })).body.error).toBe('bad-slot');
    expect((await book(s.adminToken, { serviceId: 'hukou', day: MON, ...slot(TUE, '10:00', '10:30') })).body.error).toBe('slot-wrong-day');
    expect((await book(s.adminToken, { serviceId: 'hukou', ...slot(MON, '09:00', '09:30') })).body.error).toBe('slot-past');
  });

  it('an unknown service or a malformed booking is refused with a bilingual message', async () => {
    const unknown = await book(bookingToken, { serviceId: 'nope', ...slot(TUE, '10:00', '10:30') });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown-service', messageZh: '没有该业务' } });
    const typo = await book(bookingToken, { serviceId: 'hukou', slotfrom: 1, slotTo: 2 });
    expect(typo.status).toBe(400);
    expect(typo.body).toMatchObject({ error: 'bad-request', messageZh: expect.any(String) });
  });

  it('R21: only masked personal data is accepted, and the list never shows the keyed ID hash', async () => {
    const full = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '13:00', '13:30'), person: { ...person, idMasked: '110101199001011234' } });
    expect(full).toMatchObject({ status: 400, body: { error: 'not-masked' } });
    const name = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '13:00', '13:30'), person: { ...person, nameMasked: '张三' } });
    expect(name).toMatchObject({ status: 400, body: { error: 'not-masked' } });
    const day = await list(s.adminToken, TUE);
    const withPerson = day.body.appointments.find((a: any) => a.appointmentId === 'web-1');
    expect(withPerson.person).toEqual({ idMasked: '110***********1234', nameMasked: '张*' });
    expect(JSON.stringify(day.body)).not.toContain(person.idHash);
  });

  it('R6 channels: a counter books on site, the platform only online and sees only online bookings; kiosks and displays may not book', async () => {
    const onsite = await book(counterToken, { appointmentId: 'desk-1', serviceId: 'hukou', ...slot(TUE, '14:00', '14:30') });
    expect(onsite.body.appointment.channel).toBe('onsite');
    const phone = await book(bookingToken, { serviceId: 'hukou', ...slot(TUE, '14:00', '14:30'), channel: 'phone' });
    expect(phone).toMatchObject({ status: 403, body: { error: 'channel-not-allowed' } });
    const platform = await list(bookingToken, TUE);
    expect(platform.body.appointments.every((a: any) => a.channel === 'online')).toBe(true);
    const counter = await list(counterToken, TUE);
    expect(counter.body.appointments.map((a: any) => a.appointmentId)).toContain('desk-1');
    expect(counter.body.appointments.map((a: any) => a.slotFrom)).toEqual([...counter.body.appointments.map((a: any) => a.slotFrom)].sort((a, b) => a - b));
    for (const token of [kioskToken, displayToken]) {
      expect((await book(token, { serviceId: 'hukou', ...slot(TUE, '14:00', '14:30') })).body.error).toBe('role-not-allowed');
      expect((await list(token, TUE)).status).toBe(403);
    }
    expect((await call(s.url, 'GET', `/api/appointments?day=${TUE}`)).status).toBe(401);
  });

  it('R6: cancelling writes appointment.cancelled once; a repeated DELETE is harmless; the platform cancels only online bookings', async () => {
    await book(bookingToken, { appointmentId: 'web-cancel', serviceId: 'hukou', ...slot(TUE, '15:00', '15:30') });
    const r = await call(s.url, 'DELETE', '/api/appointments/web-cancel', { token: bookingToken });
    expect(r).toMatchObject({ status: 200, body: { appointmentId: 'web-cancel', status: 'cancelled' } });
    const again = await call(s.url, 'DELETE', '/api/appointments/web-cancel', { token: bookingToken });
    expect(again).toMatchObject({ status: 200, body: { status: 'cancelled', unchanged: true } });
    const cancels = await tdb.db.query(`SELECT 1 FROM events WHERE type = 'appointment.cancelled' AND body->'payload'->>'appointmentId' = 'web-cancel'`);
    expect(cancels.rows).toHaveLength(1);
    expect((await list(s.adminToken, TUE)).body.appointments.find((a: any) => a.appointmentId === 'web-cancel').status).toBe('cancelled');
    expect((await call(s.url, 'DELETE', '/api/appointments/desk-1', { token: bookingToken })).body.error).toBe('channel-not-allowed');
    expect((await call(s.url, 'DELETE', '/api/appointments/nobody', { token: s.adminToken })).status).toBe(404);
  });

  it('R6 check-in: an appointment checked in at the kiosk is listed with its ticket and can no longer be cancelled', async () => {
    await book(s.adminToken, { appointmentId: 'today-1', serviceId: 'hukou', ...slot(MON, '10:30', '11:00') });
    // The kiosk has pulled the booking: its clock is past it, as a synced terminal's is.
    kiosk.clock.receive((await tdb.db.query<{ h: string }>('SELECT max(hlc) AS h FROM events')).rows[0]!.h);
    const ticket = kiosk.emit('ticket.issued', {
      ticketId: kiosk.nextId(),
      serviceId: 'hukou',
      number: 'A001',
      numberSource: 'server',
      day: MON,
      channel: 'appointment',
      priority: 'appointment',
      appointmentId: 'today-1',
    });
    expect((await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [ticket] } })).status).toBe(200);
    const listed = (await list(counterToken, MON)).body.appointments.find((a: any) => a.appointmentId === 'today-1');
    expect(listed).toMatchObject({ status: 'checked-in', ticketId: ticket.payload.ticketId, ticketNumber: 'A001' });
    const r = await call(s.url, 'DELETE', '/api/appointments/today-1', { token: s.adminToken });
    expect(r).toMatchObject({ status: 409, body: { error: 'appointment-checked-in' } });
  });

  it('a repeated POST with the same appointmentId answers unchanged; other content under that id is a conflict', async () => {
    const body = { appointmentId: 'web-retry', serviceId: 'hukou', ...slot(TUE, '15:30', '16:00') };
    expect((await book(bookingToken, body)).status).toBe(201);
    const retry = await book(bookingToken, body);
    expect(retry).toMatchObject({ status: 200, body: { unchanged: true, appointment: { appointmentId: 'web-retry' } } });
    expect((await book(bookingToken, { ...body, ...slot(TUE, '16:00', '16:30') })).body.error).toBe('appointment-conflict');
    expect((await bookedEvents()).filter((e) => e.payload.appointmentId === 'web-retry')).toHaveLength(1);
  });

  it('import: the platform imports 1000 appointments in one call, each an appointment.booked event with a code', async () => {
    const days = ['2026-11-26', '2026-11-27', '2026-11-30'];
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const day = days[Math.floor(i / 16) % 3]!;
      const from = at(day, '09:00') + (i % 16) * 30 * MINUTE;
      return { appointmentId: `imp-${i}`, serviceId: 'hukou', slotFrom: from, slotTo: from + 30 * MINUTE };
    });
    const before = (await bookedEvents()).length;
    const r = await call(s.url, 'POST', '/api/appointments/import', { token: bookingToken, body: { appointments: rows } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ imported: 1000, unchanged: 0 });
    expect(r.body.appointments).toHaveLength(1000);
    expect(r.body.appointments[7]).toMatchObject({ appointmentId: 'imp-7', result: 'booked', code: expect.stringMatching(/^[A-Z2-9]{10}$/) });
    expect((await bookedEvents()).length).toBe(before + 1000);
    // Re-importing the same rows changes nothing (the platform retried after a timeout).
    const again = await call(s.url, 'POST', '/api/appointments/import', { token: bookingToken, body: { appointments: rows } });
    expect(again.body).toMatchObject({ imported: 0, unchanged: 1000 });
    expect(again.body.appointments[7].code).toBe(r.body.appointments[7].code);
    expect((await bookedEvents()).length).toBe(before + 1000);
    expect((await list(bookingToken, '2026-11-27')).body.appointments.filter((a: any) => a.appointmentId.startsWith('imp-'))).toHaveLength(336);
  });

  it('import is all or nothing: invalid rows store nothing, and every error names its row and field', async () => {
    const good = { appointmentId: 'batch-ok', serviceId: 'hukou', ...slot(TUE, '09:00', '09:30') };
    const rows = [
      good,
      { appointmentId: 'batch-2', serviceId: 'nope', ...slot(TUE, '09:00', '09:30') },
      { appointmentId: 'batch-3', serviceId: 'hukou', ...slot(SUN, '09:00', '09:30') },
      { serviceId: 'hukou', ...slot(TUE, '09:00', '09:30') },
      { appointmentId: 'batch-5', serviceId: 'hukou', slotFrom: 'soon', slotTo: 1 },
      { appointmentId: 'web-1', serviceId: 'hukou', ...slot(TUE, '16:00', '16:30') },
      { ...good, code: 'OTHERCODE1' },
    ];
    const before = (await bookedEvents()).length;
    const r = await call(s.url, 'POST', '/api/appointments/import', { token: bookingToken, body: { appointments: rows } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'invalid-rows', messageZh: expect.stringContaining('未导入') });
    const errors = r.body.rows.map((e: any) => [e.row, e.field, e.code]);
    expect(errors).toEqual([
      [1, 'serviceId', 'unknown-service'],
      [2, 'slotFrom', 'slot-outside-hours'],
      [3, 'appointmentId', 'required'],
      [4, 'slotFrom', 'invalid'],
      [5, 'appointmentId', 'appointment-conflict'],
      [6, 'appointmentId', 'duplicate-in-import'],
    ]);
    expect((await bookedEvents()).length).toBe(before);
    // The valid row alone goes in.
    expect((await call(s.url, 'POST', '/api/appointments/import', { token: bookingToken, body: { appointments: [good] } })).body.imported).toBe(1);
  });

  it('import: more than 1000 rows are refused, and only the platform and the admin import', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ appointmentId: `x-${i}` }));
    const r = await call(s.url, 'POST', '/api/appointments/import', { token: bookingToken, body: { appointments: rows } });
    expect(r).toMatchObject({ status: 413, body: { error: 'too-many-appointments' } });
    expect((await call(s.url, 'POST', '/api/appointments/import', { token: counterToken, body: { appointments: [] } })).status).toBe(403);
  });

  it('concurrent bookings of one appointmentId through two server instances store exactly one', async () => {
    const db2 = kind === 'postgres' ? await openPostgres(tdb.url!) : tdb.db;
    const s2 = await startServer(db2, { now });
    try {
      const hours = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'];
      const answers = await Promise.all(
        hours.map((h, i) =>
          call(i % 2 ? s2.url : s.url, 'POST', '/api/appointments', {
            token: bookingToken,
            body: { appointmentId: 'race-1', serviceId: 'hukou', slotFrom: at(TUE, h), slotTo: at(TUE, h) + 30 * MINUTE },
          }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect((await bookedEvents()).filter((e) => e.payload.appointmentId === 'race-1')).toHaveLength(1);
    } finally {
      await s2.stop();
      if (db2 !== tdb.db) await db2.close();
    }
  });

  it('appointments are read through indexes by day and by id, not by scanning the log', async () => {
    const plan = (sql: string, params: unknown[]) =>
      tdb.db.tx(async (q) => {
        await q.query('SET LOCAL enable_seqscan = off');
        return (await q.query<Record<string, string>>(`EXPLAIN ${sql}`, params)).rows.map((x) => Object.values(x)[0]).join('\n');
      });
    expect(
      await plan(`SELECT 1 FROM events WHERE hall = $1 AND type = 'appointment.booked' AND (body->'payload'->>'day') = $2`, [s.hall, TUE]),
    ).toContain('events_appointment_day');
    expect(
      await plan(
        `SELECT body FROM events WHERE hall = $1 AND (body->'payload'->>'appointmentId') IS NOT NULL AND (body->'payload'->>'appointmentId') = ANY($2::text[])`,
        [s.hall, ['web-1']],
      ),
    ).toContain('events_appointment_id');
  });

  it('R6: an appointment booked days ahead is listed on its day, and its check-in is still shown days later', async () => {
    const db2 = await freshDb(kind);
    let t = MONDAY_10AM - 4 * 24 * 60 * MINUTE; // the Thursday before
    const s2 = await startServer(db2.db, { now: () => t });
    try {
      await configure(s2);
      const b = (await enrollTerminal(s2, 'booking-1', 'booking')).token;
      expect((await call(s2.url, 'POST', '/api/appointments', { token: b, body: { appointmentId: 'early', serviceId: 'hukou', ...slot(MON, '11:00', '11:30') } })).status).toBe(201);
      t = MONDAY_10AM;
      const r = await call(s2.url, 'GET', `/api/appointments?day=${MON}`, { token: b });
      expect(r.body.appointments.map((a: any) => a.appointmentId)).toEqual(['early']);
      // And today is the default day.
      expect((await call(s2.url, 'GET', '/api/appointments', { token: b })).body.day).toBe(MON);
      // Checked in on the day, it still lists as checked in days later.
      const k = await enrollTerminal(s2, 'kiosk-1', 'kiosk');
      const kiosk2 = new TestTerminal('kiosk-1', () => t, k.epoch);
      kiosk2.clock.receive((await db2.db.query<{ h: string }>('SELECT max(hlc) AS h FROM events')).rows[0]!.h);
      const ticket = kiosk2.emit('ticket.issued', {
        ticketId: kiosk2.nextId(),
        serviceId: 'hukou',
        number: 'A001',
        numberSource: 'server',
        day: MON,
        channel: 'appointment',
        priority: 'appointment',
        appointmentId: 'early',
      });
      expect((await call(s2.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [ticket] } })).status).toBe(200);
      t = MONDAY_10AM + 3 * 24 * 60 * MINUTE;
      const later = await call(s2.url, 'GET', `/api/appointments?day=${MON}`, { token: b });
      expect(later.body.appointments).toMatchObject([{ appointmentId: 'early', status: 'checked-in', ticketNumber: 'A001' }]);
    } finally {
      await s2.stop();
      await db2.drop();
    }
  });
});

import { describe, it, expect } from 'vitest';
import { checkIssue, decideIssue, type IssueRequest } from '../../shared/actions';
import { HallFold, type HallState } from '../../shared/fold';
import { HALL, makeHall, MINUTE, type TestHall, type TestTerminal } from '../support/hall';
import { card, DAY, sh, stepped } from '../support/flow';

const MON = '2026-11-23';
const TUE = '2026-11-24';
const HAN = /\p{Script=Han}/u;

/** A hall at a Shanghai wall time on Monday 23 November 2026, every action a second apart. */
function hallAt(hhmm = '10:00'): TestHall {
  const h = stepped(makeHall(sh(MON, hhmm)));
  h.advance(1000);
  return h;
}

function request(h: TestHall, req: Omit<IssueRequest, 'now' | 'channel'> & { channel?: IssueRequest['channel'] }): IssueRequest {
  return { channel: 'kiosk', ...req, now: h.now() };
}

/** The refusal, or a failed expectation if the ticket was allowed. */
function refusal(h: TestHall, req: Omit<IssueRequest, 'now' | 'channel'> & { channel?: IssueRequest['channel'] }) {
  const d = checkIssue(h.fold.state, request(h, req));
  if (d.ok) throw new Error(`expected a refusal, got ${d.priority}`);
  return d;
}

function expectBilingual(message: { zh: string; en: string }, ...contains: string[]): void {
  expect(message.zh).toMatch(HAN);
  expect(message.en).toMatch(/[A-Za-z]{3}/);
  expect(message.en).not.toMatch(HAN);
  for (const c of contains) {
    expect(message.zh).toContain(c);
    expect(message.en).toContain(c);
  }
}

const bookingDesks = new WeakMap<TestHall['fold'], TestTerminal>();

/** The booking system's terminal of this hall (one, so its event sequence runs on). */
function bookingDesk(h: TestHall): TestTerminal {
  let t = bookingDesks.get(h.fold);
  if (!t) bookingDesks.set(h.fold, (t = h.terminal('booking')));
  return t;
}

function book(
  h: TestHall,
  id: string,
  opts: { serviceId?: string; day?: string; from: string; to: string },
): void {
  const day = opts.day ?? MON;
  h.emit(bookingDesk(h), 'appointment.booked', {
    appointmentId: id,
    serviceId: opts.serviceId ?? 'hukou',
    day,
    slotFrom: sh(day, opts.from),
    slotTo: sh(day, opts.to),
    channel: 'online',
    code: `CODE${id.replace(/[^A-Za-z0-9]/g, '')}00`,
  });
}

function notes(s: HallState, code: string) {
  return s.notes.filter((n) => n.code === code);
}

describe('per-person daily limit (R12)', () => {
  it('R12: a person over the per-service daily limit is refused, with a message in zh and en', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const me = card('1990-05-01');
    for (let i = 0; i < 3; i++) h.issue(kiosk, { serviceId: 'hukou', card: me });

    const r = refusal(h, { serviceId: 'hukou', card: me });
    expect(r.code).toBe('person-limit');
    expectBilingual(r.message, '3');
    expect(() => h.issue(kiosk, { serviceId: 'hukou', card: me })).toThrow(/person-limit/);

    // Someone else is not affected.
    h.issue(kiosk, { serviceId: 'hukou', card: card('1990-05-01', '李四', '456') });
    expect(h.fold.state.stats.get(`${MON}|hukou`)?.issued).toBe(4);
  });

  it('R12: the daily limit is per service: the same person can still take other services', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const me = card('1990-05-01');
    for (let i = 0; i < 3; i++) h.issue(kiosk, { serviceId: 'hukou', card: me });
    expect(refusal(h, { serviceId: 'hukou', card: me }).code).toBe('person-limit');

    const id = h.issue(kiosk, { serviceId: 'social', card: me });
    expect(h.fold.state.tickets.get(id)?.number).toBe('B001');
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'social', card: me })).ok).toBe(true);
  });

  it('R12: the limit starts again the next day', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const me = card('1990-05-01');
    for (let i = 0; i < 3; i++) h.issue(kiosk, { serviceId: 'hukou', card: me });
    h.advance(DAY);
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'hukou', card: me })).ok).toBe(true);
  });

  it('R12: a voided ticket (print failed) does not count against the limit', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const me = card('1990-05-01');
    const first = h.issue(kiosk, { serviceId: 'hukou', card: me });
    h.issue(kiosk, { serviceId: 'hukou', card: me });
    h.issue(kiosk, { serviceId: 'hukou', card: me });
    h.emit(kiosk, 'ticket.voided', { ticketId: first, reason: 'print-failed' });
    expect(h.fold.state.tickets.get(first)?.status).toBe('voided');

    const again = h.issue(kiosk, { serviceId: 'hukou', card: me });
    expect(h.fold.state.tickets.get(again)?.status).toBe('waiting');
    expect(refusal(h, { serviceId: 'hukou', card: me }).code).toBe('person-limit');
  });

  it("R12: a service's own perPersonDailyLimit overrides the hall policy", () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    h.emit(h.admin, 'config.changed', {
      kind: 'service',
      id: 'hukou',
      value: { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' }, perPersonDailyLimit: 1 },
    });
    // The hall allows more than the default, but the service's own limit still wins.
    h.emit(h.admin, 'config.changed', { kind: 'policy', id: 'hall', value: { perPersonDailyLimit: 5 } });
    const me = card('1990-05-01');
    h.issue(kiosk, { serviceId: 'hukou', card: me });
    const r = refusal(h, { serviceId: 'hukou', card: me });
    expect(r.code).toBe('person-limit');
    expectBilingual(r.message, '1');

    // A service without its own limit follows the policy: five social tickets.
    for (let i = 0; i < 5; i++) h.issue(kiosk, { serviceId: 'social', card: me });
    const s = refusal(h, { serviceId: 'social', card: me });
    expect(s.code).toBe('person-limit');
    expectBilingual(s.message, '5');
  });
});

describe('priority classes (R7)', () => {
  it('R7: a citizen of 60 (birth date from the ID card) automatically gets special priority, reason elderly', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    // 60 on the very day.
    const id = h.issue(kiosk, { serviceId: 'hukou', card: card('1966-11-23') });
    const t = h.fold.state.tickets.get(id);
    expect(t?.priority).toBe('special');
    expect(t?.priorityReason).toBe('elderly');
    expect(notes(h.fold.state, 'priority-not-granted')).toEqual([]);
  });

  it('R7: a 59-year-old gets no automatic priority', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    // 60 tomorrow.
    const id = h.issue(kiosk, { serviceId: 'hukou', card: card('1966-11-24') });
    const t = h.fold.state.tickets.get(id);
    expect(t?.priority).toBe('normal');
    expect(t?.priorityReason).toBeUndefined();
  });

  it("R7: changing the policy's elderlyAge by config.changed changes who is elderly", () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const fiftyNine = card('1967-01-01', '张三', '111');
    const sixtyTwo = card('1964-01-01', '李四', '222');
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'hukou', card: fiftyNine }))).toMatchObject({ ok: true, priority: 'normal' });

    h.emit(h.admin, 'config.changed', { kind: 'policy', id: 'hall', value: { elderlyAge: 55 } });
    const a = h.issue(kiosk, { serviceId: 'hukou', card: fiftyNine });
    expect(h.fold.state.tickets.get(a)).toMatchObject({ priority: 'special', priorityReason: 'elderly' });

    h.emit(h.admin, 'config.changed', { kind: 'policy', id: 'hall', value: { elderlyAge: 65 } });
    const b = h.issue(kiosk, { serviceId: 'hukou', card: sixtyTwo });
    expect(h.fold.state.tickets.get(b)?.priority).toBe('normal');
  });

  it('R7: a veteran who declares so at the kiosk gets special priority', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const id = h.issue(kiosk, { serviceId: 'social', declared: 'veteran' });
    expect(h.fold.state.tickets.get(id)).toMatchObject({ priority: 'special', priorityReason: 'veteran', channel: 'kiosk' });
  });

  it('R7, R13: the green channel is granted only by staff issuing through the assisted channel', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const counter = h.terminal('counter-1');
    // Asked for at the kiosk: no green channel.
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'hukou', green: true }))).toMatchObject({ ok: true, priority: 'normal' });
    const walkIn = h.issue(kiosk, { serviceId: 'hukou', green: true });
    expect(h.fold.state.tickets.get(walkIn)?.priority).toBe('normal');

    const assisted = h.issue(counter, { serviceId: 'hukou', green: true, channel: 'assisted', staffId: 's1' });
    expect(h.fold.state.tickets.get(assisted)).toMatchObject({
      priority: 'green',
      priorityReason: 'key-project',
      channel: 'assisted',
      staffId: 's1',
    });
    expect(notes(h.fold.state, 'priority-not-granted')).toEqual([]);
  });

  it("R7: a kiosk event claiming the green channel is folded as normal with a note 'priority-not-granted'", () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const ticketId = kiosk.nextId();
    h.emit(kiosk, 'ticket.issued', {
      ticketId,
      serviceId: 'hukou',
      number: 'A001',
      numberSource: 'server',
      day: MON,
      channel: 'kiosk',
      priority: 'green',
    });
    expect(h.fold.state.tickets.get(ticketId)?.priority).toBe('normal');
    expect(notes(h.fold.state, 'priority-not-granted')).toHaveLength(1);
  });
});

describe('opening hours, quotas and real-name services (R5, R12)', () => {
  it('R5: at 08:45 on a workday walk-ins are refused as appointment-only and told to come back at 09:00', () => {
    const h = hallAt('08:45');
    const r = refusal(h, { serviceId: 'hukou' });
    expect(r.code).toBe('appointment-only');
    expectBilingual(r.message, '09:00');
    expect(() => h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou' })).toThrow(/appointment-only/);
  });

  it("R5, R6: at 08:45 an appointment booked for that slot checks in with priority 'appointment'", () => {
    const h = hallAt('08:45');
    book(h, 'apt-1', { from: '08:30', to: '09:00' });
    const id = h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou', appointmentId: 'apt-1' });
    const t = h.fold.state.tickets.get(id);
    expect(t).toMatchObject({ priority: 'appointment', appointmentId: 'apt-1', number: 'A001', status: 'waiting', channel: 'appointment' });
    expect(h.fold.state.appointments.get('apt-1')).toMatchObject({ status: 'checked-in', ticketId: id });
    expect(notes(h.fold.state, 'priority-not-granted')).toEqual([]);
  });

  it("R5: on a holiday set by a config.changed schedule event, tickets are refused as 'closed'", () => {
    const h = hallAt();
    h.emit(h.admin, 'config.changed', { kind: 'schedule', id: 'hall', value: { holidays: [MON] } });
    const r = refusal(h, { serviceId: 'hukou' });
    expect(r.code).toBe('closed');
    // The next walk-in opening is Tuesday 09:00.
    expectBilingual(r.message, '09:00');
    expect(r.message.en).toContain('24 Nov');
    expect(refusal(h, { serviceId: 'hukou', channel: 'assisted' }).code).toBe('closed');
  });

  it('R5: walk-ins stop 30 minutes before the last open period ends (17:00): refused at 16:40, but an appointment still checks in', () => {
    const h = hallAt('16:29');
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'hukou' })).ok).toBe(true);

    h.advance(11 * MINUTE); // 16:40
    const r = refusal(h, { serviceId: 'hukou' });
    expect(r.code).toBe('closed');
    expect(r.availability?.reason).toBe('cut-off');
    // Come back tomorrow at 09:00.
    expectBilingual(r.message, '09:00');

    book(h, 'apt-late', { from: '16:30', to: '17:00' });
    const id = h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou', appointmentId: 'apt-late' });
    expect(h.fold.state.tickets.get(id)?.priority).toBe('appointment');
  });

  it('R5, R13: staff can issue on a citizen’s behalf (assisted) in appointment-only hours', () => {
    const h = hallAt('08:45');
    const id = h.issue(h.terminal('counter-1'), { serviceId: 'social', channel: 'assisted', staffId: 's1' });
    expect(h.fold.state.tickets.get(id)).toMatchObject({ status: 'waiting', channel: 'assisted', staffId: 's1', number: 'B001' });

    h.advance(8 * 60 * MINUTE); // 16:45, after the walk-in cut-off
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'social', channel: 'assisted' })).ok).toBe(true);
    expect(refusal(h, { serviceId: 'social' }).code).toBe('closed');
  });

  it("R5: once a service's daily quota is reached, tickets are refused with 'quota-reached'", () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    h.emit(h.admin, 'config.changed', {
      kind: 'service',
      id: 'social',
      value: { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' }, schedule: { dailyQuota: 2 } },
    });
    const first = h.issue(kiosk, { serviceId: 'social' });
    h.issue(kiosk, { serviceId: 'social' });
    const r = refusal(h, { serviceId: 'social' });
    expect(r.code).toBe('quota-reached');
    expectBilingual(r.message, '09:00');
    // Other services are not affected.
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'hukou' })).ok).toBe(true);
    // A ticket that never reached the citizen gives its place back.
    h.emit(kiosk, 'ticket.voided', { ticketId: first, reason: 'print-failed' });
    expect(checkIssue(h.fold.state, request(h, { serviceId: 'social' })).ok).toBe(true);
  });

  it("R12: a real-name service (estate) refuses a ticket without an ID card ('id-required')", () => {
    const h = hallAt();
    const r = refusal(h, { serviceId: 'estate' });
    expect(r.code).toBe('id-required');
    expectBilingual(r.message);

    const me = card('1985-03-10');
    const id = h.issue(h.terminal('kiosk-1'), { serviceId: 'estate', card: me });
    const t = h.fold.state.tickets.get(id);
    expect(t?.number).toBe('C001');
    // R21: only the hash and masked forms are kept.
    expect(t?.person).toEqual({ idHash: me.idHash, idMasked: me.idMasked, nameMasked: '张*' });
    expect(t?.person?.idMasked).toMatch(/^110\*{11}\d{3}[\dX]$/);
  });
});

describe('appointments (R6)', () => {
  it("R6: a second check-in of the same appointment is refused ('appointment-used')", () => {
    const h = hallAt();
    book(h, 'apt-1', { from: '10:00', to: '10:30' });
    h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou', appointmentId: 'apt-1' });
    const r = refusal(h, { serviceId: 'hukou', appointmentId: 'apt-1' });
    expect(r.code).toBe('appointment-used');
    expectBilingual(r.message);
  });

  it('R6: a check-in whose paper ticket failed to print (voided) can check in again for the e-ticket', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    book(h, 'apt-1', { from: '10:00', to: '10:30' });
    const paper = h.issue(kiosk, { serviceId: 'hukou', appointmentId: 'apt-1' });
    h.emit(kiosk, 'ticket.voided', { ticketId: paper, reason: 'print-failed' });
    expect(h.fold.state.appointments.get('apt-1')).toMatchObject({ status: 'booked' });
    const eticket = h.issue(kiosk, { serviceId: 'hukou', appointmentId: 'apt-1', medium: 'e-ticket' });
    expect(h.fold.state.tickets.get(eticket)).toMatchObject({ priority: 'appointment', medium: 'e-ticket', status: 'waiting' });
    expect(h.fold.state.appointments.get('apt-1')).toMatchObject({ status: 'checked-in', ticketId: eticket });
  });

  it('R5, R6: a service that is always by appointment tells a walk-in to book, not to come back later', () => {
    const h = hallAt();
    h.emit(h.admin, 'config.changed', {
      kind: 'service',
      id: 'social',
      value: { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' }, schedule: { appointmentOnly: true } },
    });
    const r = refusal(h, { serviceId: 'social' });
    expect(r.code).toBe('appointment-only');
    expectBilingual(r.message);
    expect(r.message.zh).toContain('须预约办理');
    expect(r.message.en).toContain('by appointment only');
  });

  it('R6: an appointment for another day is refused', () => {
    const h = hallAt();
    book(h, 'apt-tue', { day: TUE, from: '10:00', to: '10:30' });
    const r = refusal(h, { serviceId: 'hukou', appointmentId: 'apt-tue' });
    expect(r.code).toBe('appointment-other-day');
    expectBilingual(r.message, TUE);
    expect(h.fold.state.appointments.get('apt-tue')?.status).toBe('booked');
  });

  it('R6: a check-in later than 15 minutes after the slot ends gets a normal ticket and lateForAppointment', () => {
    const h = hallAt('09:46');
    book(h, 'apt-1', { from: '09:00', to: '09:30' });
    const kiosk = h.terminal('kiosk-1');
    const ticketId = kiosk.nextId();
    const d = decideIssue(h.fold.state, request(h, { serviceId: 'hukou', appointmentId: 'apt-1' }), { source: 'server', seq: 1 }, ticketId);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.lateForAppointment).toBe(true);
    expect(d.payload.priority).toBe('normal');
    h.emit(kiosk, 'ticket.issued', d.payload);
    expect(h.fold.state.tickets.get(ticketId)?.priority).toBe('normal');
    expect(h.fold.state.appointments.get('apt-1')?.status).toBe('checked-in');
  });

  it('R6: a check-in up to 15 minutes after the slot ends still counts as on time', () => {
    const h = hallAt('09:44');
    book(h, 'apt-1', { from: '09:00', to: '09:30' });
    const d = decideIssue(h.fold.state, request(h, { serviceId: 'hukou', appointmentId: 'apt-1' }), { source: 'server', seq: 1 }, 'kiosk-1~1:1');
    expect(d).toMatchObject({ ok: true, lateForAppointment: false, payload: { priority: 'appointment' } });
  });

  it('R6: a cancelled appointment is refused', () => {
    const h = hallAt();
    book(h, 'apt-1', { from: '10:00', to: '10:30' });
    h.emit(bookingDesk(h), 'appointment.cancelled', { appointmentId: 'apt-1' });
    const r = refusal(h, { serviceId: 'hukou', appointmentId: 'apt-1' });
    expect(r.code).toBe('appointment-unknown');
    expectBilingual(r.message);
  });
});

describe('ticket numbers', () => {
  it('server numbers run A001, A002 … per service prefix', () => {
    const h = hallAt();
    const kiosk = h.terminal('kiosk-1');
    const numbers = [
      h.issue(kiosk, { serviceId: 'hukou' }),
      h.issue(kiosk, { serviceId: 'hukou' }),
      h.issue(kiosk, { serviceId: 'social' }),
      h.issue(kiosk, { serviceId: 'hukou' }),
    ].map((id) => h.fold.state.tickets.get(id)?.number);
    expect(numbers).toEqual(['A001', 'A002', 'B001', 'A003']);
  });

  it("offline numbers carry the kiosk's series: AK001, AK002 from kiosk-1, AL001 from kiosk-2", () => {
    const h = hallAt();
    const k1 = h.terminal('kiosk-1');
    const k2 = h.terminal('kiosk-2');
    const numbers = [
      h.issue(k1, { serviceId: 'hukou' }, { source: 'offline', series: 'K' }),
      h.issue(k1, { serviceId: 'hukou' }, { source: 'offline', series: 'K' }),
      h.issue(k2, { serviceId: 'hukou' }, { source: 'offline', series: 'L' }),
      h.issue(k1, { serviceId: 'social' }, { source: 'offline', series: 'K' }),
    ].map((id) => h.fold.state.tickets.get(id));
    expect(numbers.map((t) => t?.number)).toEqual(['AK001', 'AK002', 'AL001', 'BK001']);
    expect(numbers.every((t) => t?.numberSource === 'offline')).toBe(true);
  });

  it('offline and server numbers never collide on a day', () => {
    const h = hallAt();
    const k1 = h.terminal('kiosk-1');
    const k2 = h.terminal('kiosk-2');
    // kiosk-1 loses the network: from here it folds only its own events, on a copy of the log.
    const offline = new HallFold(HALL);
    offline.addMany(h.fold.log);
    const issueOffline = (serviceId: string, kiosk: TestTerminal, series: string) => {
      h.advance(1000);
      const d = decideIssue(offline.state, { serviceId, channel: 'kiosk', now: h.now() }, { source: 'offline', series }, kiosk.nextId());
      if (!d.ok) throw new Error(d.code);
      offline.add(kiosk.emit('ticket.issued', d.payload));
    };

    h.issue(k2, { serviceId: 'hukou' });
    issueOffline('hukou', k1, 'K');
    h.issue(k2, { serviceId: 'hukou' });
    issueOffline('hukou', k1, 'K');
    h.issue(k2, { serviceId: 'social' });
    issueOffline('social', k1, 'K');
    h.issue(k2, { serviceId: 'hukou' }, { source: 'offline', series: 'L' });
    h.issue(k2, { serviceId: 'hukou' });
    issueOffline('hukou', k1, 'K');

    // Back online: the logs merge.
    h.fold.addMany(offline.log);
    const s = h.fold.state;
    const all = [...s.tickets.values()].map((t) => t.number);
    expect(all).toHaveLength(9);
    expect(new Set(all).size).toBe(9);
    expect(all.sort()).toEqual(['A001', 'A002', 'A003', 'AK001', 'AK002', 'AK003', 'AL001', 'B001', 'BK001']);
    expect(notes(s, 'number-collision')).toEqual([]);
    for (const t of s.tickets.values()) expect(s.numbers.get(`${MON}|${t.number}`)).toBe(t.id);
  });

  it("a second kiosk cannot take a series already in use: config.changed is refused with 'series-taken'", () => {
    const h = hallAt();
    h.emit(h.admin, 'config.changed', { kind: 'terminal', id: 'kiosk-2', value: { id: 'kiosk-2', role: 'kiosk', offlineSeries: 'K' } });
    expect(notes(h.fold.state, 'series-taken')).toHaveLength(1);
    expect(h.fold.state.config.terminals.get('kiosk-2')?.offlineSeries).toBe('L');
    expect(h.fold.state.config.terminals.get('kiosk-1')?.offlineSeries).toBe('K');
  });
});

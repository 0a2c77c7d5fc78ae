/**
 * Reports on a hall's two days, built through the real push path, checked figure by figure
 * against values worked out by hand (R8 ratings, R16 volumes, R18 "not done").
 *
 * The hall (Asia/Shanghai): services hukou (A), social (B), estate (C); window w1 takes hukou
 * and social, w2 social and estate; clerk s1 at w1, s2 at w2 (on Tuesday s2 takes over w1 at
 * 12:30, R11). Times below are hall time; every wait and service is a whole number of minutes.
 *
 * Monday 2026-11-23
 *   T1  A001  hukou  kiosk        normal        09:00  w1 call 09:10 start 09:11 done 09:20   rated 5 (a second rating, 1, is ignored: R8 一次一评)
 *   T2  A002  hukou  idcard       special       09:05  w1 call 09:21 start 09:22 done 09:40   rated 4
 *   T3  B001  social kiosk        normal        09:06  w2 call 09:08 start 09:09 not-done 09:30 rated 1 [slow, not-done]
 *   T4  B002  social assisted(s2) green         09:31  w2 call 09:33 start 09:34, transferred to hukou 09:40;
 *                                                      w1 call 09:45 start 09:46 done 10:00   rated 3
 *   T5  C001  estate kiosk        normal        10:00  w2 call 10:05, skipped 10:08 (no-show)
 *   T6  A003  hukou  appointment  appointment   10:02  w1 call 10:03 start 10:04 done 10:34   rating timed out (not rated)
 *   T7  AL001 hukou  kiosk        normal        10:10  issued offline by kiosk-2, pushed 10:50 (sorts into the past);
 *                                                      w1 call 10:55 start 10:56 done 11:06   rated 5
 *   T8  A004  hukou  kiosk        normal        10:20  cancelled 10:30 (never called)
 *   T11 A005  hukou  kiosk        normal        14:05  voided 14:05:10 (print failed: in no figure)
 *   T10 C002  estate idcard       normal        14:00  w2 call 14:10 start 14:12 needs-material 14:40  rated 2 [more-trips]
 *   T12 B003  social kiosk        green->normal 15:00  (a kiosk cannot grant green: the fold makes it normal, R7)
 *                                                      w1 call 15:02 start 15:03 done 15:15   rated 4
 *   T9  B004  social kiosk        normal        16:50  never called (unfinished)
 * Tuesday 2026-11-24
 *   U1  A001  hukou  kiosk        normal        09:00  w1 call 09:30 start 09:31 done 09:51   rated 5
 *   U2  B001  social kiosk        normal        09:10  w2 call 09:12 start 09:13 done 09:25   rated 5 (evaluator offline, pushed 10:30)
 *   U3  C001  estate idcard       special       09:20  w2 call 09:26, skipped 09:29, requeued 09:35;
 *                                                      w2 call 09:40 start 09:41 done 10:00   rated 4 (pushed 10:30)
 *   U4  A002  hukou  kiosk        normal        13:00  w1 (s2) call 13:05, skipped 13:07 (no-show)
 *
 * wait = first call - issue; service = finish - start of the service that finished the ticket.
 */
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, PayloadInput } from '../../shared/events';
import { ReportSchema, type Figures } from '../../shared/reports/report';
import { zonedTimeToUtc } from '../../shared/schedule';
import { openPostgres } from '../../server/db/postgres';
import type { Db } from '../../server/db/db';
import { upsertFacts, type FactRow } from '../../server/store/reportsFacts';
import { factsSettled } from '../../server/store/reportsProjection';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const MON = '2026-11-23';
const TUE = '2026-11-24';
const THU = '2026-11-26';
const ZONE = 'Asia/Shanghai';
const at = (day: string, hhmmss: string) => {
  const [h, m, sec] = hhmmss.split(':').map(Number);
  return zonedTimeToUtc(day, h! * 60 + m!, ZONE) + (sec ?? 0) * 1000;
};
const person = (c: string) => ({ idHash: c.repeat(64), idMasked: '110***********1234', nameMasked: '张*' });

const HUKOU = { zh: '户籍办理', en: 'Household registration' };
const SOCIAL = { zh: '社保医保', en: 'Social insurance' };
const ESTATE = { zh: '不动产登记', en: 'Real estate registration' };

type FigureInput = Partial<Omit<Figures, 'byChannel' | 'byPriority' | 'levels'>> & {
  byChannel?: Partial<Figures['byChannel']>;
  byPriority?: Partial<Figures['byPriority']>;
  levels?: Partial<Figures['levels']>;
};
/** Figures with everything not named zero (or null for medians and rates). */
function fig(f: FigureInput): Figures {
  return {
    issued: 0,
    served: 0,
    notDone: 0,
    needsMaterial: 0,
    noShow: 0,
    cancelled: 0,
    unfinished: 0,
    transferred: 0,
    waited: 0,
    waitMedianMin: null,
    waitP90Min: null,
    timed: 0,
    serviceMedianMin: null,
    serviceP90Min: null,
    rated: 0,
    satisfied: 0,
    bad: 0,
    satisfactionRate: null,
    ...f,
    byChannel: { kiosk: 0, idcard: 0, appointment: 0, assisted: 0, ...f.byChannel },
    byPriority: { green: 0, appointment: 0, special: 0, normal: 0, ...f.byPriority },
    levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, ...f.levels },
  };
}

// --- hand-computed figures, Monday and Tuesday --------------------------------------------------
// percentile_cont(p) over n sorted values: position (n-1)p, interpolated between neighbours.

/** Whole hall, both days (T11 voided: 15 tickets). */
const TOTALS = fig({
  issued: 15,
  served: 9, // T1 T2 T4 T6 T7 T12 U1 U2 U3
  notDone: 1, // T3
  needsMaterial: 1, // T10
  noShow: 2, // T5 U4 (U3 came back and was served)
  cancelled: 1, // T8
  unfinished: 1, // T9; 9+1+1+2+1+1 = 15
  transferred: 1, // T4
  byChannel: { kiosk: 10, idcard: 3, appointment: 1, assisted: 1 }, // idcard T2 T10 U3; appointment T6; assisted T4
  byPriority: { green: 1, appointment: 1, special: 2, normal: 11 }, // green T4; special T2 U3; T12's green not granted
  // waits 1 2 2 2 2 5 5 6 10 10 16 30 45 (n=13): median = 7th = 5; p90 at 10.8: 16 + 0.8*(30-16) = 27.2
  waited: 13,
  waitMedianMin: 5,
  waitP90Min: 27.2,
  // services 9 10 12 12 14 18 19 20 21 28 30 (n=11): median = 6th = 18; p90 at 9.0: 28
  timed: 11,
  serviceMedianMin: 18,
  serviceP90Min: 28,
  // levels: T1 5, T2 4, T3 1, T4 3, T7 5, T10 2, T12 4, U1 5, U2 5, U3 4 (T6 timed out)
  rated: 10,
  satisfied: 7,
  bad: 2,
  satisfactionRate: 0.7,
  levels: { '1': 1, '2': 1, '3': 1, '4': 3, '5': 4 },
});

const BY_SERVICE = [
  {
    key: 'hukou',
    label: HUKOU,
    ...fig({
      issued: 8, // T1 T2 T4(transferred in) T6 T7 T8 U1 U4
      served: 6,
      noShow: 1, // U4
      cancelled: 1, // T8
      transferred: 1,
      byChannel: { kiosk: 5, idcard: 1, appointment: 1, assisted: 1 },
      byPriority: { green: 1, appointment: 1, special: 1, normal: 5 },
      // waits 1 2 5 10 16 30 45 (n=7): median 10; p90 at 5.4: 30 + 0.4*15 = 36
      waited: 7,
      waitMedianMin: 10,
      waitP90Min: 36,
      // services 9 10 14 18 20 30 (n=6): median (14+18)/2 = 16; p90 at 4.5: 20 + 0.5*10 = 25
      timed: 6,
      serviceMedianMin: 16,
      serviceP90Min: 25,
      rated: 5, // T1 5, T2 4, T4 3, T7 5, U1 5
      satisfied: 4,
      satisfactionRate: 0.8,
      levels: { '3': 1, '4': 1, '5': 3 },
    }),
  },
  {
    key: 'social',
    label: SOCIAL,
    ...fig({
      issued: 4, // T3 T9 T12 U2
      served: 2,
      notDone: 1,
      unfinished: 1,
      byChannel: { kiosk: 4 },
      byPriority: { normal: 4 },
      // waits 2 2 2
      waited: 3,
      waitMedianMin: 2,
      waitP90Min: 2,
      // services 12 12 21: median 12; p90 at 1.8: 12 + 0.8*9 = 19.2
      timed: 3,
      serviceMedianMin: 12,
      serviceP90Min: 19.2,
      rated: 3, // T3 1, T12 4, U2 5
      satisfied: 2,
      bad: 1,
      satisfactionRate: 0.6667,
      levels: { '1': 1, '4': 1, '5': 1 },
    }),
  },
  {
    key: 'estate',
    label: ESTATE,
    ...fig({
      issued: 3, // T5 T10 U3
      served: 1,
      needsMaterial: 1,
      noShow: 1,
      byChannel: { kiosk: 1, idcard: 2 },
      byPriority: { special: 1, normal: 2 },
      // waits 5 6 10: median 6; p90 at 1.8: 6 + 0.8*4 = 9.2
      waited: 3,
      waitMedianMin: 6,
      waitP90Min: 9.2,
      // services 19 28: median 23.5; p90 at 0.9: 19 + 0.9*9 = 27.1
      timed: 2,
      serviceMedianMin: 23.5,
      serviceP90Min: 27.1,
      rated: 2, // T10 2, U3 4
      satisfied: 1,
      bad: 1,
      satisfactionRate: 0.5,
      levels: { '2': 1, '4': 1 },
    }),
  },
];

const BY_WINDOW = [
  {
    key: 'w1',
    label: { zh: '1号窗口', en: 'Window 1' },
    ...fig({
      issued: 8, // T1 T2 T4 T6 T7 T12 U1 U4
      served: 7,
      noShow: 1,
      transferred: 1,
      byChannel: { kiosk: 5, idcard: 1, appointment: 1, assisted: 1 },
      byPriority: { green: 1, appointment: 1, special: 1, normal: 5 },
      // waits 1 2 2 5 10 16 30 45 (n=8): median (5+10)/2 = 7.5; p90 at 6.3: 30 + 0.3*15 = 34.5
      waited: 8,
      waitMedianMin: 7.5,
      waitP90Min: 34.5,
      // services 9 10 12 14 18 20 30 (n=7): median 14; p90 at 5.4: 20 + 0.4*10 = 24
      timed: 7,
      serviceMedianMin: 14,
      serviceP90Min: 24,
      rated: 6, // T1 5, T2 4, T4 3, T7 5, T12 4, U1 5
      satisfied: 5,
      satisfactionRate: 0.8333,
      levels: { '3': 1, '4': 2, '5': 3 },
    }),
  },
  {
    key: 'w2',
    label: { zh: '2号窗口', en: 'Window 2' },
    ...fig({
      issued: 5, // T3 T5 T10 U2 U3
      served: 2,
      notDone: 1,
      needsMaterial: 1,
      noShow: 1,
      byChannel: { kiosk: 3, idcard: 2 },
      byPriority: { special: 1, normal: 4 },
      // waits 2 2 5 6 10: median 5; p90 at 3.6: 6 + 0.6*4 = 8.4
      waited: 5,
      waitMedianMin: 5,
      waitP90Min: 8.4,
      // services 12 19 21 28: median 20; p90 at 2.7: 21 + 0.7*7 = 25.9
      timed: 4,
      serviceMedianMin: 20,
      serviceP90Min: 25.9,
      rated: 4, // T3 1, T10 2, U2 5, U3 4
      satisfied: 2,
      bad: 2,
      satisfactionRate: 0.5,
      levels: { '1': 1, '2': 1, '4': 1, '5': 1 },
    }),
  },
  // Never called: T8 (cancelled), T9 (still waiting).
  { key: null, label: null, ...fig({ issued: 2, cancelled: 1, unfinished: 1, byChannel: { kiosk: 2 }, byPriority: { normal: 2 } }) },
];

const BY_STAFF = [
  {
    key: 's1',
    label: { zh: '王芳', en: '王芳' },
    ...fig({
      issued: 7, // w1's tickets but U4 (s2 took over w1 on Tuesday)
      served: 7,
      transferred: 1, // T4: issued by s2 on the citizen's behalf, served by s1
      byChannel: { kiosk: 4, idcard: 1, appointment: 1, assisted: 1 },
      byPriority: { green: 1, appointment: 1, special: 1, normal: 4 },
      // waits 1 2 2 10 16 30 45 (n=7): median 10; p90 at 5.4: 30 + 0.4*15 = 36
      waited: 7,
      waitMedianMin: 10,
      waitP90Min: 36,
      timed: 7,
      serviceMedianMin: 14,
      serviceP90Min: 24,
      rated: 6,
      satisfied: 5,
      satisfactionRate: 0.8333,
      levels: { '3': 1, '4': 2, '5': 3 },
    }),
  },
  {
    key: 's2',
    label: { zh: '李强', en: '李强' },
    ...fig({
      issued: 6, // w2's five and U4
      served: 2,
      notDone: 1,
      needsMaterial: 1,
      noShow: 2,
      byChannel: { kiosk: 4, idcard: 2 },
      byPriority: { special: 1, normal: 5 },
      // waits 2 2 5 5 6 10 (n=6): median 5; p90 at 4.5: 6 + 0.5*4 = 8
      waited: 6,
      waitMedianMin: 5,
      waitP90Min: 8,
      timed: 4,
      serviceMedianMin: 20,
      serviceP90Min: 25.9,
      rated: 4,
      satisfied: 2,
      bad: 2,
      satisfactionRate: 0.5,
      levels: { '1': 1, '2': 1, '4': 1, '5': 1 },
    }),
  },
  { key: null, label: null, ...fig({ issued: 2, cancelled: 1, unfinished: 1, byChannel: { kiosk: 2 }, byPriority: { normal: 2 } }) },
];

/** Issued per hour: 09h T1 T2 T3 T4 U1 U2 U3; 10h T5 T6 T7 T8; 13h U4; 14h T10; 15h T12; 16h T9. Two open days. */
const HOURLY: Record<number, number> = { 9: 7, 10: 4, 13: 1, 14: 1, 15: 1, 16: 1 };

const DAILY = [
  // Monday waits 1 2 2 2 5 10 10 16 45: median 5; rated 7, satisfied 4 (T1 T2 T7 T12): 4/7
  { day: MON, issued: 11, served: 6, noShow: 1, waitMedianMin: 5, rated: 7, satisfactionRate: 0.5714 },
  // Tuesday waits 2 5 6 30: median 5.5; rated 3, all satisfied
  { day: TUE, issued: 4, served: 3, noShow: 1, waitMedianMin: 5.5, rated: 3, satisfactionRate: 1 },
];

/** Monday alone (groupBy hall). */
const MONDAY = fig({
  issued: 11,
  served: 6,
  notDone: 1,
  needsMaterial: 1,
  noShow: 1,
  cancelled: 1,
  unfinished: 1,
  transferred: 1,
  byChannel: { kiosk: 7, idcard: 2, appointment: 1, assisted: 1 },
  byPriority: { green: 1, appointment: 1, special: 1, normal: 8 },
  // waits 1 2 2 2 5 10 10 16 45 (n=9): median 5; p90 at 7.2: 16 + 0.2*29 = 21.8
  waited: 9,
  waitMedianMin: 5,
  waitP90Min: 21.8,
  // services 9 10 12 14 18 21 28 30 (n=8): median (14+18)/2 = 16; p90 at 6.3: 28 + 0.3*2 = 28.6
  timed: 8,
  serviceMedianMin: 16,
  serviceP90Min: 28.6,
  rated: 7,
  satisfied: 4,
  bad: 2,
  satisfactionRate: 0.5714,
  levels: { '1': 1, '2': 1, '3': 1, '4': 2, '5': 2 },
});

/** A zip's entries (what an XLSX is), read from its central directory. */
function readZip(buf: Buffer): Map<string, string> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out.set(name, inflateRawSync(buf.subarray(dataAt, dataAt + size)).toString('utf8'));
    p += 46 + skip;
  }
  return out;
}

describe.each(DB_KINDS)('reports on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let clock = at(MON, '07:30');
  const now = () => clock;
  const T: Record<string, string> = {};
  /** Each server started on the hall's database makes its own admin token the hall's. */
  let admin = '';

  interface Term {
    t: TestTerminal;
    token: string;
    /** Events authored while offline, pushed on `reconnect`. */
    held?: unknown[];
  }
  const terms: Record<string, Term> = {};
  const enroll = async (id: string, role: string, windowId?: string) => {
    const r = await enrollTerminal({ ...s, adminToken: admin }, id, role, windowId);
    terms[id] = { t: new TestTerminal(id, now, r.epoch), token: r.token };
  };
  const pushAs = async (term: Term, events: unknown[]) => {
    const r = await call(s.url, 'POST', '/api/sync/push', { token: term.token, body: { events } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  /** An event at hall time `hhmm` on `day`, pushed at once (or held while the terminal is offline). */
  async function ev<K extends EventType>(day: string, hhmm: string, id: string, type: K, payload: PayloadInput<K>) {
    const term = terms[id]!;
    clock = at(day, hhmm);
    const e = term.t.emit(type, payload);
    if (term.held) term.held.push(e);
    else await pushAs(term, [e]);
    return e;
  }
  async function reconnect(day: string, hhmm: string, id: string) {
    const term = terms[id]!;
    clock = at(day, hhmm);
    const held = term.held ?? [];
    delete term.held;
    await pushAs(term, held);
  }
  async function issue(day: string, hhmm: string, name: string, id: string, p: Omit<PayloadInput<'ticket.issued'>, 'ticketId' | 'day' | 'numberSource'> & { numberSource?: 'server' | 'offline' }) {
    T[name] = terms[id]!.t.nextId();
    await ev(day, hhmm, id, 'ticket.issued', { ticketId: T[name]!, day, numberSource: 'server', ...p });
  }
  /** Call, start and finish at a counter. */
  async function serve(day: string, counter: string, w: string, name: string, times: [string, string, string], outcome: 'done' | 'not-done' | 'needs-material' = 'done') {
    await ev(day, times[0], counter, 'ticket.called', { ticketId: T[name]!, windowId: w });
    await ev(day, times[1], counter, 'ticket.started', { ticketId: T[name]!, windowId: w });
    await ev(day, times[2], counter, 'ticket.finished', { ticketId: T[name]!, windowId: w, outcome });
  }
  const rate = (day: string, hhmm: string, evaluator: string, w: string, name: string, level: 1 | 2 | 3 | 4 | 5 | null, reasons: string[] = []) =>
    ev(day, hhmm, evaluator, 'evaluation.recorded', { ticketId: T[name]!, windowId: w, level, reasons, source: level === null ? 'timeout' : 'pad' });
  const report = (query: string, token = admin) => call(s.url, 'GET', `/api/admin/reports?${query}`, { token });
  const facts = async (db: Db = tdb.db) =>
    (await db.query<Record<string, unknown>>('SELECT * FROM ticket_facts ORDER BY ticket_id')).rows.map(({ fold_seq: _seq, ...row }) => row);

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now });
    admin = s.adminToken;
    const put = async (k: string, id: string, value: unknown) => {
      const r = await call(s.url, 'PUT', '/api/admin/config', { token: admin, body: { kind: k, id, value } });
      expect(r.status).toBe(200);
    };
    await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: HUKOU });
    await put('service', 'social', { id: 'social', prefix: 'B', name: SOCIAL });
    await put('service', 'estate', { id: 'estate', prefix: 'C', name: ESTATE });
    await put('window', 'w1', { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }, { serviceId: 'social' }] });
    await put('window', 'w2', { id: 'w2', label: '2', services: [{ serviceId: 'social' }, { serviceId: 'estate' }] });
    await put('staff', 's1', { id: 's1', name: '王芳' });
    await put('staff', 's2', { id: 's2', name: '李强' });
    await enroll('kiosk-1', 'kiosk');
    await enroll('kiosk-2', 'kiosk');
    await enroll('counter-1', 'counter', 'w1');
    await enroll('counter-2', 'counter', 'w2');
    await enroll('eval-1', 'evaluator', 'w1');
    await enroll('eval-2', 'evaluator', 'w2');
    const booked = await call(s.url, 'POST', '/api/appointments', { token: admin, body: { serviceId: 'hukou', slotFrom: at(MON, '10:00'), slotTo: at(MON, '10:30') } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);

    // Monday
    await ev(MON, '08:30', 'counter-1', 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await ev(MON, '08:30', 'counter-2', 'staff.signedIn', { windowId: 'w2', staffId: 's2' });
    await issue(MON, '09:00', 'T1', 'kiosk-1', { serviceId: 'hukou', number: 'A001', channel: 'kiosk' });
    await issue(MON, '09:05', 'T2', 'kiosk-1', { serviceId: 'hukou', number: 'A002', channel: 'idcard', priority: 'special', priorityReason: 'elderly', person: person('a') });
    await issue(MON, '09:06', 'T3', 'kiosk-1', { serviceId: 'social', number: 'B001', channel: 'kiosk' });
    await ev(MON, '09:08', 'counter-2', 'ticket.called', { ticketId: T.T3!, windowId: 'w2' });
    await ev(MON, '09:09', 'counter-2', 'ticket.started', { ticketId: T.T3!, windowId: 'w2' });
    await serve(MON, 'counter-1', 'w1', 'T1', ['09:10', '09:11', '09:20']);
    await rate(MON, '09:20:30', 'eval-1', 'w1', 'T1', 5);
    await rate(MON, '09:20:45', 'eval-1', 'w1', 'T1', 1); // R8: one rating per ticket, this one is ignored
    await ev(MON, '09:21', 'counter-1', 'ticket.called', { ticketId: T.T2!, windowId: 'w1' });
    await ev(MON, '09:22', 'counter-1', 'ticket.started', { ticketId: T.T2!, windowId: 'w1' });
    await ev(MON, '09:30', 'counter-2', 'ticket.finished', { ticketId: T.T3!, windowId: 'w2', outcome: 'not-done', note: '材料不符' });
    await rate(MON, '09:30:30', 'eval-2', 'w2', 'T3', 1, ['slow', 'not-done']);
    await issue(MON, '09:31', 'T4', 'counter-2', { serviceId: 'social', number: 'B002', channel: 'assisted', priority: 'green', priorityReason: 'key-project', staffId: 's2' });
    await ev(MON, '09:33', 'counter-2', 'ticket.called', { ticketId: T.T4!, windowId: 'w2' });
    await ev(MON, '09:34', 'counter-2', 'ticket.started', { ticketId: T.T4!, windowId: 'w2' });
    await ev(MON, '09:40', 'counter-1', 'ticket.finished', { ticketId: T.T2!, windowId: 'w1', outcome: 'done' });
    await ev(MON, '09:40', 'counter-2', 'ticket.transferred', { ticketId: T.T4!, windowId: 'w2', toServiceId: 'hukou' });
    await rate(MON, '09:40:30', 'eval-1', 'w1', 'T2', 4);
    await serve(MON, 'counter-1', 'w1', 'T4', ['09:45', '09:46', '10:00']);
    await rate(MON, '10:00:30', 'eval-1', 'w1', 'T4', 3);
    await issue(MON, '10:00', 'T5', 'kiosk-1', { serviceId: 'estate', number: 'C001', channel: 'kiosk' });
    await issue(MON, '10:02', 'T6', 'kiosk-1', { serviceId: 'hukou', number: 'A003', channel: 'appointment', priority: 'appointment', appointmentId: booked.body.appointment.appointmentId });
    await ev(MON, '10:03', 'counter-1', 'ticket.called', { ticketId: T.T6!, windowId: 'w1' });
    await ev(MON, '10:04', 'counter-1', 'ticket.started', { ticketId: T.T6!, windowId: 'w1' });
    await ev(MON, '10:05', 'counter-2', 'ticket.called', { ticketId: T.T5!, windowId: 'w2' });
    await ev(MON, '10:08', 'counter-2', 'ticket.skipped', { ticketId: T.T5!, windowId: 'w2' });
    terms['kiosk-2']!.held = []; // kiosk-2 loses the network
    await issue(MON, '10:10', 'T7', 'kiosk-2', { serviceId: 'hukou', number: 'AL001', numberSource: 'offline', channel: 'kiosk' });
    await issue(MON, '10:20', 'T8', 'kiosk-1', { serviceId: 'hukou', number: 'A004', channel: 'kiosk' });
    await ev(MON, '10:30', 'counter-1', 'ticket.cancelled', { ticketId: T.T8!, reason: '群众离开' });
    await ev(MON, '10:34', 'counter-1', 'ticket.finished', { ticketId: T.T6!, windowId: 'w1', outcome: 'done' });
    await rate(MON, '10:35', 'eval-1', 'w1', 'T6', null);
    await reconnect(MON, '10:50', 'kiosk-2'); // T7, issued at 10:10, arrives after 10:30's events
    await serve(MON, 'counter-1', 'w1', 'T7', ['10:55', '10:56', '11:06']);
    await rate(MON, '11:06:30', 'eval-1', 'w1', 'T7', 5);
    await issue(MON, '14:00', 'T10', 'kiosk-1', { serviceId: 'estate', number: 'C002', channel: 'idcard', person: person('b') });
    await issue(MON, '14:05', 'T11', 'kiosk-1', { serviceId: 'hukou', number: 'A005', channel: 'kiosk' });
    await ev(MON, '14:05:10', 'kiosk-1', 'ticket.voided', { ticketId: T.T11!, reason: 'print-failed' });
    await serve(MON, 'counter-2', 'w2', 'T10', ['14:10', '14:12', '14:40'], 'needs-material');
    await rate(MON, '14:40:30', 'eval-2', 'w2', 'T10', 2, ['more-trips']);
    await issue(MON, '15:00', 'T12', 'kiosk-1', { serviceId: 'social', number: 'B003', channel: 'kiosk', priority: 'green' });
    await serve(MON, 'counter-1', 'w1', 'T12', ['15:02', '15:03', '15:15']);
    await rate(MON, '15:15:30', 'eval-1', 'w1', 'T12', 4);
    await issue(MON, '16:50', 'T9', 'kiosk-1', { serviceId: 'social', number: 'B004', channel: 'kiosk' });
    await ev(MON, '17:30', 'counter-1', 'staff.signedOut', { windowId: 'w1', staffId: 's1' });
    await ev(MON, '17:30', 'counter-2', 'staff.signedOut', { windowId: 'w2', staffId: 's2' });

    // Tuesday
    await ev(TUE, '08:30', 'counter-1', 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await ev(TUE, '08:30', 'counter-2', 'staff.signedIn', { windowId: 'w2', staffId: 's2' });
    await issue(TUE, '09:00', 'U1', 'kiosk-1', { serviceId: 'hukou', number: 'A001', channel: 'kiosk' });
    await issue(TUE, '09:10', 'U2', 'kiosk-1', { serviceId: 'social', number: 'B001', channel: 'kiosk' });
    await serve(TUE, 'counter-2', 'w2', 'U2', ['09:12', '09:13', '09:25']);
    terms['eval-2']!.held = []; // the evaluator at w2 is offline until 10:30
    await rate(TUE, '09:25:30', 'eval-2', 'w2', 'U2', 5);
    await issue(TUE, '09:20', 'U3', 'kiosk-1', { serviceId: 'estate', number: 'C001', channel: 'idcard', priority: 'special', priorityReason: 'disabled', person: person('c') });
    await ev(TUE, '09:26', 'counter-2', 'ticket.called', { ticketId: T.U3!, windowId: 'w2' });
    await ev(TUE, '09:29', 'counter-2', 'ticket.skipped', { ticketId: T.U3!, windowId: 'w2' });
    await serve(TUE, 'counter-1', 'w1', 'U1', ['09:30', '09:31', '09:51']);
    await ev(TUE, '09:35', 'counter-2', 'ticket.requeued', { ticketId: T.U3!, windowId: 'w2' });
    await serve(TUE, 'counter-2', 'w2', 'U3', ['09:40', '09:41', '10:00']);
    await rate(TUE, '09:51:30', 'eval-1', 'w1', 'U1', 5);
    await rate(TUE, '10:00:30', 'eval-2', 'w2', 'U3', 4);
    await reconnect(TUE, '10:30', 'eval-2');
    await ev(TUE, '12:00', 'counter-2', 'staff.signedOut', { windowId: 'w2', staffId: 's2' });
    await ev(TUE, '12:30', 'counter-1', 'staff.signedIn', { windowId: 'w1', staffId: 's2' }); // R11 hand-over
    await issue(TUE, '13:00', 'U4', 'kiosk-1', { serviceId: 'hukou', number: 'A002', channel: 'kiosk' });
    await ev(TUE, '13:05', 'counter-1', 'ticket.called', { ticketId: T.U4!, windowId: 'w1' });
    await ev(TUE, '13:07', 'counter-1', 'ticket.skipped', { ticketId: T.U4!, windowId: 'w1' });
    clock = at(TUE, '18:00');
  }, 120_000);

  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('R16: both days grouped by service: every figure as computed by hand, services ranked by volume', async () => {
    const r = await report(`from=${MON}&to=${TUE}&groupBy=service`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ReportSchema.safeParse(r.body).error).toBeUndefined();
    expect(r.body).toMatchObject({ hall: s.hall, from: MON, to: TUE, groupBy: 'service', timeZone: ZONE, days: 2, openDays: 2 });
    expect(r.body.totals).toEqual(TOTALS);
    expect(r.body.groups).toEqual(BY_SERVICE);
    expect(r.body.topServices).toEqual([
      { rank: 1, serviceId: 'hukou', label: HUKOU, issued: 8, served: 6 },
      { rank: 2, serviceId: 'social', label: SOCIAL, issued: 4, served: 2 },
      { rank: 3, serviceId: 'estate', label: ESTATE, issued: 3, served: 1 },
    ]);
  });

  it('by window and by staff: a ticket counts where it ended; the AB hand-over moves U4 to the clerk who took over (R11)', async () => {
    const w = await report(`from=${MON}&to=${TUE}&groupBy=window`);
    expect(w.body.groups).toEqual(BY_WINDOW);
    expect(w.body.totals).toEqual(TOTALS);
    const st = await report(`from=${MON}&to=${TUE}&groupBy=staff`);
    expect(st.body.groups).toEqual(BY_STAFF);
    const hall = await report(`from=${MON}&to=${TUE}&groupBy=hall`);
    expect(hall.body.groups).toEqual([{ key: s.hall, label: null, ...TOTALS }]);
  });

  it('hourly load curve and daily series over the range', async () => {
    const r = await report(`from=${MON}&to=${TUE}`);
    expect(r.body.hourly).toHaveLength(24);
    expect(r.body.hourly).toEqual(Array.from({ length: 24 }, (_, hour) => ({ hour, issued: HOURLY[hour] ?? 0, avgPerDay: (HOURLY[hour] ?? 0) / 2 })));
    expect(r.body.daily).toEqual(DAILY);
  });

  it('R8: satisfaction counts rated tickets only (a timeout is not a rating); bad ratings keep their reasons', async () => {
    const r = await report(`from=${MON}&to=${TUE}`);
    // T6's timeout is neither rated nor satisfied: 7 satisfied of 10 rated, not of 11 finished.
    expect(r.body.totals).toMatchObject({ timed: 11, rated: 10, satisfied: 7, satisfactionRate: 0.7 });
    expect(r.body.ratingReasons).toEqual([
      { reason: 'more-trips', label: { zh: '多次跑动', en: 'Had to come back again' }, count: 1 },
      { reason: 'not-done', label: { zh: '事情没办成', en: 'Not resolved' }, count: 1 },
      { reason: 'slow', label: { zh: '办理效率低', en: 'Too slow' }, count: 1 },
    ]);
  });

  it('a day report covers that day only; a period gives its calendar range', async () => {
    const day = await report(`from=${MON}&to=${MON}&groupBy=hall`);
    expect(day.body).toMatchObject({ from: MON, to: MON, days: 1, openDays: 1 });
    expect(day.body.totals).toEqual(MONDAY);
    expect(day.body.hourly.filter((h: { issued: number }) => h.issued).map((h: { hour: number; issued: number; avgPerDay: number }) => [h.hour, h.issued, h.avgPerDay])).toEqual([
      [9, 4, 4],
      [10, 4, 4],
      [14, 1, 1],
      [15, 1, 1],
      [16, 1, 1],
    ]);
    const week = await report(`period=week&date=${TUE}`);
    expect(week.body).toMatchObject({ from: '2026-11-23', to: '2026-11-29', days: 7, openDays: 2 });
    expect(week.body.totals).toEqual(TOTALS);
    const month = await report('period=month'); // the hall's today: Tuesday
    expect(month.body).toMatchObject({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    expect(month.body.totals).toEqual(TOTALS);
    const quarter = await report(`period=quarter&date=${MON}`);
    expect(quarter.body).toMatchObject({ from: '2026-10-01', to: '2026-12-31', days: 92 });
  });

  it('the query is validated: bad input is refused with a bilingual message', async () => {
    const cases: Array<[string, number, string]> = [
      ['', 400, 'bad-request'], // neither a range nor a period
      [`from=${MON}`, 400, 'bad-request'], // half a range
      ['from=2026-02-30&to=2026-03-01', 400, 'bad-request'], // not a date
      [`from=${MON}&to=${TUE}&groupBy=floor`, 400, 'bad-request'],
      [`from=${MON}&to=${TUE}&period=week`, 400, 'bad-request'],
      [`from=${TUE}&to=${MON}`, 400, 'bad-range'],
      ['from=2025-01-01&to=2026-02-05', 400, 'range-too-long'], // 401 days
    ];
    for (const [q, status, error] of cases) {
      const r = await report(q);
      expect(r.status, q).toBe(status);
      expect(r.body.error, q).toBe(error);
      expect(r.body.message, q).toEqual(expect.any(String));
      expect(r.body.messageZh, q).toEqual(expect.any(String));
    }
    expect((await report('from=2025-01-26&to=2026-02-28')).status).toBe(200); // 399 days
    const kiosk = await report(`from=${MON}&to=${TUE}`, terms['kiosk-1']!.token);
    expect(kiosk).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    expect((await report(`from=${MON}&to=${TUE}`, 'nope')).status).toBe(401);
  });

  it('exports the report as CSV: UTF-8 with a BOM, Chinese and English headers, a file name', async () => {
    const res = await fetch(`${s.url}/api/admin/reports.csv?from=${MON}&to=${TUE}&groupBy=service`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="hallq-report_${s.hall}_${MON}_${TUE}_service.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('概况 Summary');
    const header = lines.indexOf('按业务统计 By service') + 1;
    expect(lines[header]).toMatch(/^业务编号 Service id,名称 Name,英文名称 English name,取号 Issued,办结 Served,未办成 Not done,/);
    const cols = lines[header]!.split(',');
    const hukou = lines[header + 1]!.split(',');
    const at = (row: string[], name: string) => row[cols.indexOf(name)];
    expect(hukou.slice(0, 4)).toEqual(['hukou', '户籍办理', 'Household registration', '8']);
    expect(at(hukou, '等候时间90分位(分钟) Wait p90 (min)')).toBe('36');
    expect(at(hukou, '满意率 Satisfaction rate')).toBe('0.8');
    const total = lines[header + 4]!.split(',');
    expect(total.slice(0, 4)).toEqual(['合计', '合计', 'Total', '15']);
    expect(at(total, '等候时间90分位(分钟) Wait p90 (min)')).toBe('27.2');
    expect(lines).toContain('高频事项排行 Services by volume');
    expect(lines).toContain('1,hukou,户籍办理,Household registration,8,6');
    expect(lines).toContain('09:00-10:00,7,3.5');
    expect(lines).toContain(`${MON},11,6,1,5,7,0.5714`);
  });

  it('exports the report as XLSX: a valid zip of a workbook whose sheets hold the figures', async () => {
    const res = await fetch(`${s.url}/api/admin/reports.xlsx?from=${MON}&to=${TUE}&groupBy=window`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="hallq-report_${s.hall}_${MON}_${TUE}_window.xlsx"`);
    const files = readZip(Buffer.from(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet2.xml']));
    expect(files.get('xl/workbook.xml')).toContain('<sheet name="按窗口统计 By window" sheetId="2" r:id="rId2"/>');
    const groups = files.get('xl/worksheets/sheet2.xml')!;
    // Row 2 is w1: id, name, English name, then Issued 8 and Served 7; p90 wait 34.5.
    expect(groups).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve">w1</t></is></c>');
    expect(groups).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">1号窗口</t></is></c>');
    expect(groups).toContain('<c r="D2"><v>8</v></c><c r="E2"><v>7</v></c>');
    expect(groups).toContain('<v>34.5</v>');
    expect(groups).toContain('<c r="B4" t="inlineStr"><is><t xml:space="preserve">未叫号</t></is></c>'); // never called
    expect(groups).toMatch(/<c r="AC5" s="2"><v>0.7<\/v><\/c>/); // total satisfaction rate, as a percent
  });

  it('rebuilding the facts from the log gives the same table', async () => {
    const before = await facts();
    expect(before).toHaveLength(16); // 15 tickets and the voided one
    await tdb.db.query(`UPDATE ticket_facts SET status = 'waiting', fold_seq = 0 WHERE ticket_id = $1`, [T.T1]);
    const r = await call(s.url, 'POST', '/api/admin/reports/rebuild', { token: admin, body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tickets: 16 });
    expect(await facts()).toEqual(before);
  });

  it('facts of events stored before the table existed are built by the first report that needs them', async () => {
    // What migration 7 does on a database with events: mark their days, build nothing yet.
    await tdb.db.query('DELETE FROM ticket_facts');
    await tdb.db.query(`INSERT INTO ticket_facts_stale (hall, day, marked_at) SELECT DISTINCT hall, body->'payload'->>'day', 0 FROM events WHERE type = 'ticket.issued'`);
    const tue = await report(`from=${TUE}&to=${TUE}`);
    expect(tue.body.totals.issued).toBe(4);
    expect((await tdb.db.query('SELECT day FROM ticket_facts_stale')).rows).toEqual([{ day: MON }]);
    const r = await report(`from=${MON}&to=${TUE}&groupBy=staff`);
    expect(r.body.groups).toEqual(BY_STAFF);
    expect((await tdb.db.query('SELECT day FROM ticket_facts_stale')).rows).toEqual([]);
  });

  it('a fact row is never replaced by one from a fold that had applied less of the log', async () => {
    const row = (await tdb.db.query<{ fold_seq: number }>('SELECT fold_seq FROM ticket_facts WHERE ticket_id = $1', [T.T9])).rows[0]!;
    const stale: FactRow = {
      ticketId: T.T9!,
      day: MON,
      number: 'B004',
      serviceId: 'social',
      windowId: null,
      staffId: null,
      channel: 'kiosk',
      priority: 'normal',
      status: 'cancelled',
      outcome: null,
      issuedAt: at(MON, '16:50'),
      queuedAt: at(MON, '16:50'),
      firstCalledAt: null,
      calledAt: null,
      startedAt: null,
      finishedAt: null,
      noShow: false,
      transferred: false,
      ratingLevel: null,
      ratingReasons: [],
    };
    expect(await upsertFacts(tdb.db, s.hall, [stale], Number(row.fold_seq) - 1)).toBe(0);
    const after = (await tdb.db.query<{ status: string }>('SELECT status FROM ticket_facts WHERE ticket_id = $1', [T.T9])).rows[0]!;
    expect(after.status).toBe('waiting');
  });

  it('a late event for a ticket older than the live cache holds is refolded from the log', async () => {
    // Thursday: a counter that was offline since Monday evening pushes how T9 went.
    clock = at(THU, '09:00');
    const other = await startServer(tdb.db, { now });
    admin = other.adminToken;
    try {
      await enroll('counter-3', 'counter', 'w2');
      const c = terms['counter-3']!;
      c.held = [];
      clock = at(MON, '16:55');
      const call1 = c.t.emit('ticket.called', { ticketId: T.T9!, windowId: 'w2' });
      clock = at(MON, '16:56');
      const start = c.t.emit('ticket.started', { ticketId: T.T9!, windowId: 'w2' });
      clock = at(MON, '17:05');
      const finish = c.t.emit('ticket.finished', { ticketId: T.T9!, windowId: 'w2', outcome: 'done' });
      clock = at(THU, '09:00');
      const r = await call(other.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [call1, start, finish] } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await factsSettled(tdb.db);
      const row = (await tdb.db.query('SELECT status, outcome, window_id, staff_id, first_called_at, finished_at FROM ticket_facts WHERE ticket_id = $1', [T.T9])).rows[0];
      expect(row).toEqual({ status: 'finished', outcome: 'done', window_id: 'w2', staff_id: 's2', first_called_at: at(MON, '16:55'), finished_at: at(MON, '17:05') });
    } finally {
      await other.stop();
    }
  });

  it('a call that makes the fold release the window\'s previous ticket updates that ticket\'s facts too', async () => {
    // Thursday: the clerk at w1 calls the next citizen without finishing the one at the window;
    // the fold finishes that one as done at the call (its only event names the other ticket).
    await ev(THU, '08:30', 'counter-1', 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await issue(THU, '10:00', 'X1', 'kiosk-1', { serviceId: 'hukou', number: 'A001', channel: 'kiosk' });
    await issue(THU, '10:01', 'X2', 'kiosk-1', { serviceId: 'hukou', number: 'A002', channel: 'kiosk' });
    await ev(THU, '10:02', 'counter-1', 'ticket.called', { ticketId: T.X1!, windowId: 'w1' });
    await ev(THU, '10:03', 'counter-1', 'ticket.started', { ticketId: T.X1!, windowId: 'w1' });
    await ev(THU, '10:15', 'counter-1', 'ticket.called', { ticketId: T.X2!, windowId: 'w1' });
    await factsSettled(tdb.db);
    const rows = await tdb.db.query('SELECT ticket_id, status, outcome, staff_id, finished_at FROM ticket_facts WHERE ticket_id = ANY($1) ORDER BY number', [[T.X1, T.X2]]);
    expect(rows.rows).toEqual([
      { ticket_id: T.X1, status: 'finished', outcome: 'done', staff_id: 's1', finished_at: at(THU, '10:15') },
      { ticket_id: T.X2, status: 'called', outcome: null, staff_id: 's1', finished_at: null },
    ]);
  });

  it.runIf(kind === 'postgres')('two instances on one database: facts match a rebuild after interleaved, concurrent pushes', async () => {
    const dbB = await openPostgres(tdb.url!);
    const b = await startServer(dbB, { now });
    admin = b.adminToken;
    try {
      clock = at(THU, '09:00');
      await enroll('kiosk-3', 'kiosk');
      await enroll('counter-4', 'counter', 'w1');
      await enroll('counter-5', 'counter', 'w2');
      const push = (i: number, term: Term, e: unknown) =>
        call(i % 2 ? b.url : s.url, 'POST', '/api/sync/push', { token: term.token, body: { events: [e] } }).then((r) => expect(r.status).toBe(200));
      const k = terms['kiosk-3']!;
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        clock = at(THU, '09:00') + i * 1000;
        ids.push(k.t.nextId());
        const e = k.t.emit('ticket.issued', { ticketId: ids[i]!, serviceId: 'social', number: `B${String(i + 1).padStart(3, '0')}`, numberSource: 'server', day: THU, channel: 'kiosk' });
        await push(i, k, e);
      }
      // Two counters serve six tickets each; each pushes in order, alternating instances, while
      // the other counter's pushes are projected by the other instance at the same time.
      const lane = (counter: Term, w: string, mine: string[], offset: number) => {
        const events = mine.flatMap((id, j) => {
          clock = at(THU, '10:00') + (offset + j * 2) * 60_000;
          const called = counter.t.emit('ticket.called', { ticketId: id, windowId: w });
          clock += 30_000;
          return [called, counter.t.emit('ticket.finished', { ticketId: id, windowId: w, outcome: 'done' })];
        });
        return async () => {
          for (const [i, e] of events.entries()) await push(i + offset, counter, e);
        };
      };
      const one = lane(terms['counter-4']!, 'w1', ids.slice(0, 6), 0);
      const two = lane(terms['counter-5']!, 'w2', ids.slice(6), 1);
      await Promise.all([one(), two()]);
      await factsSettled(tdb.db);
      await factsSettled(dbB);
      const live = await facts();
      expect(live.filter((f) => f.day === THU && f.status === 'finished')).toHaveLength(12);
      const r = await call(s.url, 'POST', '/api/admin/reports/rebuild', { token: admin, body: { from: THU, to: THU } });
      expect(r.body).toMatchObject({ tickets: 14, days: 1 }); // and the two of the test before
      expect(await facts()).toEqual(live);
    } finally {
      await b.stop();
      await dbB.close();
    }
  });
});

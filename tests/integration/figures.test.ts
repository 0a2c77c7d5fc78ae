/**
 * One definition of every figure (issue 17): the live view, the counter and the day report
 * count issued, served, not done, no-show and voided the same way. One day's log goes through
 * the real push path (a voided ticket, a not-done finish, a no-show, a no-show who came back,
 * a transfer, a cancellation, an offline call conflict, ratings); then the server's day report
 * (SQL over ticket facts) and the screens' models (over the server's fold, which the terminals
 * converge to) must agree figure for figure, and with the values worked out by hand.
 *
 * Monday 2026-11-23, Asia/Shanghai; hukou (A) at w1, social (B) at w1 and w2.
 *   A001 hukou  09:00  w1 done                      rated 5
 *   A002 hukou  09:01  print failed: voided          (not issued, in no figure)
 *   A003 hukou  09:02  w1 not-done                   rated 1 (bad)
 *   B001 social 09:03  w2 called, no-show            (still a no-show)
 *   B002 social 09:04  w2 no-show, requeued, w2 done (served: not a no-show)
 *   B003 social 09:05  w2 started, transferred to hukou, w1 done (transferred)
 *   A004 hukou  09:06  cancelled
 *   B004 social 09:07  called offline by w1 and w2 at once; one call wins, that window serves it done
 *   A005 hukou  09:08  w1 needs-material
 *   A006 hukou  09:09  waiting
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, PayloadInput } from '../../shared/events';
import { ReportSchema } from '../../shared/reports/report';
import { zonedTimeToUtc } from '../../shared/schedule';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { todayCounts } from '../../renderer/counter/windowView';
import { dayFigures } from '../../shared/figures/dayFigures';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const DAY = '2026-11-23';
const ZONE = 'Asia/Shanghai';
const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return zonedTimeToUtc(DAY, h! * 60 + m!, ZONE);
};

describe.each(DB_KINDS)('one definition of every figure on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let clock = at('07:30');
  const now = () => clock;
  const T: Record<string, string> = {};
  const terms: Record<string, { t: TestTerminal; token: string; held?: unknown[] }> = {};

  const push = async (id: string, events: unknown[]) => {
    const r = await call(s.url, 'POST', '/api/sync/push', { token: terms[id]!.token, body: { events } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  async function ev<K extends EventType>(hhmm: string, id: string, type: K, payload: PayloadInput<K>) {
    const term = terms[id]!;
    clock = at(hhmm);
    const e = term.t.emit(type, payload);
    if (term.held) term.held.push(e);
    else await push(id, [e]);
  }
  async function issue(hhmm: string, number: string, serviceId: string) {
    T[number] = terms['kiosk-1']!.t.nextId();
    await ev(hhmm, 'kiosk-1', 'ticket.issued', { ticketId: T[number]!, day: DAY, numberSource: 'server', serviceId, number, channel: 'kiosk' });
  }
  async function serve(counter: string, w: string, number: string, times: [string, string, string], outcome: 'done' | 'not-done' | 'needs-material' = 'done') {
    await ev(times[0], counter, 'ticket.called', { ticketId: T[number]!, windowId: w });
    await ev(times[1], counter, 'ticket.started', { ticketId: T[number]!, windowId: w });
    await ev(times[2], counter, 'ticket.finished', { ticketId: T[number]!, windowId: w, outcome });
  }
  const report = async (groupBy: string) => {
    const r = await call(s.url, 'GET', `/api/admin/reports?from=${DAY}&to=${DAY}&groupBy=${groupBy}`, { token: s.adminToken });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return ReportSchema.parse(r.body);
  };

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now });
    const put = async (k: string, id: string, value: unknown) => {
      const r = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id, value } });
      expect(r.status).toBe(200);
    };
    await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });
    await put('service', 'social', { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' } });
    await put('window', 'w1', { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }, { serviceId: 'social' }] });
    await put('window', 'w2', { id: 'w2', label: '2', services: [{ serviceId: 'social' }] });
    await put('staff', 's1', { id: 's1', name: '王芳' });
    await put('staff', 's2', { id: 's2', name: '李强' });
    for (const [id, role, w] of [['kiosk-1', 'kiosk'], ['counter-1', 'counter', 'w1'], ['counter-2', 'counter', 'w2'], ['eval-1', 'evaluator', 'w1']] as const) {
      const r = await enrollTerminal(s, id, role, w);
      terms[id] = { t: new TestTerminal(id, now, r.epoch), token: r.token };
    }
    await ev('08:30', 'counter-1', 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await ev('08:30', 'counter-2', 'staff.signedIn', { windowId: 'w2', staffId: 's2' });
    await issue('09:00', 'A001', 'hukou');
    await issue('09:01', 'A002', 'hukou');
    await ev('09:01', 'kiosk-1', 'ticket.voided', { ticketId: T.A002!, reason: 'print-failed' });
    await issue('09:02', 'A003', 'hukou');
    await issue('09:03', 'B001', 'social');
    await issue('09:04', 'B002', 'social');
    await issue('09:05', 'B003', 'social');
    await issue('09:06', 'A004', 'hukou');
    await issue('09:07', 'B004', 'social');
    await issue('09:08', 'A005', 'hukou');
    await issue('09:09', 'A006', 'hukou');
    await serve('counter-1', 'w1', 'A001', ['09:10', '09:11', '09:15']);
    await ev('09:16', 'eval-1', 'evaluation.recorded', { ticketId: T.A001!, windowId: 'w1', level: 5, reasons: [], source: 'pad' });
    await serve('counter-1', 'w1', 'A003', ['09:17', '09:18', '09:25'], 'not-done');
    await ev('09:26', 'eval-1', 'evaluation.recorded', { ticketId: T.A003!, windowId: 'w1', level: 1, reasons: ['not-done'], source: 'pad' });
    await ev('09:10', 'counter-2', 'ticket.called', { ticketId: T.B001!, windowId: 'w2' });
    await ev('09:13', 'counter-2', 'ticket.skipped', { ticketId: T.B001!, windowId: 'w2' });
    await ev('09:14', 'counter-2', 'ticket.called', { ticketId: T.B002!, windowId: 'w2' });
    await ev('09:17', 'counter-2', 'ticket.skipped', { ticketId: T.B002!, windowId: 'w2' });
    await ev('09:20', 'counter-2', 'ticket.requeued', { ticketId: T.B002!, windowId: 'w2' });
    await serve('counter-2', 'w2', 'B002', ['09:21', '09:22', '09:30']);
    await ev('09:31', 'counter-2', 'ticket.called', { ticketId: T.B003!, windowId: 'w2' });
    await ev('09:32', 'counter-2', 'ticket.started', { ticketId: T.B003!, windowId: 'w2' });
    await ev('09:35', 'counter-2', 'ticket.transferred', { ticketId: T.B003!, windowId: 'w2', toServiceId: 'hukou' });
    await serve('counter-1', 'w1', 'B003', ['09:36', '09:37', '09:45']);
    await ev('09:46', 'counter-1', 'ticket.cancelled', { ticketId: T.A004!, reason: '群众离开' });
    // Both counters lose the network and call B004 at once; whichever call the fold keeps,
    // that window serves it (the other clerk is told the call did not count).
    terms['counter-1']!.held = [];
    terms['counter-2']!.held = [];
    await ev('09:50', 'counter-2', 'ticket.called', { ticketId: T.B004!, windowId: 'w2' });
    await ev('09:50', 'counter-1', 'ticket.called', { ticketId: T.B004!, windowId: 'w1' });
    for (const id of ['counter-1', 'counter-2']) {
      const held = terms[id]!.held!;
      delete terms[id]!.held;
      clock = at('09:55');
      await push(id, held);
    }
    const fold = await s.server.ctx.cache.get(tdb.db, s.hall, clock);
    const winner = fold.state.tickets.get(T.B004!)!.windowId!;
    const counter = winner === 'w1' ? 'counter-1' : 'counter-2';
    await ev('09:56', counter, 'ticket.started', { ticketId: T.B004!, windowId: winner });
    await ev('10:05', counter, 'ticket.finished', { ticketId: T.B004!, windowId: winner, outcome: 'done' });
    await serve('counter-1', 'w1', 'A005', ['10:06', '10:07', '10:20'], 'needs-material');
    clock = at('16:00');
  });

  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('the day report counts by the definitions: a voided ticket is not issued, not done is not served, a no-show who came back is served', async () => {
    const r = await report('hall');
    expect(r.totals).toMatchObject({
      issued: 9, // A002 voided: not issued
      served: 4, // A001 B002 B003 B004
      notDone: 1, // A003
      needsMaterial: 1, // A005
      noShow: 1, // B001 (B002 came back)
      cancelled: 1, // A004
      unfinished: 1, // A006
      transferred: 1, // B003
      rated: 2,
      bad: 1,
    });
    expect(r.daily.map((d) => [d.day, d.issued, d.served, d.noShow])).toEqual([[DAY, 9, 4, 1]]);
  });

  it("the live view's totals equal the day report's", async () => {
    const r = await report('hall');
    const fold = await s.server.ctx.cache.get(tdb.db, s.hall, clock);
    const m = liveModel(fold.state, clock);
    const { issued, served, notDone, needsMaterial, noShow, cancelled, transferred, rated, bad } = r.totals;
    expect(m.totals).toMatchObject({ issued, served, notDone, needsMaterial, noShow, cancelled, transferred, rated, bad });
    expect(m.totals.voided).toBe(1);
    expect(m.totals.waiting).toBe(1);
    expect(dayFigures(fold.state, DAY)).toMatchObject({ issued, served, notDone, needsMaterial, noShow, cancelled, transferred, rated, bad, unfinished: r.totals.unfinished, voided: 1 });
  });

  it("each counter's 今日已办 / 过号 / 未办成 and the live view's window column equal the day report by window", async () => {
    const r = await report('window');
    const fold = await s.server.ctx.cache.get(tdb.db, s.hall, clock);
    const m = liveModel(fold.state, clock);
    for (const w of ['w1', 'w2']) {
      const g = r.groups.find((x) => x.key === w)!;
      const c = todayCounts(fold.state, w, clock);
      expect({ w, served: c.served, noShow: c.noShow, notDone: c.notDone }).toEqual({ w, served: g.served, noShow: g.noShow, notDone: g.notDone });
      const line = m.windows.find((x) => x.windowId === w)!;
      expect({ w, served: line.servedToday, notDone: line.notDoneToday }).toEqual({ w, served: g.served, notDone: g.notDone });
    }
    // Hand-checked: w1 served A001, B003 (and B004 if its call won), not done A003; w2 served B002 (and B004), no-show B001.
    const b004AtW1 = fold.state.tickets.get(T.B004!)!.windowId === 'w1' ? 1 : 0;
    expect(todayCounts(fold.state, 'w1', clock)).toMatchObject({ served: 2 + b004AtW1, notDone: 1, noShow: 0 });
    expect(todayCounts(fold.state, 'w2', clock)).toMatchObject({ served: 2 - b004AtW1, notDone: 0, noShow: 1 });
  });

  it("the month's daily series stops at today: days still to come are not drawn as 0", async () => {
    const r = await call(s.url, 'GET', `/api/admin/reports?period=month&date=${DAY}`, { token: s.adminToken });
    expect(r.status).toBe(200);
    const month = ReportSchema.parse(r.body);
    expect([month.from, month.to]).toEqual(['2026-11-01', '2026-11-30']);
    expect(month.daily.at(-1)!.day).toBe(DAY);
    expect(month.daily).toHaveLength(23);
    expect(month.daily.find((d) => d.day === DAY)).toMatchObject({ issued: 9, served: 4, noShow: 1 });
  });

  it("the CSV names the hall by the hall's name (zh, en alongside), not by its id", async () => {
    const res = await fetch(`${s.url}/api/admin/reports.csv?from=${DAY}&to=${DAY}&groupBy=service`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toContain('大厅 Hall,政务服务中心 Government Service Center');
    expect(lines.some((l) => l.includes(s.hall))).toBe(false);
  });
});

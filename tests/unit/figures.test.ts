/**
 * One definition of every figure (issue 17): issued, served, not done, no-show and voided mean
 * the same on the live view, the counter and the reports. One log is folded; every screen's
 * model must give the report's figures (the report's rows are the server's ticket facts read
 * off the same fold, counted by the same rules). The SQL side is checked against a real
 * server in tests/integration/figures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { counts as rectifyCounts } from '../../renderer/admin/rectify/rectifyModel';
import { todayCounts } from '../../renderer/counter/windowView';
import { CLASS_RULES, FIGURE_CLASSES, figureClass, figureSql, isIssued, issuedSql } from '../../shared/figures/definitions';
import { dayFigures, emptyDayFigures } from '../../shared/figures/dayFigures';
import { localDate } from '../../shared/schedule/zone';
import { ticketFact } from '../../server/store/reportsFacts';
import { MINUTE, makeHall, type TestHall } from '../support/hall';

/** A morning with every case: voided, not done, needs material, no-show, a no-show who came back, transfer, cancel, an offline call conflict, ratings. */
function morning(): TestHall & { day: string } {
  const h = makeHall();
  const k = h.terminal('kiosk-1');
  const c1 = h.terminal('counter-1');
  const c2 = h.terminal('counter-2');
  const ev = h.terminal('evaluator-1');
  h.open(c1, 'w1', 's1');
  h.open(c2, 'w2', 's2');
  const step = () => h.advance(MINUTE);
  const done = h.issue(k, { serviceId: 'hukou' });
  const voided = h.issue(k, { serviceId: 'hukou' });
  h.emit(k, 'ticket.voided', { ticketId: voided, reason: 'print-failed' });
  const notDone = h.issue(k, { serviceId: 'hukou' });
  const material = h.issue(k, { serviceId: 'hukou' });
  const noShow = h.issue(k, { serviceId: 'social' });
  const cameBack = h.issue(k, { serviceId: 'social' });
  const moved = h.issue(k, { serviceId: 'social' });
  const cancelled = h.issue(k, { serviceId: 'hukou' });
  const conflict = h.issue(k, { serviceId: 'social' });
  h.issue(k, { serviceId: 'hukou' }); // still waiting
  const finish = (c: typeof c1, w: string, id: string, outcome: 'done' | 'not-done' | 'needs-material') => {
    step();
    h.emit(c, 'ticket.called', { ticketId: id, windowId: w });
    step();
    h.emit(c, 'ticket.started', { ticketId: id, windowId: w });
    step();
    h.emit(c, 'ticket.finished', { ticketId: id, windowId: w, outcome });
  };
  finish(c1, 'w1', done, 'done');
  h.emit(ev, 'evaluation.recorded', { ticketId: done, windowId: 'w1', level: 5, reasons: [], source: 'pad' });
  finish(c1, 'w1', notDone, 'not-done');
  h.emit(ev, 'evaluation.recorded', { ticketId: notDone, windowId: 'w1', level: 1, reasons: ['not-done'], source: 'pad' });
  finish(c1, 'w1', material, 'needs-material');
  step();
  h.emit(c2, 'ticket.called', { ticketId: noShow, windowId: 'w2' });
  step();
  h.emit(c2, 'ticket.skipped', { ticketId: noShow, windowId: 'w2' });
  h.emit(c2, 'ticket.called', { ticketId: cameBack, windowId: 'w2' });
  step();
  h.emit(c2, 'ticket.skipped', { ticketId: cameBack, windowId: 'w2' });
  step();
  h.emit(c2, 'ticket.requeued', { ticketId: cameBack, windowId: 'w2' });
  finish(c2, 'w2', cameBack, 'done');
  step();
  h.emit(c2, 'ticket.called', { ticketId: moved, windowId: 'w2' });
  h.emit(c2, 'ticket.started', { ticketId: moved, windowId: 'w2' });
  step();
  h.emit(c2, 'ticket.transferred', { ticketId: moved, windowId: 'w2', toServiceId: 'hukou' });
  finish(c1, 'w1', moved, 'done');
  h.emit(c1, 'ticket.cancelled', { ticketId: cancelled, reason: '群众离开' });
  // Offline, both windows call the same ticket in the same second; the fold keeps one call.
  step();
  h.emit(c1, 'ticket.called', { ticketId: conflict, windowId: 'w1' });
  h.emit(c2, 'ticket.called', { ticketId: conflict, windowId: 'w2' });
  const winner = h.fold.state.tickets.get(conflict)!.windowId!;
  const wc = winner === 'w1' ? c1 : c2;
  step();
  h.emit(wc, 'ticket.started', { ticketId: conflict, windowId: winner });
  step();
  h.emit(wc, 'ticket.finished', { ticketId: conflict, windowId: winner, outcome: 'done' });
  return { ...h, day: localDate(h.now(), h.fold.state.config.schedule.timeZone) };
}

/** What the report counts: the ticket facts of the day, by the shared rules (as the server's SQL does). */
function reportFigures(h: TestHall & { day: string }, windowId?: string) {
  const f = emptyDayFigures();
  for (const t of h.fold.state.tickets.values()) {
    const row = ticketFact(h.fold, t);
    if (row.day !== h.day || (windowId !== undefined && row.windowId !== windowId)) continue;
    const c = figureClass(row);
    if (c === 'voided') {
      f.voided++;
      continue;
    }
    f.issued++;
    f[c]++;
    if (row.transferred) f.transferred++;
    if (row.ratingLevel !== null) {
      f.rated++;
      if (row.ratingLevel <= 2) f.bad++;
    }
  }
  return f;
}

describe('one definition of every figure', () => {
  it('a voided ticket is not issued, not done is not served, a no-show who came back is served (worked out by hand)', () => {
    const h = morning();
    expect(dayFigures(h.fold.state, h.day)).toMatchObject({
      issued: 9,
      served: 4,
      notDone: 1,
      needsMaterial: 1,
      noShow: 1,
      cancelled: 1,
      unfinished: 1,
      waiting: 1,
      transferred: 1,
      voided: 1,
      rated: 2,
      bad: 1,
    });
  });

  it("the live view's totals equal the day report's figures for the same log", () => {
    const h = morning();
    const r = reportFigures(h);
    const m = liveModel(h.fold.state, h.now());
    const { issued, served, notDone, needsMaterial, noShow, cancelled, transferred, voided, rated, bad } = r;
    expect(m.totals).toMatchObject({ issued, served, notDone, needsMaterial, noShow, cancelled, transferred, voided, rated, bad });
    expect(m.totals.issued).toBe(9);
  });

  it("the counter's 今日已办, 过号 and 未办成 and the live view's window column equal the report by window", () => {
    const h = morning();
    const m = liveModel(h.fold.state, h.now());
    let served = 0;
    for (const w of ['w1', 'w2']) {
      const r = reportFigures(h, w);
      const c = todayCounts(h.fold.state, w, h.now());
      expect({ w, served: c.served, noShow: c.noShow, notDone: c.notDone }).toEqual({ w, served: r.served, noShow: r.noShow, notDone: r.notDone });
      const line = m.windows.find((x) => x.windowId === w)!;
      expect({ w, served: line.servedToday, notDone: line.notDoneToday }).toEqual({ w, served: r.served, notDone: r.notDone });
      served += c.served;
    }
    // Every served ticket ended at a window: the windows' served add up to the hall's.
    expect(served).toBe(m.totals.served);
  });

  it("the live view's overdue alert counts what the rectification list counts as overdue (R8: open past 7 days)", () => {
    const h = morning();
    h.advance(8 * 24 * 60 * MINUTE);
    const m = liveModel(h.fold.state, h.now());
    const overdue = rectifyCounts(h.fold.state.rectifications.values(), 'bad-rating', h.now(), h.fold.state.config.schedule.timeZone).overdue;
    expect(overdue).toBe(1);
    expect(m.alerts.find((a) => a.key === 'rectify-overdue:bad-rating')?.text.zh).toBe(`${overdue} 条差评整改已逾期（超过 7 日）`);
  });

  it('each ticket is in exactly one class; the SQL conditions are written from the same rules', () => {
    for (const status of ['waiting', 'called', 'serving', 'skipped', 'finished', 'cancelled', 'voided'] as const) {
      const outcomes = status === 'finished' ? (['done', 'not-done', 'needs-material'] as const) : [undefined];
      for (const outcome of outcomes) {
        const hits = FIGURE_CLASSES.filter((c) => CLASS_RULES[c].status.includes(status) && (CLASS_RULES[c].outcome === undefined || (outcome !== undefined && CLASS_RULES[c].outcome!.includes(outcome))));
        expect(hits, `${status}/${outcome}`).toEqual([figureClass({ status, outcome })]);
        expect(isIssued({ status, outcome })).toBe(status !== 'voided');
      }
    }
    expect(figureSql('served')).toBe("(status IN ('finished') AND outcome IN ('done'))");
    expect(figureSql('noShow')).toBe("status IN ('skipped')");
    expect(issuedSql({ status: 'f.status' })).toBe("f.status NOT IN ('voided')");
  });
});

import { describe, it, expect } from 'vitest';
import type { HallState, RectificationItem } from '../../shared/fold';
import { isOverdue, RATING_LABELS, RECTIFY_WITHIN_MS } from '../../shared/ratings';
import { makeHall, type TestHall, type TestTerminal } from '../support/hall';
import { DAY, serve, sh, stepped } from '../support/flow';

const MON = '2026-11-23';

interface Scene {
  h: TestHall;
  kiosk: TestTerminal;
  counter: TestTerminal;
  counter2: TestTerminal;
  evaluator: TestTerminal;
  admin: TestTerminal;
}

/** A hall at 10:00 with w1 and w2 open. */
function scene(): Scene {
  const h = stepped(makeHall());
  const s: Scene = {
    h,
    kiosk: h.terminal('kiosk-1'),
    counter: h.terminal('counter-1'),
    counter2: h.terminal('counter-2'),
    evaluator: h.terminal('evaluator-1'),
    admin: h.terminal('supervisor-1'),
  };
  h.open(s.counter, 'w1', 's1');
  h.open(s.counter2, 'w2', 's2');
  return s;
}

/** A hukou ticket served at w1. */
function served(s: Scene, outcome: 'done' | 'not-done' = 'done'): string {
  const id = s.h.issue(s.kiosk, { serviceId: 'hukou' });
  serve(s.h, s.counter, id, 'w1', 6, outcome);
  return id;
}

function rate(s: Scene, ticketId: string, level: 1 | 2 | 3 | 4 | 5 | null, windowId = 'w1', reasons: string[] = []) {
  return s.h.emit(s.evaluator, 'evaluation.recorded', {
    ticketId,
    windowId,
    level,
    reasons,
    source: level === null ? 'timeout' : 'pad',
  });
}

function step(s: Scene, itemId: string, action: 'assigned' | 'verified' | 'rectified' | 'closed' | 'reopened', extra: object = {}) {
  return s.h.emit(s.admin, 'rectification.recorded', { itemId, action, note: `${action} note`, ...extra });
}

const notes = (st: HallState, code: string) => st.notes.filter((n) => n.code === code);
const items = (st: HallState, kind: RectificationItem['kind']) => [...st.rectifications.values()].filter((i) => i.kind === kind);
const stats = (st: HallState, serviceId = 'hukou') => st.stats.get(`${MON}|${serviceId}`);

describe('ratings (R8 一次一评)', () => {
  it('R8: the evaluator offers five levels, each labelled in zh and en', () => {
    expect(Object.keys(RATING_LABELS).sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(RATING_LABELS[5]).toEqual({ zh: '非常满意', en: 'Very satisfied' });
    expect(RATING_LABELS[1]).toEqual({ zh: '非常不满意', en: 'Very dissatisfied' });
  });

  it('R8: a served ticket can be rated once', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, 5);
    rate(s, id, 1);
    const st = s.h.fold.state;
    expect(st.tickets.get(id)?.rating?.level).toBe(5);
    expect(notes(st, 'already-rated')).toHaveLength(1);
    expect(stats(st)).toMatchObject({ rated: 1, bad: 0, served: 1 });
    expect(items(st, 'bad-rating')).toEqual([]);
  });

  it('R8: a ticket not yet finished is not rated', () => {
    const s = scene();
    const waiting = s.h.issue(s.kiosk, { serviceId: 'hukou' });
    rate(s, waiting, 5);
    s.h.emit(s.counter, 'ticket.called', { ticketId: waiting, windowId: 'w1' });
    rate(s, waiting, 4);
    const st = s.h.fold.state;
    expect(st.tickets.get(waiting)?.rating).toBeUndefined();
    expect(notes(st, 'not-finished')).toHaveLength(2);
    expect(stats(st)?.rated).toBe(0);
  });

  it('R8: a ticket rated from another window is not rated', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, 2, 'w2');
    let st = s.h.fold.state;
    expect(notes(st, 'wrong-window')).toHaveLength(1);
    expect(st.tickets.get(id)?.rating).toBeUndefined();
    expect(stats(st)?.rated).toBe(0);
    expect(items(st, 'bad-rating')).toEqual([]);
    // The right window's evaluator still can.
    rate(s, id, 4, 'w1');
    st = s.h.fold.state;
    expect(st.tickets.get(id)?.rating?.level).toBe(4);
    expect(stats(st)?.rated).toBe(1);
  });

  it('R8: "no rating" (timeout) is recorded as such and not counted as rated', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, null);
    const st = s.h.fold.state;
    expect(st.tickets.get(id)?.rating?.level).toBeNull();
    expect(stats(st)).toMatchObject({ rated: 0, bad: 0 });
  });

  it('R8: a real rating arriving after "no rating" still counts', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, null);
    rate(s, id, 1, 'w1', ['attitude']);
    const st = s.h.fold.state;
    expect(st.tickets.get(id)?.rating?.level).toBe(1);
    expect(stats(st)).toMatchObject({ rated: 1, bad: 1 });
    expect(items(st, 'bad-rating')).toHaveLength(1);
    expect(notes(st, 'already-rated')).toEqual([]);
  });

  it('R8: a second "no rating" does not replace a real one', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, 4);
    rate(s, id, null);
    rate(s, id, null);
    const st = s.h.fold.state;
    expect(st.tickets.get(id)?.rating?.level).toBe(4);
    expect(notes(st, 'already-rated')).toHaveLength(2);
    expect(stats(st)?.rated).toBe(1);
  });
});

describe('rectification of bad ratings (R8: within 7 days)', () => {
  it('R8: a bad rating (level 2) opens a rectification item due exactly 7 days later', () => {
    const s = scene();
    const id = served(s);
    rate(s, id, 2, 'w1', ['slow', 'wait']);
    const ratedAt = s.h.now();
    const st = s.h.fold.state;
    const [item] = items(st, 'bad-rating');
    expect(item).toMatchObject({
      ticketId: id,
      number: 'A001',
      serviceId: 'hukou',
      windowId: 'w1',
      staffId: 's1',
      level: 2,
      reasons: ['slow', 'wait'],
      status: 'open',
      openedAt: ratedAt,
    });
    expect(item?.dueAt).toBe(ratedAt + 7 * DAY);
    expect(RECTIFY_WITHIN_MS).toBe(7 * DAY);
    expect(stats(st)).toMatchObject({ rated: 1, bad: 1 });
  });

  it('R8: a level-1 rating opens an item too; a level-3 rating opens none', () => {
    const s = scene();
    const a = served(s);
    const b = served(s);
    rate(s, a, 3);
    expect(s.h.fold.state.rectifications.size).toBe(0);
    rate(s, b, 1);
    const st = s.h.fold.state;
    expect(items(st, 'bad-rating').map((i) => [i.ticketId, i.level])).toEqual([[b, 1]]);
    expect(stats(st)).toMatchObject({ rated: 2, bad: 1 });
  });

  it('R8: an open item is overdue only after its due time', () => {
    const s = scene();
    rate(s, served(s), 2);
    const [item] = items(s.h.fold.state, 'bad-rating');
    if (!item?.dueAt) throw new Error('no due time');
    expect(isOverdue(item, item.openedAt + DAY)).toBe(false);
    expect(isOverdue(item, item.dueAt)).toBe(false);
    expect(isOverdue(item, item.dueAt + 1)).toBe(true);
    expect(isOverdue({ ...item, status: 'closed' }, item.dueAt + DAY)).toBe(false);
  });

  it('R8: the steps assigned, verified, rectified, closed (with feedback) are recorded in order', () => {
    const s = scene();
    rate(s, served(s), 2);
    const itemId = items(s.h.fold.state, 'bad-rating')[0]!.id;
    step(s, itemId, 'assigned', { assignee: 's1' });
    expect(s.h.fold.state.rectifications.get(itemId)).toMatchObject({ status: 'assigned', assignee: 's1' });
    step(s, itemId, 'verified');
    expect(s.h.fold.state.rectifications.get(itemId)?.status).toBe('verified');
    step(s, itemId, 'rectified');
    expect(s.h.fold.state.rectifications.get(itemId)?.status).toBe('rectified');
    const closedAt = s.h.now() + 1000;
    step(s, itemId, 'closed', { closedWith: 'feedback' });
    const item = s.h.fold.state.rectifications.get(itemId)!;
    expect(item).toMatchObject({ status: 'closed', closedWith: 'feedback', closedAt });
    expect(item.steps.map((x) => x.action)).toEqual(['assigned', 'verified', 'rectified', 'closed']);
    expect(item.steps.map((x) => x.note)).toEqual(['assigned note', 'verified note', 'rectified note', 'closed note']);
    expect(item.steps[0]?.assignee).toBe('s1');
    const times = item.steps.map((x) => x.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(isOverdue(item, item.dueAt! + DAY)).toBe(false);
  });

  it('R8: each step records who recorded it (the authoring terminal), so the history is accountable', () => {
    const s = scene();
    rate(s, served(s), 2);
    const itemId = items(s.h.fold.state, 'bad-rating')[0]!.id;
    const second = s.h.terminal('supervisor-2');
    step(s, itemId, 'assigned', { assignee: 's1' });
    s.h.emit(second, 'rectification.recorded', { itemId, action: 'verified', note: '已核实' });
    const item = s.h.fold.state.rectifications.get(itemId)!;
    expect(item.steps.map((x) => [x.action, x.by])).toEqual([
      ['assigned', s.admin.origin],
      ['verified', second.origin],
    ]);
    expect(item.steps[0]?.by).toBe('supervisor-1~1');
    // A refused step (on a closed item) is not in the history, so it names nobody.
    step(s, itemId, 'closed', { closedWith: 'feedback' });
    s.h.emit(second, 'rectification.recorded', { itemId, action: 'rectified', note: 'late' });
    expect(s.h.fold.state.rectifications.get(itemId)!.steps.map((x) => x.by)).toEqual([s.admin.origin, second.origin, s.admin.origin]);
  });

  it('R8: an item can be closed with an explanation (the complaint was not reasonable)', () => {
    const s = scene();
    rate(s, served(s), 1);
    const itemId = items(s.h.fold.state, 'bad-rating')[0]!.id;
    step(s, itemId, 'verified');
    step(s, itemId, 'closed', { closedWith: 'explanation' });
    expect(s.h.fold.state.rectifications.get(itemId)).toMatchObject({ status: 'closed', closedWith: 'explanation' });
  });

  it("R8: a closed item refuses further steps except 'reopened'", () => {
    const s = scene();
    rate(s, served(s), 2);
    const itemId = items(s.h.fold.state, 'bad-rating')[0]!.id;
    step(s, itemId, 'closed', { closedWith: 'feedback' });
    step(s, itemId, 'assigned', { assignee: 's2' });
    step(s, itemId, 'rectified');
    let item = s.h.fold.state.rectifications.get(itemId)!;
    expect(notes(s.h.fold.state, 'item-closed')).toHaveLength(2);
    expect(item.status).toBe('closed');
    expect(item.assignee).toBeUndefined();
    expect(item.steps.map((x) => x.action)).toEqual(['closed']);

    step(s, itemId, 'reopened');
    item = s.h.fold.state.rectifications.get(itemId)!;
    expect(item.status).toBe('open');
    expect(item.closedAt).toBeUndefined();
    expect(item.closedWith).toBeUndefined();
    step(s, itemId, 'assigned', { assignee: 's2' });
    item = s.h.fold.state.rectifications.get(itemId)!;
    expect(item).toMatchObject({ status: 'assigned', assignee: 's2' });
    expect(item.steps.map((x) => x.action)).toEqual(['closed', 'reopened', 'assigned']);
  });
});

describe('"can\'t get it done" ledger (R18)', () => {
  it("R18: a ticket finished with outcome 'not-done' opens a ledger item", () => {
    const s = scene();
    const done = served(s, 'done');
    const notDone = served(s, 'not-done');
    const st = s.h.fold.state;
    const ledger = items(st, 'not-done');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ ticketId: notDone, number: 'A002', serviceId: 'hukou', windowId: 'w1', staffId: 's1', status: 'open' });
    expect(ledger.some((i) => i.ticketId === done)).toBe(false);
    expect(stats(st)).toMatchObject({ served: 2, done: 1, notDone: 1 });
  });

  it("R18: a ticket of the \"can't get it done\" service finished not-done goes to the ledger too", () => {
    const s = scene();
    const { h } = s;
    h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w6', value: { id: 'w6', label: '6', services: [{ serviceId: 'cantdo' }] } });
    const counter6 = h.terminal('counter-6');
    h.open(counter6, 'w6', 's2');
    const id = h.issue(s.kiosk, { serviceId: 'cantdo' });
    expect(h.fold.state.tickets.get(id)?.number).toBe('D001');
    serve(h, counter6, id, 'w6', 20, 'not-done');
    expect(items(h.fold.state, 'not-done')).toMatchObject([{ ticketId: id, serviceId: 'cantdo', windowId: 'w6', staffId: 's2' }]);
  });

  it("R18: the clerk's note on a 'not-done' finish becomes the ledger item's problem", () => {
    const s = scene();
    const { h } = s;
    const id = h.issue(s.kiosk, { serviceId: 'hukou' });
    h.emit(s.counter, 'ticket.called', { ticketId: id, windowId: 'w1' });
    h.emit(s.counter, 'ticket.finished', { ticketId: id, windowId: 'w1', outcome: 'not-done', note: '原籍证明无法线上核验' });
    expect(items(h.fold.state, 'not-done')[0]).toMatchObject({ ticketId: id, problem: '原籍证明无法线上核验' });
  });

  it('R18: a ledger step records problem, cause, work order and deadline; due at the end of the deadline day in Shanghai', () => {
    const s = scene();
    served(s, 'not-done');
    const itemId = items(s.h.fold.state, 'not-done')[0]!.id;
    s.h.emit(s.admin, 'rectification.recorded', {
      itemId,
      action: 'ledger',
      note: '已登记',
      problem: '跨区迁户需原籍证明',
      cause: '两地系统未打通',
      workOrder: 'WO-2026-1123-01',
      deadline: '2026-11-30',
    });
    const item = s.h.fold.state.rectifications.get(itemId)!;
    expect(item).toMatchObject({
      problem: '跨区迁户需原籍证明',
      cause: '两地系统未打通',
      workOrder: 'WO-2026-1123-01',
      deadline: '2026-11-30',
    });
    // 23:59:59.999 on 30 November in Shanghai is still in time; midnight is the due time.
    expect(item.dueAt).toBe(sh('2026-12-01', '00:00'));
    expect(item.dueAt).toBe(Date.parse('2026-11-30T16:00:00Z'));
    expect(isOverdue(item, sh('2026-11-30', '23:59'))).toBe(false);
    expect(isOverdue(item, sh('2026-12-01', '00:01'))).toBe(true);
    expect(item.steps.map((x) => x.action)).toEqual(['ledger']);

    step(s, itemId, 'rectified');
    step(s, itemId, 'closed', { closedWith: 'feedback' });
    expect(s.h.fold.state.rectifications.get(itemId)?.status).toBe('closed');
  });
});

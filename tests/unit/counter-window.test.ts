import { describe, expect, it } from 'vitest';
import { checkManualCall } from '../../shared/queue/select';
import { pauseReasonText } from '../../shared/windows/pauseReasons';
import { clock, conflictMessage, heldTicket, ledText, manualCallMessage, priorityText, todayCounts } from '../../renderer/counter/windowView';
import { makeHall, MINUTE } from '../support/hall';

describe('counter window view', () => {
  it('R3/R10: the LED strip shows the call, the number served, 暂停服务 while paused and nothing while closed', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    expect(ledText(h.fold.state, 'w1')).toBe('');
    h.open(c, 'w1');
    expect(ledText(h.fold.state, 'w1')).toBe('1号窗口');
    const id = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: id, windowId: 'w1' });
    expect(ledText(h.fold.state, 'w1')).toBe('请A001到1号窗口');
    h.emit(c, 'ticket.started', { ticketId: id, windowId: 'w1' });
    expect(ledText(h.fold.state, 'w1')).toBe('A001正在办理');
    h.emit(c, 'window.paused', { windowId: 'w1', reason: '临时离开' });
    expect(ledText(h.fold.state, 'w1')).toBe('暂停服务');
    h.emit(c, 'window.closed', { windowId: 'w1' });
    expect(ledText(h.fold.state, 'w1')).toBe('');
  });

  it("today's counts: called, served, no-shows and not-done at this window only (not-done is not served; a no-show who came back is not a no-show)", () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c1 = h.terminal('counter-1');
    const c2 = h.terminal('counter-2');
    h.open(c1, 'w1');
    h.open(c2, 'w2', 's2');
    const a = h.issue(k, { serviceId: 'hukou' });
    const b = h.issue(k, { serviceId: 'hukou' });
    const d = h.issue(k, { serviceId: 'social' });
    h.emit(c1, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c1, 'ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
    h.emit(c1, 'ticket.called', { ticketId: b, windowId: 'w1' });
    h.emit(c1, 'ticket.skipped', { ticketId: b, windowId: 'w1' });
    h.emit(c1, 'ticket.called', { ticketId: b, windowId: 'w1', manual: true });
    h.emit(c1, 'ticket.finished', { ticketId: b, windowId: 'w1', outcome: 'not-done', note: '材料不全' });
    h.emit(c2, 'ticket.called', { ticketId: d, windowId: 'w2' });
    h.emit(c2, 'ticket.finished', { ticketId: d, windowId: 'w2', outcome: 'done' });
    expect(todayCounts(h.fold.state, 'w1', h.now())).toEqual({ called: 3, served: 1, noShow: 0, notDone: 1, transferred: 0 });
    expect(todayCounts(h.fold.state, 'w2', h.now())).toEqual({ called: 1, served: 1, noShow: 0, notDone: 0, transferred: 0 });
    expect(heldTicket(h.fold.state, 'w1')).toBeUndefined();
  });

  it('a lost call conflict names the number and the window that called it first', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c1 = h.terminal('counter-1');
    const c4 = h.terminal('counter-4');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.emit(c1, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c4, 'ticket.called', { ticketId: a, windowId: 'w4' });
    const conflict = h.fold.state.windows.get('w4')!.conflict!;
    expect(conflictMessage(h.fold.state, conflict).zh).toContain('A001 已由 1 号窗口叫号');
    expect(conflictMessage(h.fold.state, conflict).en).toContain('A001 was called by window 1 first');
    expect(heldTicket(h.fold.state, 'w4')).toBeUndefined();
    expect(heldTicket(h.fold.state, 'w1')?.number).toBe('A001');
  });

  it('a number the window cannot call by hand gets a sentence saying why', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c1 = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    const unknown = checkManualCall(h.fold.state, 'w1', 'A099', h.now());
    expect(!unknown.ok && manualCallMessage(h.fold.state, 'a099', unknown).zh).toBe('今天没有 A099 号。');
    h.emit(c1, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c1, 'ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
    const done = checkManualCall(h.fold.state, 'w1', 'A001', h.now());
    expect(!done.ok && manualCallMessage(h.fold.state, 'A001', done).en).toBe('A001 is finished and cannot be called.');
    const b = h.issue(k, { serviceId: 'hukou' });
    h.emit(c1, 'ticket.called', { ticketId: b, windowId: 'w1' });
    h.emit(c1, 'ticket.skipped', { ticketId: b, windowId: 'w1' });
    h.advance(31 * MINUTE);
    const late = checkManualCall(h.fold.state, 'w1', 'A002', h.now());
    expect(!late.ok && manualCallMessage(h.fold.state, 'A002', late).zh).toContain('过号已超过保留时间');
  });

  it('priority classes read as words, with the reason for special groups', () => {
    expect(priorityText({ priority: 'special', priorityReason: 'veteran' })).toEqual({ zh: '优先·退役军人', en: 'Priority (veteran)' });
    expect(priorityText({ priority: 'green' }).zh).toBe('绿色通道');
  });

  it('R10: a known pause reason reads in both languages, a typed one as written', () => {
    expect(pauseReasonText('临时离开')).toEqual({ zh: '临时离开', en: 'Stepped away' });
    expect(pauseReasonText('去档案室取件')).toEqual({ zh: '去档案室取件', en: '去档案室取件' });
    expect(pauseReasonText('  ')).toBeUndefined();
  });

  it('the timer reads m:ss, and h:mm:ss past an hour', () => {
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_725_000)).toBe('1:02:05');
    expect(clock(-5)).toBe('0:00');
  });
});

/**
 * Issue 17, honest waits: with no open window for a service, the kiosk, the printed ticket and
 * the phone page say so (and when the schedule opens it next), in the same words, and never
 * promise minutes.
 */
import { describe, expect, it } from 'vitest';
import { estimateForTicket, estimateNewTicket, waitLine, waitText } from '../../shared/estimate';
import { ticketContent } from '../../electron/devices/printer/ticket';
import { printPayload, ticketWait, type IssuedTicket } from '../../renderer/kiosk/issueFlow';
import { progressView } from '../../server/store/progress';
import { progressPage } from '../../server/store/progressPage';
import { nearText } from '../../server/sms/messages';
import { makeHall, HALL, MINUTE } from '../support/hall';
import { sh, stepped } from '../support/flow';

const TZ = 'Asia/Shanghai';
const MON = '2026-11-23';

/** The ticket as the kiosk holds it after issue, with the estimate it got. */
function issued(number: string, ticketId: string, e: ReturnType<typeof estimateNewTicket>, issuedAt: number): IssuedTicket {
  return {
    ticketId,
    number,
    serviceId: 'estate',
    service: { zh: '不动产登记', en: 'Real estate registration' },
    windows: ['3'],
    ahead: e.ahead,
    waitMinutes: e.minutes,
    ...(e.noOpenWindow ? { noOpenWindow: true } : {}),
    ...(e.nextOpening !== undefined ? { nextOpening: e.nextOpening } : {}),
    issuedAt,
    qr: 'https://hall.example/p/abc',
    offline: false,
    medium: 'paper',
    priority: 'normal',
    appointment: false,
    late: false,
  };
}

/** Real estate is served only at window 3; in the test hall nobody has opened it. */
function hall() {
  const h = stepped(makeHall());
  const kiosk = h.terminal('kiosk-1');
  const counter = h.terminal('counter-3');
  return { h, kiosk, counter };
}

describe('honest waits (issue 17)', () => {
  it('no open window for the service: the kiosk, the printed ticket and the phone say so, in the same words, without minutes', () => {
    const { h, kiosk } = hall();
    h.issue(kiosk, { serviceId: 'estate', card: { idHash: 'a'.repeat(64), idMasked: '110***********0001', nameMasked: '张*', birthDate: '1990-01-01' } });
    const before = estimateNewTicket(h.fold.state, 'estate', 'normal', h.now());
    expect(before).toMatchObject({ ahead: 1, noOpenWindow: true, windows: 0 });
    // Inside opening hours with the window closed: nobody knows when a clerk comes.
    expect(before.nextOpening).toBeUndefined();
    const kioskSays = waitText(before, TZ, h.now());
    expect(kioskSays).toEqual({ zh: '暂无窗口开放，无法估计等候时间', en: 'No window is open now: no wait time can be given' });

    const id = h.issue(kiosk, { serviceId: 'estate', card: { idHash: 'b'.repeat(64), idMasked: '110***********0002', nameMasked: '李*', birthDate: '1990-01-01' } });
    const t = issued('C002', id, before, h.now());
    const printed = ticketContent(printPayload(h.fold.state, t));
    expect(printed.wait).toBe('暂无窗口开放，无法估计等候时间 / No window is open now: no wait time can be given');
    expect(printed.wait).not.toMatch(/分钟|min\b/);

    const phone = progressView(h.fold.state, { hall: HALL, ticketId: id, number: 'C002', serviceId: 'estate', day: MON }, h.now(), false);
    expect(phone).toMatchObject({ status: 'waiting', ahead: 1, waitKind: 'no-window', wait: kioskSays });
    const html = progressPage(phone, 'tok');
    expect(html).toContain('暂无窗口开放，无法估计等候时间');
    expect(html).not.toContain('分钟');
  });

  it('the SMS "near your turn" notice promises no minutes while no window is open', () => {
    expect(nearText('政务服务中心', 'C002', 2, undefined)).toBe('【政务服务中心】您的C002号前面还有2人，暂无窗口开放，请留意叫号屏。');
    expect(nearText('政务服务中心', 'C002', 2, 16)).toContain('预计约16分钟后叫号');
  });

  it('a paused window is not an open one; once a window opens, minutes come back everywhere alike', () => {
    const { h, kiosk, counter } = hall();
    const id = h.issue(kiosk, { serviceId: 'estate', card: { idHash: 'c'.repeat(64), idMasked: '110***********0003', nameMasked: '王*', birthDate: '1990-01-01' } });
    h.issue(kiosk, { serviceId: 'estate', card: { idHash: 'd'.repeat(64), idMasked: '110***********0004', nameMasked: '赵*', birthDate: '1990-01-01' } });
    h.open(counter, 'w3', 's1');
    h.emit(counter, 'window.paused', { windowId: 'w3', reason: '临时离开' });
    expect(estimateNewTicket(h.fold.state, 'estate', 'normal', h.now()).noOpenWindow).toBe(true);
    h.emit(counter, 'window.resumed', { windowId: 'w3' });
    const e = estimateNewTicket(h.fold.state, 'estate', 'normal', h.now());
    expect(e).toMatchObject({ noOpenWindow: false, ahead: 2, minutes: 16 });
    expect(waitText(e, TZ, h.now())).toEqual({ zh: '约 16 分钟', en: 'about 16 min' });
    const printed = ticketContent(printPayload(h.fold.state, issued('C003', 'x', e, h.now())));
    expect(printed.wait).toBe('预计等候约 16 分钟 / Expected wait about 16 min');
    const second = estimateForTicket(h.fold.state, id, h.now())!;
    const phone = progressView(h.fold.state, { hall: HALL, ticketId: id, number: 'C001', serviceId: 'estate', day: MON }, h.now(), false);
    expect(phone.wait).toEqual(waitLine(second, TZ, h.now()));
    expect(phone.waitKind).toBe('no-wait');
  });

  it('first in line with a window open: "no wait", never "0 min"', () => {
    const { h, counter } = hall();
    h.open(counter, 'w3', 's1');
    const e = estimateNewTicket(h.fold.state, 'estate', 'normal', h.now());
    expect(e).toMatchObject({ ahead: 0, noOpenWindow: false });
    expect(waitText(e, TZ, h.now()).zh).toBe('无需等候');
    const printed = ticketContent(printPayload(h.fold.state, issued('C001', 'x', e, h.now())));
    expect(printed.wait).toBe('无需等候，请留意叫号 / No wait: watch for your number');
    // A ticket printed by an older kiosk (no wait line) still never says "0 分钟".
    expect(ticketContent({ ...printPayload(h.fold.state, issued('C001', 'x', e, h.now())), wait: undefined }).wait).toBe('无需等候 / No wait');
  });

  it('when the schedule knows: before opening, the kiosk and ticket give the time service starts', () => {
    const h = stepped(makeHall(sh(MON, '08:40')));
    // 08:30-09:00 is appointment-only (R5): walk-in service starts at 09:00.
    const e = estimateNewTicket(h.fold.state, 'hukou', 'appointment', h.now());
    expect(e.noOpenWindow).toBe(true);
    expect(e.nextOpening).toBe(sh(MON, '09:00'));
    expect(waitText(e, TZ, h.now())).toEqual({ zh: '暂无窗口开放，预计 09:00 起办理', en: 'No window is open now: service from 09:00' });
    expect(ticketWait(issued('A001', 'x', e, h.now()))).toMatchObject({ noOpenWindow: true, nextOpening: sh(MON, '09:00') });
  });

  it('after hours, a ticket still waiting is told the next day service starts, with the date', () => {
    const h = stepped(makeHall(sh(MON, '16:20')));
    const kiosk = h.terminal('kiosk-1');
    const id = h.issue(kiosk, { serviceId: 'hukou' });
    h.advance(80 * MINUTE); // 17:40: the day is over, no window open
    const e = estimateForTicket(h.fold.state, id, h.now())!;
    expect(e.nextOpening).toBe(sh('2026-11-24', '09:00'));
    expect(waitLine(e, TZ, h.now())).toEqual({ zh: '暂无窗口开放，预计 11月24日 09:00 起办理', en: 'No window is open now: service from 24 Nov 09:00' });
  });
});

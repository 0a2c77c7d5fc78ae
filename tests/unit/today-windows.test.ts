/**
 * Issue 17: a window opened on a past day and never closed is not in service today, and its
 * last ticket is nobody's current ticket; today's windows read as the fold has them.
 */
import { describe, expect, it } from 'vitest';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { windowRows } from '../../renderer/display/rows';
import { currentTicketToday, windowStateToday } from '../../shared/fold/today';
import { makeHall, MINUTE } from '../support/hall';

describe('windows as they stand today', () => {
  it('a window left open (with its clerk and a called ticket) on a past day is closed today, with no current number', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.open(c, 'w1');
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    const s = h.fold.state;
    const day = s.tickets.get(a)!.day;
    const zone = s.config.schedule.timeZone;
    expect(windowStateToday(s.windows.get('w1'), day, zone)).toBe('open');
    expect(currentTicketToday(s, s.windows.get('w1'), day)?.number).toBe('A001');
    expect(windowRows(s, day).find((w) => w.id === 'w1')).toMatchObject({ state: 'open', currentNumber: 'A001' });

    h.advance(24 * 60 * MINUTE);
    const b = h.issue(k, { serviceId: 'hukou' });
    const today = h.fold.state.tickets.get(b)!.day;
    expect(today).not.toBe(day);
    expect(windowStateToday(s.windows.get('w1'), today, zone)).toBe('closed');
    expect(currentTicketToday(s, s.windows.get('w1'), today)).toBeUndefined();
    const row = windowRows(s, today).find((w) => w.id === 'w1')!;
    expect(row).toMatchObject({ state: 'closed' });
    expect(row.currentNumber).toBeUndefined();
    expect(row.staffId).toBeUndefined();
    // A clerk takes the window over today and calls: it is in service again.
    h.open(c, 'w1', 's2');
    h.emit(c, 'ticket.called', { ticketId: b, windowId: 'w1' });
    expect(windowRows(h.fold.state, today).find((w) => w.id === 'w1')).toMatchObject({ state: 'open', staffId: 's2', currentNumber: h.fold.state.tickets.get(b)!.number });
    // Closed and opened again today: as the fold has it.
    h.emit(c, 'window.closed', { windowId: 'w1' });
    h.emit(c, 'window.opened', { windowId: 'w1' });
    expect(windowRows(h.fold.state, today).find((w) => w.id === 'w1')).toMatchObject({ state: 'open' });
  });

  it("the admin's live view never shows a window left open on a past day as in service, nor its clerk", () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.open(c, 'w1');
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.advance(24 * 60 * MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    const at = [...h.fold.state.tickets.values()].at(-1)!.issuedAt;
    const line = liveModel(h.fold.state, at).windows.find((w) => w.windowId === 'w1')!;
    expect(line.state).toBe('closed');
    expect(line.forMs).toBe(0);
    expect(line.staffId).toBeUndefined();
    expect(line.currentNumber).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { boardTickets, windowRows } from '../../renderer/display/rows';
import { makeHall, MINUTE } from '../support/hall';

describe("the board's rows, from the fold", () => {
  it("today's waiting, called and serving tickets, and every window with its current number", () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.issue(k, { serviceId: 'social' });
    const done = h.issue(k, { serviceId: 'hukou' });
    h.open(c, 'w1');
    h.emit(c, 'ticket.called', { ticketId: done, windowId: 'w1' });
    h.emit(c, 'ticket.finished', { ticketId: done, windowId: 'w1', outcome: 'done' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    const today = h.fold.state.tickets.get(a)!.day;
    const rows = boardTickets(h.fold.state, today);
    expect(rows.map((t) => [t.number, t.status]).sort()).toEqual([
      ['A001', 'called'],
      ['B001', 'waiting'],
    ]);
    const windows = windowRows(h.fold.state);
    expect(windows.find((w) => w.id === 'w1')).toMatchObject({ label: '1', state: 'open', currentNumber: 'A001' });
    expect(windows).toHaveLength(h.fold.state.config.windows.size);
  });

  it("yesterday's tickets still waiting are not on today's board", () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    const yesterday = h.fold.state.tickets.get(a)!.day;
    h.advance(24 * 60 * MINUTE);
    const b = h.issue(k, { serviceId: 'hukou' });
    const today = h.fold.state.tickets.get(b)!.day;
    expect(today).not.toBe(yesterday);
    expect(boardTickets(h.fold.state, today).map((t) => t.id)).toEqual([b]);
  });

  it('R21: the rows carry no personal data', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const id = h.issue(k, { serviceId: 'estate', card: { idHash: 'f'.repeat(64), idMasked: '110***********1234', nameMasked: '张*' } });
    const json = JSON.stringify(boardTickets(h.fold.state, h.fold.state.tickets.get(id)!.day));
    expect(json).toContain(h.fold.state.tickets.get(id)!.number);
    expect(json).not.toMatch(/张|\*{3}|f{64}/);
  });
});

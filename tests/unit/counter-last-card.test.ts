/**
 * Stale leftovers (issue 17): the idle counter showed "上一位 A050：非常满意" from a previous day
 * after sign-in. The last card is the citizen this window finished today, or nothing.
 */
import { describe, expect, it } from 'vitest';
import { lastFinishedToday } from '../../renderer/counter/lastCard';
import { makeHall } from '../support/hall';
import { DAY, serve, sh } from '../support/flow';

describe('the counter last card: only today, only this window', () => {
  it('shows the ticket this window finished today', () => {
    const h = makeHall(sh('2026-11-23', '10:00'));
    const kiosk = h.terminal('kiosk-1');
    const counter = h.terminal('counter-1');
    h.open(counter, 'w1');
    const id = h.issue(kiosk, { serviceId: 'hukou' });
    serve(h, counter, id, 'w1');
    expect(lastFinishedToday(h.fold.state, 'w1', h.now())?.id).toBe(id);
    // Another window has no "last" of its own.
    expect(lastFinishedToday(h.fold.state, 'w2', h.now())).toBeUndefined();
  });

  it("yesterday's last citizen is not shown the next morning after sign-in", () => {
    const h = makeHall(sh('2026-11-23', '15:00'));
    const kiosk = h.terminal('kiosk-1');
    const counter = h.terminal('counter-1');
    h.open(counter, 'w1');
    const id = h.issue(kiosk, { serviceId: 'hukou' });
    serve(h, counter, id, 'w1');
    h.advance(DAY - 5 * 60 * 60 * 1000);
    h.open(counter, 'w1');
    expect(h.fold.state.windows.get('w1')!.lastFinishedTicketId).toBe(id);
    expect(lastFinishedToday(h.fold.state, 'w1', h.now())).toBeUndefined();
  });
});

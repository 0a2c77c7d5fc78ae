/**
 * The case of issue 17, scripted for the simulation: windows 1 and 3 both call A004 offline
 * (window 1 first), the citizen sits down at window 3 and is served there, while window 1
 * recalls and marks a no-show. Every order of arrival of those offline events, at the server
 * and at each counter, must end with A004 at window 3 on every replica: the call follows the
 * citizen, not the clock.
 */
import { eventId } from '../../shared/clock';
import type { HallEvent } from '../../shared/events';
import { HallFold, canonicalState } from '../../shared/fold';
import { HALL, makeHall, MINUTE } from '../support/hall';

export interface ConflictCaseResult {
  /** Arrival orders tried (all permutations of the offline events). */
  orders: number;
  /** Orders after which every replica agreed and sent the citizen to window 3. */
  followedCitizen: number;
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  const out: T[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

export function runConflictCase(): ConflictCaseResult {
  const h = makeHall();
  const kiosk = h.terminal('kiosk-1');
  const c1 = h.terminal('counter-1');
  const c3 = h.terminal('counter-3');
  // In the test hall windows 1 and 4 serve 户籍; window "3" of the issue is w4 here.
  h.open(c1, 'w1', 's1');
  h.open(c3, 'w4', 's2');
  for (let i = 0; i < 3; i++) h.issue(kiosk, { serviceId: 'hukou' });
  const ticketId = h.issue(kiosk, { serviceId: 'hukou' }); // A004
  const others = [...h.fold.state.tickets.keys()].filter((id) => id !== ticketId);
  // Both windows served the first three before the network went down.
  for (const [i, id] of others.entries()) {
    const c = i % 2 ? c3 : c1;
    const w = i % 2 ? 'w4' : 'w1';
    h.emit(c, 'ticket.called', { ticketId: id, windowId: w });
    h.emit(c, 'ticket.finished', { ticketId: id, windowId: w, outcome: 'done' });
  }
  const base = [...h.fold.log];

  const offline: HallEvent[] = [];
  offline.push(c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' }));
  h.advance(20_000);
  offline.push(c3.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' }));
  h.advance(40_000);
  offline.push(c3.emit('ticket.started', { ticketId, windowId: 'w4' }));
  h.advance(MINUTE);
  offline.push(c1.emit('ticket.recalled', { ticketId, windowId: 'w1' }));
  h.advance(3 * MINUTE);
  offline.push(c1.emit('ticket.skipped', { ticketId, windowId: 'w1' }));
  h.advance(MINUTE);
  offline.push(c3.emit('ticket.finished', { ticketId, windowId: 'w4', outcome: 'done' }));

  const orders = permutations(offline);
  let followed = 0;
  let reference: string | undefined;
  for (const order of orders) {
    // The server hears the events in this order; each counter first has its own, then the rest.
    const server = new HallFold(HALL);
    server.addMany(base);
    for (const e of order) server.add(e);
    const replicas = ['counter-1', 'counter-3'].map((who) => {
      const f = new HallFold(HALL);
      f.addMany(base);
      const own = order.filter((e) => e.origin.startsWith(`${who}~`));
      for (const e of own) f.add(e);
      for (const e of order) if (!f.has(eventId(e))) f.add(e);
      return f;
    });
    const state = canonicalState(server.state);
    reference ??= state;
    const t = server.state.tickets.get(ticketId);
    const agree = state === reference && replicas.every((r) => canonicalState(r.state) === state);
    const w1 = server.state.windows.get('w1');
    if (agree && t?.windowId === 'w4' && t.status === 'finished' && t.skips === 0 && w1?.conflict?.reason === 'started') followed += 1;
  }
  return { orders: orders.length, followedCitizen: followed };
}

import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { TerminalDatabase } from '../../renderer/db/database';
import { ViewWriter } from '../../renderer/db/views';
import { makeHall, MINUTE } from '../support/hall';

const openDb = () => new TerminalDatabase('display-1', { dexie: { indexedDB: new IDBFactory(), IDBKeyRange } });

describe('materialized views for the screens', () => {
  it("today's tickets and every window are in tables the screens can query live", async () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.issue(k, { serviceId: 'social' });
    h.open(c, 'w1');
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    const db = openDb();
    const views = new ViewWriter(db);
    await views.write(h.fold.state, h.now());
    const waiting = await db.ticketsView.where('[day+status]').equals(['2026-11-23', 'waiting']).toArray();
    expect(waiting.map((t) => t.number)).toEqual(['B001']);
    expect(await db.windowsView.get('w1')).toMatchObject({ label: '1', state: 'open', currentNumber: 'A001' });
    expect(await db.windowsView.count()).toBe(h.fold.state.config.windows.size);
    db.close();
  });

  it('only rows that changed are written again', async () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.issue(k, { serviceId: 'hukou' });
    const db = openDb();
    const views = new ViewWriter(db);
    const first = await views.write(h.fold.state, h.now());
    expect(first.written).toBe(2 + h.fold.state.config.windows.size);
    expect((await views.write(h.fold.state, h.now())).written).toBe(0);
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    // The called ticket and its window; the other ticket is untouched.
    expect((await views.write(h.fold.state, h.now())).written).toBe(2);
    db.close();
  });

  it('tickets older than yesterday leave the views', async () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'hukou' });
    const db = openDb();
    const views = new ViewWriter(db);
    await views.write(h.fold.state, h.now());
    h.advance(2 * 24 * 60 * MINUTE);
    const r = await views.write(h.fold.state, h.now());
    expect(r.removed).toBe(1);
    expect(await db.ticketsView.count()).toBe(0);
    db.close();
  });

  it('R21: the views carry no personal data', async () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'estate', card: { idHash: 'f'.repeat(64), idMasked: '110***********1234', nameMasked: '张*' } });
    const db = openDb();
    await new ViewWriter(db).write(h.fold.state, h.now());
    const json = JSON.stringify(await db.ticketsView.toArray());
    expect(json).not.toMatch(/张|\*{3}|f{64}/);
    db.close();
  });
});

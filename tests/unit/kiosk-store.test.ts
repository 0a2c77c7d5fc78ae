/** The kiosk's screen state: one citizen's session from the attract screen to the ticket. */
import { describe, expect, it } from 'vitest';
import { createKioskStore, PAGE_SIZE, resetDue, TICKET_SCREEN_SECONDS, visibleTiles, type KioskData } from '../../renderer/kiosk/store';
import type { IssuedTicket } from '../../renderer/kiosk/issueFlow';
import { serviceTiles } from '../../renderer/kiosk/services';
import { makeHall, MONDAY_10AM } from '../support/hall';
import { card } from '../support/flow';
import type { CardRead } from '../../shared/identity/card';

const ticket: IssuedTicket = {
  ticketId: 't1',
  number: 'A001',
  serviceId: 'hukou',
  service: { zh: '户籍办理', en: 'Household registration' },
  windows: ['1'],
  ahead: 0,
  waitMinutes: 0,
  issuedAt: 0,
  qr: 'http://hall/p/abcdefghijklmnopqrstuv',
  offline: false,
  medium: 'paper',
  priority: 'normal',
  appointment: false,
  late: false,
};

const aCard: CardRead = { ...card('1990-05-01'), cardType: 'resident' };

describe('kiosk screen flow', () => {
  it('a tap goes attract -> services -> confirm -> printing -> ticket, and done starts over', () => {
    const k = createKioskStore();
    expect(k.getState().screen).toBe('attract');
    k.getState().start();
    expect(k.getState().screen).toBe('services');
    k.getState().choose('hukou');
    expect(k.getState()).toMatchObject({ screen: 'confirm', serviceId: 'hukou' });
    expect(k.getState().issuing()).toBe(true);
    // A second tap on "take" while the first is under way does nothing.
    expect(k.getState().issuing()).toBe(false);
    k.getState().printing(ticket);
    expect(k.getState()).toMatchObject({ screen: 'printing', busy: true });
    k.getState().printed(ticket);
    expect(k.getState()).toMatchObject({ screen: 'ticket', busy: false, ticket });
    k.getState().reset();
    expect(k.getState()).toMatchObject({ screen: 'attract', ticket: undefined, card: undefined, elderly: false });
  });

  it('nothing else happens while a ticket is being taken', () => {
    const k = createKioskStore();
    k.getState().start();
    k.getState().choose('hukou');
    k.getState().issuing();
    k.getState().back();
    k.getState().choose('social');
    k.getState().cardRead(aCard, 0);
    expect(k.getState()).toMatchObject({ screen: 'confirm', serviceId: 'hukou', card: undefined });
  });

  it('a printer failure ends on the e-ticket screen with the reason', () => {
    const k = createKioskStore();
    k.getState().choose('hukou');
    k.getState().issuing();
    k.getState().printing(ticket);
    k.getState().eTicket({ ...ticket, number: 'A002', medium: 'e-ticket' }, { zh: '缺纸', en: 'out of paper' });
    expect(k.getState()).toMatchObject({ screen: 'eticket', busy: false, printError: { en: 'out of paper' } });
    expect(k.getState().ticket?.number).toBe('A002');
  });

  it('a refusal is a dialog; OK on a refused confirm step goes back to the services', () => {
    const k = createKioskStore();
    k.getState().start();
    k.getState().refuse({ code: 'appointment-only', message: { zh: '仅限预约', en: 'appointments only' }, hint: 'appointment' });
    expect(k.getState()).toMatchObject({ screen: 'services', refusal: { code: 'appointment-only' } });
    k.getState().dismissRefusal();
    expect(k.getState().refusal).toBeUndefined();
    k.getState().choose('estate');
    k.getState().issuing();
    k.getState().refuse({ code: 'person-limit', message: { zh: '已达上限', en: 'limit' } });
    expect(k.getState()).toMatchObject({ screen: 'confirm', busy: false });
    k.getState().dismissRefusal();
    expect(k.getState().screen).toBe('services');
  });

  it('an ID card makes the session real-name; with bookings today it offers check-in', () => {
    const k = createKioskStore();
    k.getState().cardRead(aCard, 0);
    expect(k.getState()).toMatchObject({ screen: 'services', card: aCard });
    const k2 = createKioskStore();
    k2.getState().cardRead(aCard, 2);
    expect(k2.getState().screen).toBe('checkin');
    k2.getState().back();
    expect(k2.getState().screen).toBe('services');
  });

  it('a card on the confirm step stays there (the citizen is about to take that service)', () => {
    const k = createKioskStore();
    k.getState().choose('estate');
    k.getState().cardRead(aCard, 0);
    expect(k.getState()).toMatchObject({ screen: 'confirm', serviceId: 'estate', card: aCard });
  });

  it("a card on the last citizen's ticket screen starts a new session", () => {
    const k = createKioskStore();
    k.getState().toggleElderly();
    k.getState().choose('hukou');
    k.getState().declare('veteran');
    k.getState().issuing();
    k.getState().printed(ticket);
    k.getState().cardRead(aCard, 0);
    expect(k.getState()).toMatchObject({ screen: 'services', card: aCard, ticket: undefined, declared: undefined, elderly: false });
  });

  it('the guide opens over any screen and closes back to it', () => {
    const k = createKioskStore();
    k.getState().start();
    k.getState().openGuide('estate');
    expect(k.getState()).toMatchObject({ screen: 'services', guideId: 'estate' });
    k.getState().closeGuide();
    expect(k.getState().guideId).toBeUndefined();
  });
});

describe('idle reset', () => {
  const base = (over: Partial<KioskData> = {}): KioskData => ({ ...createKioskStore(0).getState(), ...over });

  it('after the idle time without a touch the session ends', () => {
    const s = base({ screen: 'services', lastTouch: 1_000 });
    expect(resetDue(s, 'zh', 1_000 + 59_999, 60)).toBe(false);
    expect(resetDue(s, 'zh', 1_000 + 60_000, 60)).toBe(true);
  });

  it('English or 大字版 left on the attract screen also go back to Chinese, normal mode', () => {
    expect(resetDue(base({ lastTouch: 0 }), 'en', 60_000, 60)).toBe(true);
    expect(resetDue(base({ lastTouch: 0, elderly: true }), 'zh', 60_000, 60)).toBe(true);
    // Already at home: nothing to do.
    expect(resetDue(base({ lastTouch: 0 }), 'zh', 600_000, 60)).toBe(false);
  });

  it('never while a ticket is printing', () => {
    expect(resetDue(base({ screen: 'printing', busy: true, lastTouch: 0 }), 'zh', 600_000, 60)).toBe(false);
  });

  it('a printed ticket screen returns sooner; an e-ticket stays the whole idle time (it must be photographed)', () => {
    const at = TICKET_SCREEN_SECONDS * 1000;
    expect(resetDue(base({ screen: 'ticket', lastTouch: 0 }), 'zh', at, 60)).toBe(true);
    expect(resetDue(base({ screen: 'eticket', lastTouch: 0 }), 'zh', at, 60)).toBe(false);
    expect(resetDue(base({ screen: 'eticket', lastTouch: 0 }), 'zh', 60_000, 60)).toBe(true);
  });
});

describe('services on screen', () => {
  const h = makeHall(MONDAY_10AM);
  const tiles = serviceTiles(h.fold.state, MONDAY_10AM);

  it('a category tab shows its services; a search looks across all tabs', () => {
    const general = visibleTiles(tiles, { category: 'general', query: '', page: 0, elderly: false });
    expect(general.items.length).toBe(tiles.length);
    const found = visibleTiles(tiles, { category: 'no-such-tab', query: 'bdc', page: 0, elderly: false });
    expect(found.items.map((t) => t.service.id)).toEqual(['estate']);
  });

  it('大字版 shows fewer services per page', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ ...tiles[0]!, service: { ...tiles[0]!.service, id: `s${i}` } }));
    const normal = visibleTiles(many, { category: 'all', query: '', page: 0, elderly: false });
    const big = visibleTiles(many, { category: 'all', query: '', page: 2, elderly: true });
    expect(normal.items).toHaveLength(Math.min(9, PAGE_SIZE.normal));
    expect(big.pages).toBe(Math.ceil(9 / PAGE_SIZE.elderly));
    expect(big.items.map((t) => t.service.id)).toEqual(['s8']);
    // A page past the end (the list got shorter) shows the last page.
    expect(visibleTiles(many, { category: 'all', query: '', page: 99, elderly: true }).page).toBe(big.pages - 1);
  });
});

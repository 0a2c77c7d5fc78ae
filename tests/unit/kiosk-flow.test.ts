/**
 * Taking a ticket at the kiosk, from the tap to the citizen's hand: the controller and the issue
 * flow on a test hall, with the shared issue decision standing in for the coordinator and a fake
 * printer.
 */
import { describe, expect, it } from 'vitest';
import { KioskController } from '../../renderer/kiosk/controller';
import { printPayload, takeTicket, type TakeTicketDeps } from '../../renderer/kiosk/issueFlow';
import { createKioskStore } from '../../renderer/kiosk/store';
import type { IssueInput, IssueOutcome } from '../../renderer/sync/coordinator';
import { decideIssue } from '../../shared/actions/issue';
import { TicketPrintSchema, type PrintResult, type TicketPrint } from '../../shared/devices/contract';
import type { CardRead } from '../../shared/identity/card';
import { makeHall, type TestHall, type TestTerminal } from '../support/hall';
import { card, sh } from '../support/flow';

const MON = '2026-11-23';
const BASE = 'http://hall.example:8080';

interface Rig {
  h: TestHall;
  kiosk: TestTerminal;
  printed: TicketPrint[];
  /** What the printer answers next (or a function for throws and hangs). */
  printer: { next: PrintResult | (() => Promise<PrintResult>) };
  deps: TakeTicketDeps & { now(): number; resetLang(): void };
  langResets: number;
}

/** A kiosk on a test hall: numbers from a server-like series, events folded at once. */
function rig(at = sh(MON, '10:00')): Rig {
  const h = makeHall(at);
  const kiosk = h.terminal('kiosk-1');
  const seqs = new Map<string, number>();
  const printed: TicketPrint[] = [];
  const printer: Rig['printer'] = { next: { ok: true, warnings: [] } };
  const r: Rig = {
    h,
    kiosk,
    printed,
    printer,
    langResets: 0,
    deps: {
      issue: async (input: IssueInput): Promise<IssueOutcome> => {
        h.advance(1_000);
        const prefix = h.fold.state.config.services.get(input.serviceId)?.prefix ?? 'Z';
        const seq = (seqs.get(prefix) ?? 0) + 1;
        const id = kiosk.nextId();
        const d = decideIssue(h.fold.state, { ...input, now: h.now() }, { source: 'server', seq }, id);
        if (!d.ok) return { ok: false, code: d.code, message: d.message };
        seqs.set(prefix, seq);
        const event = h.emit(kiosk, 'ticket.issued', d.payload);
        return { ok: true, ticket: h.fold.state.tickets.get(id)!, event, offline: false, estimate: d.estimate, availability: d.availability, lateForAppointment: d.lateForAppointment };
      },
      voidTicket: async (ticketId) => h.emit(kiosk, 'ticket.voided', { ticketId, reason: 'print-failed' }),
      print: async (t) => {
        printed.push(TicketPrintSchema.parse(t));
        const n = printer.next;
        return typeof n === 'function' ? n() : n;
      },
      state: () => h.fold.state,
      now: () => h.now(),
      progressBase: BASE,
      printTimeoutMs: 50,
      resetLang: () => {
        r.langResets += 1;
      },
    },
  };
  return r;
}

const tickets = (h: TestHall) => [...h.fold.state.tickets.values()];
const PAPER_OUT: PrintResult = { ok: false, code: 'paper-out', message: { zh: '打印机缺纸', en: 'out of paper' } };
const asCard = (p: ReturnType<typeof card>): CardRead => ({ ...p, cardType: 'resident' });

describe('taking a ticket', () => {
  it('a printed ticket is issued once and printed with number, service, windows, wait and the progress QR', async () => {
    const r = rig();
    const shown: string[] = [];
    const res = await takeTicket({ ...r.deps, onIssued: (t) => shown.push(t.number) }, { serviceId: 'hukou', channel: 'kiosk' });
    expect(res.kind).toBe('printed');
    if (res.kind !== 'printed') return;
    expect(shown).toEqual(['A001']);
    expect(tickets(r.h)).toHaveLength(1);
    const t = tickets(r.h)[0]!;
    expect(t).toMatchObject({ number: 'A001', status: 'waiting', medium: 'paper' });
    expect(t.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(r.printed).toHaveLength(1);
    expect(r.printed[0]).toMatchObject({
      number: 'A001',
      service: { zh: '户籍办理' },
      windowHint: '1、4、5号窗口 / Window 1,4,5',
      ahead: 0,
      offline: false,
      qr: `${BASE}/p/${t.token}`,
      issuedAt: `${MON} 10:00`,
    });
  });

  it('printer out of paper: the paper ticket is voided and an e-ticket takes its place (one ticket in the queue)', async () => {
    const r = rig();
    r.printer.next = PAPER_OUT;
    const res = await takeTicket(r.deps, { serviceId: 'hukou', channel: 'kiosk' });
    expect(res.kind).toBe('e-ticket');
    if (res.kind !== 'e-ticket') return;
    // The citizen reads plain language and what to do; the named fault is kept for the log.
    expect(res.printError.zh).toBe('取号机的打印纸用完了，号票没有打印。请使用屏幕上的电子号票，排队顺序不受影响。');
    expect(res.printFault).toEqual({ code: 'paper-out', message: { zh: '打印机缺纸', en: 'out of paper' } });
    const all = tickets(r.h);
    expect(all.map((t) => [t.number, t.status, t.medium])).toEqual([
      ['A001', 'voided', 'paper'],
      ['A002', 'waiting', 'e-ticket'],
    ]);
    expect(res.ticket.number).toBe('A002');
    // Its own token: the progress page of the voided ticket is not the citizen's.
    expect(res.ticket.qr).toBe(`${BASE}/p/${all[1]!.token}`);
    expect(all[1]!.token).not.toBe(all[0]!.token);
    expect(r.printed).toHaveLength(1);
  });

  it('a printer that throws or never answers is printer trouble too', async () => {
    const r = rig();
    r.printer.next = () => Promise.reject(new Error('device host gone'));
    expect((await takeTicket(r.deps, { serviceId: 'hukou', channel: 'kiosk' })).kind).toBe('e-ticket');
    r.printer.next = () => new Promise<PrintResult>(() => {});
    const hung = await takeTicket(r.deps, { serviceId: 'social', channel: 'kiosk' });
    expect(hung.kind).toBe('e-ticket');
    if (hung.kind === 'e-ticket') expect(hung.printFault.message.en).toMatch(/did not respond/);
    if (hung.kind === 'e-ticket') expect(hung.printError.en).toMatch(/cannot print right now.*e-ticket/);
    expect(tickets(r.h).filter((t) => t.status === 'waiting').map((t) => t.medium)).toEqual(['e-ticket', 'e-ticket']);
  });

  it('R12: a voided real-name ticket does not count against the daily limit, so the e-ticket is allowed', async () => {
    const r = rig();
    const me = asCard(card('1990-05-01'));
    for (let i = 0; i < 2; i++) expect((await takeTicket(r.deps, { serviceId: 'estate', channel: 'idcard', card: me })).kind).toBe('printed');
    r.printer.next = PAPER_OUT;
    const third = await takeTicket(r.deps, { serviceId: 'estate', channel: 'idcard', card: me });
    expect(third.kind).toBe('e-ticket');
    r.printer.next = { ok: true, warnings: [] };
    const fourth = await takeTicket(r.deps, { serviceId: 'estate', channel: 'idcard', card: me });
    expect(fourth).toMatchObject({ kind: 'refused', code: 'person-limit' });
  });

  it('a refusal prints nothing and stores nothing', async () => {
    const r = rig();
    const res = await takeTicket(r.deps, { serviceId: 'estate', channel: 'kiosk' });
    expect(res).toMatchObject({ kind: 'refused', code: 'id-required' });
    expect(r.printed).toEqual([]);
    expect(tickets(r.h)).toEqual([]);
  });

  it('R7: the printed ticket of a priority ticket says so', async () => {
    const r = rig();
    await takeTicket(r.deps, { serviceId: 'hukou', channel: 'idcard', card: asCard(card('1950-04-12')) });
    expect(tickets(r.h)[0]).toMatchObject({ priority: 'special', priorityReason: 'elderly' });
    expect(r.printed[0]!.notice).toEqual({ zh: '优先办理（老年人）', en: 'Priority service (Senior citizen)' });
  });

  it('an offline ticket is printed as issued offline', () => {
    const r = rig();
    const payload = printPayload(r.h.fold.state, {
      ticketId: 'x',
      number: 'AK001',
      serviceId: 'hukou',
      service: { zh: '户籍办理', en: 'Household registration' },
      windows: [],
      ahead: 3,
      waitMinutes: 12,
      issuedAt: sh(MON, '10:05'),
      qr: `${BASE}/p/abcdefghijklmnopqrstuv`,
      offline: true,
      medium: 'paper',
      priority: 'normal',
      appointment: false,
      late: false,
    });
    expect(TicketPrintSchema.parse(payload)).toMatchObject({ offline: true, ahead: 3, waitMinutes: 12, issuedAt: `${MON} 10:05` });
    expect(payload.windowHint).toBeUndefined();
  });
});

describe('the kiosk controller', () => {
  function kiosk(at?: number) {
    const r = rig(at);
    const store = createKioskStore();
    return { r, store, c: new KioskController(r.deps, store) };
  }

  it('tap -> confirm -> take: the ticket screen shows the printed ticket', async () => {
    const { r, store, c } = kiosk();
    store.getState().start();
    c.choose('hukou');
    expect(store.getState().screen).toBe('confirm');
    await c.take();
    expect(store.getState()).toMatchObject({ screen: 'ticket', busy: false, ticket: { number: 'A001', medium: 'paper' } });
    expect(r.printed).toHaveLength(1);
  });

  it('R5: a tile that cannot be taken now refuses at once, saying when to come back', () => {
    const { store, c } = kiosk(sh(MON, '08:45'));
    store.getState().start();
    c.choose('hukou');
    const s = store.getState();
    expect(s.screen).toBe('services');
    expect(s.refusal).toMatchObject({ code: 'appointment-only', hint: 'appointment' });
    expect(s.refusal!.message.zh).toContain('09:00');
    expect(s.refusal!.message.en).toContain('come back');
  });

  it('R5: a service that is always by appointment says so, and how to book', () => {
    const { r, store, c } = kiosk();
    r.h.emit(r.h.admin, 'config.changed', { kind: 'service', id: 'entry', value: { id: 'entry', prefix: 'P', name: { zh: '出入境证件', en: 'Exit & entry documents' }, schedule: { appointmentOnly: true } } });
    c.choose('entry');
    expect(store.getState().refusal).toMatchObject({ code: 'appointment-only', hint: 'appointment' });
    expect(store.getState().refusal!.message.zh).toContain('须预约办理');
    expect(store.getState().refusal!.message.en).toContain('by appointment only');
  });

  it('R12: a real-name service asks for the card; the swipe on the confirm step takes the ticket', async () => {
    const { r, store, c } = kiosk();
    c.choose('estate');
    expect(store.getState()).toMatchObject({ screen: 'confirm', serviceId: 'estate' });
    await c.card(asCard(card('1990-05-01')));
    expect(store.getState().screen).toBe('ticket');
    expect(tickets(r.h)[0]).toMatchObject({ serviceId: 'estate', channel: 'idcard' });
    expect(tickets(r.h)[0]!.person?.idMasked).toContain('*');
  });

  it('R12: over the per-person limit the tile refuses with the limit message', async () => {
    const { store, c } = kiosk();
    const me = asCard(card('1990-05-01'));
    await c.card(me);
    for (let i = 0; i < 3; i++) {
      c.choose('hukou');
      await c.take();
      expect(store.getState().screen).toBe('ticket');
      store.getState().reset();
      await c.card(me);
    }
    c.choose('hukou');
    expect(store.getState().refusal).toMatchObject({ code: 'person-limit' });
    expect(store.getState().refusal!.message.zh).toContain('最多取 3 个号');
  });

  it('R7: a declared special group goes with the ticket', async () => {
    const { r, store, c } = kiosk();
    c.choose('social');
    store.getState().declare('disabled');
    await c.take();
    expect(tickets(r.h)[0]).toMatchObject({ channel: 'kiosk', priority: 'special', priorityReason: 'disabled' });
  });

  it('R6: a scanned booking code checks in with appointment priority; an unknown code is refused', async () => {
    const { r, store, c } = kiosk();
    r.h.emit(r.h.terminal('booking'), 'appointment.booked', { appointmentId: 'ap1', serviceId: 'hukou', day: MON, slotFrom: sh(MON, '10:00'), slotTo: sh(MON, '10:30'), channel: 'online', code: 'BOOK1234' });
    await c.scan('NOSUCH99');
    expect(store.getState().refusal).toMatchObject({ code: 'appointment-unknown' });
    store.getState().dismissRefusal();
    await c.scan('BOOK1234\r\n');
    expect(store.getState().screen).toBe('ticket');
    expect(tickets(r.h)[0]).toMatchObject({ appointmentId: 'ap1', channel: 'appointment', priority: 'appointment' });
    store.getState().reset();
    await c.scan('BOOK1234');
    expect(store.getState().refusal).toMatchObject({ code: 'appointment-used' });
    expect(tickets(r.h)).toHaveLength(1);
  });

  it('R6: an ID card with a booking today opens check-in; checking in makes a real-name appointment ticket', async () => {
    const { r, store, c } = kiosk();
    const me = card('1985-03-03');
    r.h.emit(r.h.terminal('booking'), 'appointment.booked', { appointmentId: 'ap2', serviceId: 'social', day: MON, slotFrom: sh(MON, '10:00'), slotTo: sh(MON, '10:30'), channel: 'online', code: 'BOOK5678', person: { idHash: me.idHash, idMasked: me.idMasked, nameMasked: me.nameMasked } });
    await c.card(asCard(me));
    expect(store.getState().screen).toBe('checkin');
    await c.checkIn('ap2', { withCard: true });
    expect(tickets(r.h)[0]).toMatchObject({ appointmentId: 'ap2', priority: 'appointment', person: { idHash: me.idHash } });
  });

  it('done (and a card on the last ticket screen) start a new session in Chinese', async () => {
    const { r, store, c } = kiosk();
    c.choose('hukou');
    await c.take();
    await c.card(asCard(card('1990-05-01')));
    expect(r.langResets).toBe(1);
    expect(store.getState()).toMatchObject({ screen: 'services', ticket: undefined });
    c.done();
    expect(r.langResets).toBe(2);
    expect(store.getState().screen).toBe('attract');
  });
});

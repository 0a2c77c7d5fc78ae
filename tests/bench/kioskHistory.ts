/**
 * History for the kiosk benchmark: `days` past days of a hall's work (1000 tickets a day across
 * four services, each issued, called and finished), as events of other terminals, authored on a
 * virtual clock that ends well before now. The services and windows carry the demo hall's ids
 * with old configuration (today's configuration, newer, wins).
 */
import type { HallEvent } from '../../shared/events';
import { TestTerminal } from '../support/hall';

const DAY = 86_400_000;
const SERVICES = [
  { id: 'hukou', prefix: 'A' },
  { id: 'social', prefix: 'B' },
  { id: 'pension', prefix: 'E' },
  { id: 'housing', prefix: 'H' },
];

export function kioskHistory(hall: string, tickets: number, endBefore: number): HallEvent[] {
  const perDay = 1000;
  const days = Math.ceil(tickets / perDay);
  // Shanghai 09:00 of the first day (01:00 UTC), days before `endBefore`.
  let now = Math.floor((endBefore - (days + 1) * DAY) / DAY) * DAY + 3_600_000;
  const clock = () => now;
  const admin = new TestTerminal('hist-admin', clock);
  const kiosk = new TestTerminal('hist-kiosk', clock);
  const counter = new TestTerminal('hist-counter', clock);
  const out: HallEvent[] = [];
  const emit = (t: TestTerminal, type: Parameters<TestTerminal['emit']>[0], payload: object) => {
    now += 1;
    const e = t.emit(type, payload as never) as HallEvent;
    out.push({ ...e, hall });
  };
  for (const s of SERVICES) emit(admin, 'config.changed', { kind: 'service', id: s.id, value: { id: s.id, prefix: s.prefix, name: { zh: s.id, en: s.id } } });
  const ALL_DAY = [{ from: '00:00', to: '24:00', mode: 'open' }];
  emit(admin, 'config.changed', { kind: 'schedule', id: 'hall', value: { weekly: { sun: ALL_DAY, mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY }, cutoffMinutes: 0 } });
  emit(admin, 'config.changed', { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: SERVICES.map((s) => ({ serviceId: s.id })) } });
  let made = 0;
  for (let d = 0; d < days && made < tickets; d++) {
    const dayStart = now;
    const day = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
    emit(counter, 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
    for (let i = 0; i < perDay && made < tickets; i++, made++) {
      const s = SERVICES[i % SERVICES.length]!;
      const n = Math.floor(i / SERVICES.length) + 1;
      const ticketId = kiosk.nextId();
      emit(kiosk, 'ticket.issued', { ticketId, serviceId: s.id, number: `${s.prefix}${String(n).padStart(3, '0')}`, numberSource: 'server', day, channel: 'kiosk' });
      emit(counter, 'ticket.called', { ticketId, windowId: 'w1' });
      emit(counter, 'ticket.finished', { ticketId, windowId: 'w1', outcome: 'done' });
    }
    now = dayStart + DAY;
  }
  return out;
}

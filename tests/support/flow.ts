/**
 * Small helpers on top of the test hall (hall.ts): Shanghai wall times, ID card data, a hall
 * whose every action happens a second after the previous one, and serving a ticket at a window.
 */
import { checkDigit, idHash, maskIdNumber, maskName } from '../../shared/identity';
import type { Outcome, Person } from '../../shared/events';
import type { TestHall, TestTerminal } from './hall';

export const SECOND = 1000;
export const DAY = 24 * 60 * 60 * 1000;

/** UTC ms of a wall time in Shanghai: sh('2026-11-23', '08:45'). */
export const sh = (date: string, hhmm: string): number => Date.parse(`${date}T${hhmm}:00+08:00`);

export const ID_KEY = 'hallq-test-id-hash-key-0123456789';

/** What the card reader hands the kiosk: hashed and masked ID, masked name, birth date. */
export function card(birthDate: string, name = '张三', sequence = '123'): Person & { birthDate: string } {
  const first17 = `110101${birthDate.replaceAll('-', '')}${sequence}`;
  const id = first17 + checkDigit(first17);
  return { idHash: idHash(ID_KEY, id), idMasked: maskIdNumber(id), nameMasked: maskName(name), birthDate };
}

/**
 * A view of the hall that moves the virtual clock one second before each action, so a test
 * reads like a morning at the hall: every step has its own moment and durations are non-zero.
 */
export function stepped(h: TestHall): TestHall {
  return {
    ...h,
    emit(t, type, payload) {
      h.advance(SECOND);
      return h.emit(t, type, payload);
    },
    issue(kiosk, req, number) {
      h.advance(SECOND);
      return h.issue(kiosk, req, number);
    },
    open(counter, windowId, staffId) {
      h.advance(SECOND);
      h.open(counter, windowId, staffId);
    },
  };
}

/** Call, start and finish a ticket at a window, the service taking `minutes`. */
export function serve(h: TestHall, counter: TestTerminal, ticketId: string, windowId: string, minutes = 5, outcome: Outcome = 'done'): void {
  h.emit(counter, 'ticket.called', { ticketId, windowId });
  h.emit(counter, 'ticket.started', { ticketId, windowId });
  h.advance(minutes * 60_000 - SECOND);
  h.emit(counter, 'ticket.finished', { ticketId, windowId, outcome });
}

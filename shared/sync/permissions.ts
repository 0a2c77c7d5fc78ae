/**
 * Which role may author which event types: an explicit allow table, checked by the server on
 * every push (and by terminals before they author). Anything not listed is denied.
 */
import type { EventType } from '../events/payloads';
import type { Role } from './protocol';

const TICKET_AT_WINDOW: EventType[] = [
  'ticket.called',
  'ticket.recalled',
  'ticket.skipped',
  'ticket.requeued',
  'ticket.started',
  'ticket.finished',
  'ticket.transferred',
  'ticket.cancelled',
];
const DEVICES: EventType[] = ['device.fault', 'device.recovered'];

export const AUTHORING: Record<Role, ReadonlySet<EventType>> = {
  // A kiosk never requeues: a returning no-show is called back by number at the window.
  kiosk: new Set<EventType>(['ticket.issued', 'ticket.voided', ...DEVICES]),
  // Counters also issue on a citizen's behalf (R13) and book on-site appointments.
  counter: new Set<EventType>([
    ...TICKET_AT_WINDOW,
    'ticket.issued',
    'window.opened',
    'window.paused',
    'window.resumed',
    'window.closed',
    'staff.signedIn',
    'staff.signedOut',
    'appointment.booked',
    // Document capture (issue 8): the materials received for the ticket at this window.
    'material.attached',
    'material.removed',
    ...DEVICES,
  ]),
  evaluator: new Set<EventType>(['evaluation.recorded', ...DEVICES]),
  display: new Set<EventType>([...DEVICES]),
  admin: new Set<EventType>([
    'config.changed',
    'notice.published',
    'notice.withdrawn',
    'rectification.recorded',
    'appointment.booked',
    'appointment.cancelled',
    'ticket.cancelled',
  ]),
  booking: new Set<EventType>(['appointment.booked', 'appointment.cancelled']),
  // A hub relays its hall's events of every kind; each is still validated.
  hub: new Set<EventType>(),
};

export function mayAuthor(role: Role, type: EventType): boolean {
  return role === 'hub' || AUTHORING[role].has(type);
}

/**
 * A hall in a test: one fold, terminals that author events on a shared virtual clock, and a
 * demo configuration. Tests speak in hall terms (issue, call, finish) and assert on state.
 */
import { HybridClock, makeOrigin } from '../../shared/clock';
import { authorEvent, type HallEvent, type EventType, type PayloadInput } from '../../shared/events';
import { HallFold } from '../../shared/fold';
import { decideIssue, type IssueRequest, type NumberChoice } from '../../shared/actions';
import type { ScheduleConfigInput } from '../../shared/schedule';

export const HALL = 'hall-1';
/** Monday 23 November 2026, 10:00 in Shanghai. */
export const MONDAY_10AM = Date.parse('2026-11-23T02:00:00Z');
export const MINUTE = 60_000;

export class TestTerminal {
  readonly origin: string;
  readonly clock: HybridClock;
  private seq = 0;

  constructor(
    readonly id: string,
    now: () => number,
    epoch = 1,
  ) {
    this.origin = makeOrigin(id, epoch);
    this.clock = new HybridClock({ now });
  }

  emit<T extends EventType>(type: T, payload: PayloadInput<T>): HallEvent<T> {
    return authorEvent({ hall: HALL, origin: this.origin, clock: this.clock, nextSeq: () => ++this.seq }, type, payload);
  }

  /** The id the next event will carry: tickets are named after their issuing event. */
  nextId(): string {
    return `${this.origin}:${this.seq + 1}`;
  }
}

export function demoConfig(admin: TestTerminal, schedule?: ScheduleConfigInput): HallEvent[] {
  const svc = (id: string, prefix: string, zh: string, en: string, extra: object = {}) =>
    admin.emit('config.changed', { kind: 'service', id, value: { id, prefix, name: { zh, en }, ...extra } });
  const win = (id: string, services: Array<[string, number?]>, extra: object = {}) =>
    admin.emit('config.changed', {
      kind: 'window',
      id,
      value: { id, label: id.replace('w', ''), services: services.map(([serviceId, weight]) => ({ serviceId, weight: weight ?? 1 })), ...extra },
    });
  const events = [
    svc('hukou', 'A', '户籍办理', 'Household registration'),
    svc('social', 'B', '社保医保', 'Social insurance'),
    svc('estate', 'C', '不动产登记', 'Real estate registration', { realNameRequired: true }),
    svc('cantdo', 'D', '办不成事反映', "Can't get it done", { kind: 'cant-get-done' }),
    win('w1', [['hukou'], ['social']]),
    win('w2', [['social']]),
    win('w3', [['estate']], { priorityFirst: true }),
    win('w4', [['hukou'], ['social']], { mode: 'ordered' }),
    win('w5', [['hukou', 3], ['social', 1]], { mode: 'weighted' }),
    admin.emit('config.changed', { kind: 'staff', id: 's1', value: { id: 's1', name: '王芳', post: '综合受理' } }),
    admin.emit('config.changed', { kind: 'staff', id: 's2', value: { id: 's2', name: '李强', post: '综合受理' } }),
    admin.emit('config.changed', { kind: 'terminal', id: 'kiosk-1', value: { id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' } }),
    admin.emit('config.changed', { kind: 'terminal', id: 'kiosk-2', value: { id: 'kiosk-2', role: 'kiosk', offlineSeries: 'L' } }),
  ];
  if (schedule) events.push(admin.emit('config.changed', { kind: 'schedule', id: 'hall', value: schedule }));
  return events;
}

export interface TestHall {
  fold: HallFold;
  now(): number;
  advance(ms: number): void;
  terminal(id: string, epoch?: number): TestTerminal;
  admin: TestTerminal;
  /** Author and fold in one step. */
  emit<T extends EventType>(t: TestTerminal, type: T, payload: PayloadInput<T>): HallEvent<T>;
  /** Issue a ticket through the kiosk's decision; throws if refused. Returns the ticket id. */
  issue(kiosk: TestTerminal, req: Omit<IssueRequest, 'now' | 'channel'> & { channel?: IssueRequest['channel'] }, number?: NumberChoice): string;
  /** Open a window with a clerk signed in. */
  open(counter: TestTerminal, windowId: string, staffId?: string): void;
  ticketByNumber(n: string): ReturnType<HallFold['state']['tickets']['get']>;
}

export function makeHall(start = MONDAY_10AM, schedule?: ScheduleConfigInput): TestHall {
  let now = start;
  const fold = new HallFold(HALL);
  const serverSeq = new Map<string, number>();
  // Every terminal of the test hall hears every event at once (as if synced live), so its clock
  // moves past what it has seen, as the sync engine's does.
  const terminals: TestTerminal[] = [];
  const terminal = (id: string, epoch = 1) => {
    const t = new TestTerminal(id, () => now, epoch);
    terminals.push(t);
    return t;
  };
  const admin = terminal('admin-1');
  fold.addMany(demoConfig(admin, schedule));
  const hall: TestHall = {
    fold,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    terminal,
    admin,
    emit(t, type, payload) {
      const e = t.emit(type, payload) as HallEvent<typeof type> & HallEvent;
      fold.add(e);
      for (const other of terminals) if (other !== t) other.clock.receive(e.hlc);
      return e;
    },
    issue(kiosk, req, number) {
      const ticketId = kiosk.nextId();
      const service = fold.state.config.services.get(req.serviceId);
      const prefix = service?.prefix ?? 'Z';
      const key = `${prefix}`;
      const choice: NumberChoice = number ?? { source: 'server', seq: (serverSeq.get(key) ?? 0) + 1 };
      const d = decideIssue(fold.state, { channel: 'kiosk', ...req, now }, choice, ticketId);
      if (!d.ok) throw new Error(`refused: ${d.code}: ${d.message.en}`);
      if (choice.source === 'server') serverSeq.set(key, choice.seq);
      hall.emit(kiosk, 'ticket.issued', d.payload);
      return ticketId;
    },
    open(counter, windowId, staffId = 's1') {
      hall.emit(counter, 'staff.signedIn', { windowId, staffId });
    },
    ticketByNumber(n) {
      for (const t of fold.state.tickets.values()) if (t.number === n) return t;
      return undefined;
    },
  };
  return hall;
}

/**
 * The terminal's local log: the events in its database, folded into the hall state, and the
 * clock it stamps its own events with. Everything a screen shows comes from here, with every
 * server down.
 *
 * Writes are serialized: an own event is built (seq allocated, clock ticked, payload decided
 * against the current state), appended durably with its outbox row, then folded, before the
 * next write starts; so two quick actions never decide on the same state.
 */
import { HybridClock } from '../../shared/clock/hlc';
import { eventId, makeOrigin } from '../../shared/clock/origin';
import { authorEvent } from '../../shared/events/author';
import type { HallEvent } from '../../shared/events/envelope';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { HallFold } from '../../shared/fold/fold';
import type { HallState } from '../../shared/fold/state';
import { mayAuthor } from '../../shared/sync/permissions';
import { PINNED_TYPES, workingSince } from '../../shared/sync/workingSet';
import type { TerminalDatabase, TerminalIdentity } from '../db/database';
import { serial } from './serial';

export type LogChange =
  | { kind: 'authored'; events: HallEvent[] }
  | { kind: 'received'; events: HallEvent[] }
  /** Stored by another window of this terminal, folded here (see adopt). */
  | { kind: 'adopted'; events: HallEvent[] }
  | { kind: 'clock'; offset: number };

export type LogListener = (change: LogChange) => void;

/** The payload, or a function of the new event's id (`origin:seq`): tickets are named after it. */
export type PayloadSource<T extends EventType> = PayloadInput<T> | ((ctx: { eventId: string; seq: number }) => PayloadInput<T>);

/** Refused before anything was written: this terminal may not write this event. */
export class NotAllowedError extends Error {
  constructor(
    readonly code: 'type-not-allowed' | 'other-window',
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
    this.name = 'NotAllowedError';
  }
}

export interface LocalLogOptions {
  db: TerminalDatabase;
  /** The terminal's wall clock (ms). */
  now: () => number;
  /** Drift reports from the clock: a received event far ahead of our (corrected) time. */
  onDrift?: (driftMs: number, remote: string) => void;
  maxDriftMs?: number;
}

export class LocalLog {
  readonly fold: HallFold;
  readonly origin: string;
  private clockOffset: number;
  private readonly clock: HybridClock;
  private readonly listeners = new Set<LogListener>();
  private readonly queue = serial();
  private caughtUp: number | null;

  private constructor(
    private readonly opts: LocalLogOptions,
    readonly identity: TerminalIdentity,
    events: HallEvent[],
    last: string | undefined,
    offset: number | undefined,
    caughtUpAt: number | undefined,
  ) {
    this.origin = makeOrigin(identity.terminalId, identity.epoch);
    this.fold = new HallFold(identity.hall);
    this.fold.addMany(events);
    this.clockOffset = offset ?? 0;
    this.caughtUp = caughtUpAt ?? null;
    this.clock = new HybridClock({
      now: () => this.now(),
      ...(last ? { last } : {}),
      ...(opts.onDrift ? { onDrift: opts.onDrift } : {}),
      ...(opts.maxDriftMs !== undefined ? { maxDriftMs: opts.maxDriftMs } : {}),
    });
  }

  /**
   * Load the log: the stored working set into the fold in one `addMany`, and the clock from the
   * newest HLC this terminal issued or saw (so its next event sorts after all of them).
   */
  static async open(opts: LocalLogOptions): Promise<LocalLog> {
    const { db } = opts;
    const identity = await db.getIdentity();
    if (!identity) throw new Error(`terminal ${db.terminalId} is not enrolled (no identity in its database)`);
    const [offsetStored, lastHlc, caughtUpAt] = await Promise.all([db.getMeta('clockOffset'), db.getMeta('lastHlc'), db.getMeta('caughtUpAt')]);
    const offset = offsetStored;
    // The working set only (issue 17): a restart folds the hall as it is, not its history.
    const events = await db.loadWorkingSet(workingSince(opts.now() + (offset ?? 0)), PINNED_TYPES);
    const own = await db.lastOwnEvent(makeOrigin(identity.terminalId, identity.epoch));
    let last = lastHlc;
    for (const h of [own?.hlc, newest(events)]) if (h !== undefined && (last === undefined || h > last)) last = h;
    return new LocalLog(opts, identity, events, last, offset, caughtUpAt);
  }

  get state(): HallState {
    return this.fold.state;
  }

  /** Terminal time corrected by the server's clock (after the first contact). */
  now(): number {
    return this.opts.now() + this.clockOffset;
  }

  get offset(): number {
    return this.clockOffset;
  }

  /** Use server time minus terminal time as the correction for the clock from now on. */
  setClockOffset(offset: number): void {
    if (offset === this.clockOffset) return;
    this.clockOffset = offset;
    this.emit({ kind: 'clock', offset });
  }

  /** When this install first caught up with a server; null = never (a fresh epoch). */
  get caughtUpAt(): number | null {
    return this.caughtUp;
  }

  /** The newest HLC this terminal issued or merged. */
  peekClock(): string {
    return this.clock.peek();
  }

  /**
   * Author an own event: checked against what this terminal may write, built with the next
   * seq (allocated in the append's transaction), appended with its outbox row in one strict
   * transaction, then folded. If `payload` (as a function) throws, nothing is written.
   */
  author<T extends EventType>(type: T, payload: PayloadSource<T>): Promise<HallEvent<T>> {
    return this.queue(async () => {
      this.checkType(type);
      const event = await this.opts.db.appendOwn((seq) => {
        const p = typeof payload === 'function' ? payload({ eventId: `${this.origin}:${seq}`, seq }) : payload;
        this.checkWindow(p);
        return authorEvent({ hall: this.identity.hall, origin: this.origin, clock: this.clock, nextSeq: () => seq }, type, p) as HallEvent;
      }, this.opts.now());
      this.fold.add(event);
      this.emit({ kind: 'authored', events: [event] });
      return event as HallEvent<T>;
    });
  }

  /**
   * Events from a server (already validated): store the new ones (and the upstream's checkpoint,
   * in the same transaction), fold them, and move the clock past the newest.
   */
  receive(events: readonly HallEvent[], checkpoint?: { upstream: string; serverSeq: number }): Promise<HallEvent[]> {
    return this.queue(async () => {
      const mine = events.filter((e) => e.hall === this.identity.hall);
      const { fresh } = await this.opts.db.storeReceived(mine, checkpoint);
      if (fresh.length === 0) return [];
      this.fold.addMany(fresh);
      const max = newest(fresh);
      if (max !== undefined) this.clock.receive(max);
      this.emit({ kind: 'received', events: fresh });
      return fresh;
    });
  }

  /**
   * Events another window of this terminal already stored (announced on the channel): fold
   * them without writing.
   */
  adopt(events: readonly HallEvent[]): void {
    const fresh = events.filter((e) => e.hall === this.identity.hall && !this.fold.has(eventId(e)));
    if (fresh.length === 0) return;
    this.fold.addMany(fresh);
    const max = newest(fresh);
    if (max !== undefined) this.clock.receive(max);
    this.emit({ kind: 'adopted', events: fresh });
  }

  /** Record that this install caught up with a server once (offline numbers are safe now). */
  async markCaughtUp(at: number): Promise<void> {
    if (this.caughtUp !== null) return;
    this.caughtUp = at;
    await this.opts.db.setMeta('caughtUpAt', at);
  }

  /** Notified after each change (authored, received, clock correction). Returns unsubscribe. */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The server's rules (shared/sync/permissions), checked before anything is written. */
  private checkType(type: EventType): void {
    const { role } = this.identity;
    if (!mayAuthor(role, type)) {
      throw new NotAllowedError('type-not-allowed', `a ${role} terminal may not write ${type}`, '该终端无权进行此操作');
    }
  }

  /** A counter or evaluator acts only at its own window (the server refuses the rest). */
  private checkWindow(payload: unknown): void {
    const { role, windowId } = this.identity;
    const p = payload as { windowId?: unknown } | null;
    if ((role === 'counter' || role === 'evaluator') && p && typeof p.windowId === 'string' && p.windowId !== windowId) {
      throw new NotAllowedError('other-window', `this terminal serves window ${windowId ?? 'none'}, not ${p.windowId}`, '不能操作其他窗口');
    }
  }

  private emit(change: LogChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A screen's listener failing must not break the log.
      }
    }
  }
}

function newest(events: readonly HallEvent[]): string | undefined {
  let max: string | undefined;
  for (const e of events) if (max === undefined || e.hlc > max) max = e.hlc;
  return max;
}

/**
 * The event log of one hall, kept sorted by (hlc, origin, seq), and the state folded from it.
 *
 * The normal case is an event at the tail: applied in place, microseconds. An event that sorts
 * into the past (a terminal back from offline) rewinds to the snapshot taken at the start of
 * that event's day and replays from there; the queue resets daily, so that is at most one day
 * of events. Duplicates (same origin:seq) are ignored, so delivery may repeat and reorder.
 */
import { formatHlc, hlcWall } from '../clock/hlc';
import { eventId } from '../clock/origin';
import { compareEvents, type HallEvent } from '../events/envelope';
import { addDays, localDate, zonedTimeToUtc } from '../schedule/zone';
import { applyEvent } from './apply';
import { emptyState, type HallState } from './state';

const clone: <T>(v: T) => T = (globalThis as unknown as { structuredClone: <T>(v: T) => T }).structuredClone;

interface Snapshot {
  /** state = fold(events[0 .. index)); events[index] is the first event of `day`. */
  index: number;
  day: string;
  state: HallState;
}

export type AddOutcome = 'applied' | 'rebuilt' | 'duplicate' | 'conflict' | 'wrong-hall';

export interface AddManyResult {
  applied: number;
  duplicates: number;
  /** Same origin:seq as a stored event but different content: refused, never replaces. */
  conflicts: string[];
  wrongHall: number;
  rebuilt: boolean;
}

export interface FoldOptions {
  /** Day-start snapshots kept; older rewinds rebuild from the beginning. */
  maxSnapshots?: number;
}

export class HallFold {
  private readonly events: HallEvent[] = [];
  /** Events by origin, then seq: dedup without building id strings. */
  private readonly byOrigin = new Map<string, Map<number, HallEvent>>();
  private snapshots: Snapshot[] = [];
  private day = '';
  /** The current local day as an HLC range [dayFrom, dayTo), so most events skip the date math. */
  private dayFrom = '';
  private dayTo = '';
  private dayZone = '';
  private readonly maxSnapshots: number;
  state: HallState;

  constructor(
    readonly hall: string,
    opts: FoldOptions = {},
  ) {
    this.maxSnapshots = opts.maxSnapshots ?? 3;
    this.state = emptyState(hall);
  }

  get log(): readonly HallEvent[] {
    return this.events;
  }

  get size(): number {
    return this.events.length;
  }

  has(id: string): boolean {
    const i = id.lastIndexOf(':');
    return this.get(id.slice(0, i), Number(id.slice(i + 1))) !== undefined;
  }

  get(origin: string, seq: number): HallEvent | undefined {
    return this.byOrigin.get(origin)?.get(seq);
  }

  add(e: HallEvent): AddOutcome {
    const r = this.addMany([e]);
    if (r.wrongHall) return 'wrong-hall';
    if (r.conflicts.length) return 'conflict';
    if (r.duplicates) return 'duplicate';
    return r.rebuilt ? 'rebuilt' : 'applied';
  }

  /** Add a batch (a sync page): one rewind at most, however the batch is ordered. */
  addMany(batch: readonly HallEvent[]): AddManyResult {
    const result: AddManyResult = { applied: 0, duplicates: 0, conflicts: [], wrongHall: 0, rebuilt: false };
    const fresh: HallEvent[] = [];
    for (const e of batch) {
      if (e.hall !== this.hall) {
        result.wrongHall += 1;
        continue;
      }
      let bySeq = this.byOrigin.get(e.origin);
      if (!bySeq) this.byOrigin.set(e.origin, (bySeq = new Map()));
      const seen = bySeq.get(e.seq);
      if (seen) {
        if (seen === e || sameEvent(seen, e)) result.duplicates += 1;
        else result.conflicts.push(eventId(e));
        continue;
      }
      bySeq.set(e.seq, e);
      fresh.push(e);
    }
    if (fresh.length === 0) return result;
    fresh.sort(compareEvents);
    result.applied = fresh.length;
    const last = this.events[this.events.length - 1];
    if (!last || compareEvents(last, fresh[0]!) < 0) {
      for (const e of fresh) {
        this.events.push(e);
        this.applyAt(this.events.length - 1);
      }
      return result;
    }
    // Some events land in the past: merge, then replay from the snapshot before the first one.
    const first = insertionPoint(this.events, fresh[0]!);
    mergeInto(this.events, fresh, first);
    this.rewindTo(first);
    result.rebuilt = true;
    return result;
  }

  /** Fold everything again from nothing (used by tests and the benchmark). */
  rebuild(): void {
    this.rewindTo(0);
  }

  private rewindTo(position: number): void {
    while (this.snapshots.length && this.snapshots[this.snapshots.length - 1]!.index > position) this.snapshots.pop();
    const snap = this.snapshots[this.snapshots.length - 1];
    let from = 0;
    if (snap) {
      this.state = clone(snap.state);
      this.setDay(snap.day);
      from = snap.index;
      // The snapshot's own day boundary is at `from`; it stays, so do not take it again.
      this.applyEvent(this.events[from]!);
      from += 1;
    } else {
      this.state = emptyState(this.hall);
      this.day = '';
      this.dayFrom = this.dayTo = '';
    }
    for (let i = from; i < this.events.length; i++) this.applyAt(i);
  }

  private applyAt(index: number): void {
    const e = this.events[index]!;
    const zone = this.state.config.schedule.timeZone;
    if (e.hlc >= this.dayTo || e.hlc < this.dayFrom || zone !== this.dayZone) {
      const day = localDate(hlcWall(e.hlc), zone);
      if (day !== this.day) {
        if (this.day !== '' || index === 0) {
          this.snapshots.push({ index, day, state: clone(this.state) });
          if (this.snapshots.length > this.maxSnapshots) this.snapshots.shift();
        }
      }
      this.setDay(day);
    }
    this.applyEvent(e);
  }

  private setDay(day: string): void {
    const zone = this.state.config.schedule.timeZone;
    this.day = day;
    this.dayZone = zone;
    this.dayFrom = formatHlc({ wall: zonedTimeToUtc(day, 0, zone), count: 0 });
    this.dayTo = formatHlc({ wall: zonedTimeToUtc(addDays(day, 1), 0, zone), count: 0 });
  }

  private applyEvent(e: HallEvent): void {
    applyEvent(this.state, e);
  }
}

/** Fold a log in any order: the same state as folding it sorted. */
export function foldEvents(hall: string, events: readonly HallEvent[]): HallState {
  const f = new HallFold(hall);
  f.addMany(events);
  return f.state;
}

function sameEvent(a: HallEvent, b: HallEvent): boolean {
  return a.hlc === b.hlc && a.type === b.type && JSON.stringify(a.payload) === JSON.stringify(b.payload);
}

function insertionPoint(events: readonly HallEvent[], e: HallEvent): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merge sorted `fresh` into sorted `events` from `start` on, in place. */
function mergeInto(events: HallEvent[], fresh: readonly HallEvent[], start: number): void {
  const tail = events.splice(start);
  let i = 0;
  let j = 0;
  while (i < tail.length && j < fresh.length) {
    events.push(compareEvents(tail[i]!, fresh[j]!) <= 0 ? tail[i++]! : fresh[j++]!);
  }
  while (i < tail.length) events.push(tail[i++]!);
  while (j < fresh.length) events.push(fresh[j++]!);
}

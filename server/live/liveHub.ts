/**
 * Live delivery: every instance LISTENs for "new events in hall H" and sends them to the
 * sockets of H it holds, so a call reaches every display whichever instance it is connected
 * to. Per hall, fetches are coalesced: one query in flight, re-run if more arrived meanwhile.
 */
import { RESYNC, type Db } from '../db/db';
import { EVENTS_CHANNEL, pull, type StoredEvent } from '../store/events';
import { eventsFor, readsPinHashes } from '../store/pinVisibility';

export interface LiveSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly terminalId: string;
}

interface HallRoom {
  sockets: Set<LiveSocket>;
  lastSent: number;
  fetching: boolean;
  again: boolean;
}

export class LiveHub {
  private readonly rooms = new Map<string, HallRoom>();
  /** Sockets of roles that may not see staff PIN hashes (all but counters and hubs). */
  private readonly hidePins = new WeakSet<LiveSocket>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (hall) => this.wake(hall));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    for (const room of this.rooms.values()) for (const s of room.sockets) s.close(1001, 'server shutting down');
    this.rooms.clear();
  }

  /** Register a socket; returns the serverSeq it starts after (sent in the hello). */
  async join(hall: string, socket: LiveSocket): Promise<number> {
    const role = await this.db.query<{ role: string }>('SELECT role FROM terminals WHERE hall = $1 AND id = $2', [hall, socket.terminalId]);
    if (!readsPinHashes(role.rows[0]?.role as Parameters<typeof readsPinHashes>[0])) this.hidePins.add(socket);
    let room = this.rooms.get(hall);
    if (!room) {
      const top = await this.db.query<{ s: number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall]);
      room = this.rooms.get(hall) ?? { sockets: new Set(), lastSent: Number(top.rows[0]?.s ?? 0), fetching: false, again: false };
      this.rooms.set(hall, room);
    }
    room.sockets.add(socket);
    return room.lastSent;
  }

  leave(hall: string, socket: LiveSocket): void {
    const room = this.rooms.get(hall);
    if (!room) return;
    room.sockets.delete(socket);
    if (room.sockets.size === 0 && !room.fetching) this.rooms.delete(hall);
  }

  /** A revoked terminal loses its live connection at once. */
  kick(hall: string, terminalId: string): void {
    for (const s of this.rooms.get(hall)?.sockets ?? []) if (s.terminalId === terminalId) s.close(4001, 'token revoked');
  }

  /** Terminals of the hall with an open live socket on this instance (the admin's health view). */
  liveTerminals(hall: string): Set<string> {
    return new Set([...(this.rooms.get(hall)?.sockets ?? [])].map((s) => s.terminalId));
  }

  connections(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.sockets.size;
    return n;
  }

  /**
   * Events this instance has just committed for `hall` (ingest, under the hall's lock, so no
   * other event of the hall sorts between `after` and them): sent at once when they continue
   * exactly what the room has sent, without waiting for the notification and its read. Else
   * (a read in flight, events of another instance between) the notification's read sends them.
   */
  deliver(hall: string, after: number, events: readonly StoredEvent[], top: number): void {
    const room = this.rooms.get(hall);
    if (!room || room.fetching || room.lastSent !== after || top <= after) return;
    room.lastSent = top;
    if (events.length) this.broadcast(room, { events: [...events], last: top, more: false });
  }

  private broadcast(room: HallRoom, page: { events: StoredEvent[]; last: number; more: boolean }): void {
    const msg = JSON.stringify({ t: 'events', events: page.events });
    let hidden = msg.includes('"pinHash"') ? undefined : msg;
    for (const s of room.sockets) {
      try {
        s.send(this.hidePins.has(s) ? (hidden ??= JSON.stringify({ t: 'events', events: eventsFor('display', page).events })) : msg);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private wake(hall: string): void {
    if (hall === RESYNC) {
      for (const h of this.rooms.keys()) this.wake(h);
      return;
    }
    const room = this.rooms.get(hall);
    if (!room) return;
    if (room.fetching) {
      room.again = true;
      return;
    }
    room.fetching = true;
    void this.drain(hall, room);
  }

  private async drain(hall: string, room: HallRoom): Promise<void> {
    try {
      do {
        room.again = false;
        let more = true;
        while (more) {
          const page = await pull(this.db, hall, room.lastSent, 500);
          more = page.more;
          // A page of quiet events only (noisy device events, never sent) still moves past them.
          room.lastSent = page.last;
          if (!page.events.length) continue;
          this.broadcast(room, page);
        }
      } while (room.again);
    } catch (err) {
      this.onError(err);
    } finally {
      room.fetching = false;
      if (room.sockets.size === 0) this.rooms.delete(hall);
    }
  }
}

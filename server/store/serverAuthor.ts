/**
 * Events the server writes itself (the configuration API, appointments from the booking
 * platform). They get an origin of their own per hall and server role, a dense seq from the
 * database, and an HLC past everything the hall has seen, like any terminal's.
 */
import { createHash } from 'node:crypto';
import { HybridClock, hlcWall } from '../../shared/clock/hlc';
import { authorEvent, InvalidEventError, type HallEvent } from '../../shared/events';
import { RequestError } from '../http/errors';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { lockHall, type Db } from '../db/db';
import { EVENTS_CHANNEL, insertEvents, type StoredEvent } from './events';

export function serverOrigin(serverId: string, hall: string): string {
  const h = createHash('sha256').update(hall).digest('hex').slice(0, 8);
  return `${serverId}-${h}~1`;
}

export class ServerAuthor {
  private readonly clock: HybridClock;

  constructor(
    private readonly db: Db,
    private readonly serverId: string,
    now: () => number,
  ) {
    this.clock = new HybridClock({ now });
  }

  async write<T extends EventType>(hall: string, items: Array<{ type: T; payload: PayloadInput<T> }>): Promise<StoredEvent[]> {
    if (!items.length) return [];
    const origin = serverOrigin(this.serverId, hall);
    return this.db.tx(async (q) => {
      await lockHall(q, hall);
      const newest = await q.query<{ hlc: string | null }>('SELECT max(hlc) AS hlc FROM events WHERE hall = $1', [hall]);
      if (newest.rows[0]?.hlc) this.clock.receive(newest.rows[0].hlc);
      const r = await q.query<{ next_seq: number }>(
        `INSERT INTO server_origins (origin, next_seq) VALUES ($1, $2) ON CONFLICT (origin)
         DO UPDATE SET next_seq = server_origins.next_seq + $2 RETURNING next_seq`,
        [origin, items.length],
      );
      let seq = Number(r.rows[0]!.next_seq) - items.length;
      let events: HallEvent[];
      try {
        events = items.map((it) => authorEvent({ hall, origin, clock: this.clock, nextSeq: () => ++seq }, it.type, it.payload) as unknown as HallEvent);
      } catch (err) {
        // What a request asked the server to write failed the door's rules: the request's fault (4xx).
        if (err instanceof InvalidEventError) throw new RequestError(400, err.code, err.message, '内容不符合要求（含不允许的字符或格式）');
        throw err;
      }
      const stored = await insertEvents(q, events);
      await q.query(
        `INSERT INTO origins (origin, hall, held) VALUES ($1, $2, $3) ON CONFLICT (origin) DO UPDATE SET held = GREATEST(origins.held, EXCLUDED.held)`,
        [origin, hall, seq],
      );
      await q.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, hall]);
      return stored;
    });
  }

  /** For tests: the wall time of the last value this author issued. */
  lastWall(): number {
    return hlcWall(this.clock.peek());
  }
}

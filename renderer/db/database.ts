/**
 * The terminal's own database (IndexedDB through Dexie), one per terminal: `hallq-<terminalId>`.
 *
 *   events      every event this terminal knows, own and received; key [origin+seq], index hlc
 *   outbox      own events the server has not acknowledged yet; key [origin+seq]
 *   meta        key/value: identity, nextSeq, lastHlc, checkpoints, lastContact, ...
 *   quarantine  own events a server refused (4xx), kept with the error; never deleted silently
 *   materialBlobs  captured material images and PDFs by content hash (a counter's document
 *               capture, issue 8), with their upload state; see renderer/materials/
 *
 * Every transaction is opened with `durability: 'strict'`: Dexie 4 takes it as the database
 * option `chromeTransactionDurability` and passes it to `IDBDatabase.transaction()` for every
 * transaction of this connection. A ticket is on paper in a citizen's hand the moment the
 * append commits, so the append must survive a power cut right after.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import type { HallEvent } from '../../shared/events/envelope';
import type { Role } from '../../shared/sync/protocol';
import type { StoragePersistence } from '../sync/env';

/** Who this install is: written at enrollment; `epoch` makes its origin `terminalId~epoch`. */
export interface TerminalIdentity {
  terminalId: string;
  hall: string;
  role: Role;
  windowId?: string;
  token: string;
  epoch: number;
}

/**
 * A captured page (or a material's PDF), stored until the server holds it and the hall's
 * retention has passed (renderer/materials/retention.ts). The rows in state 'queued' are the
 * upload queue, oldest capture first.
 */
export interface MaterialBlobRow {
  sha256: string;
  blob: Blob;
  bytes: number;
  mime: 'image/jpeg' | 'image/png' | 'application/pdf';
  width?: number;
  height?: number;
  /** Terminal time of the first capture of this content. */
  capturedAt: number;
  /** queued: to upload; uploaded: the server said it holds it; refused: the server will never take it. */
  state: 'queued' | 'uploaded' | 'refused';
  /** When the server confirmed it (state 'uploaded'). */
  confirmedAt?: number;
  /** Why the server refused it (state 'refused'). */
  error?: string;
}

export interface OutboxRow {
  origin: string;
  seq: number;
  event: HallEvent;
  queuedAt: number;
}

/** What a server said when it refused an event. */
export interface RefusalRecord {
  status: number;
  code: string;
  message: string;
  messageZh?: string;
}

export interface QuarantineRow {
  origin: string;
  seq: number;
  event: HallEvent;
  error: RefusalRecord;
  /** Which server refused it, and when (terminal clock). */
  upstream: string;
  at: number;
}

/** Everything kept under `meta`, by key. */
export interface MetaValues {
  identity: TerminalIdentity;
  /** The seq the next own event gets (dense per origin, from 1). */
  nextSeq: number;
  /** The newest HLC this terminal issued, so its clock never runs back after a restart. */
  lastHlc: string;
  /** serverSeq reached per upstream base URL (each server has its own serverSeq). */
  checkpoint: Record<string, number>;
  /** Highest seq each upstream said it holds, per origin (to backfill a server that lacks some). */
  held: Record<string, Record<string, number>>;
  /** Terminal time of the last answer from any server. */
  lastContact: number;
  /** Server time minus terminal time, from the last contact. */
  clockOffset: number;
  /** When this install first finished a pull (more: false); none = never caught up. */
  caughtUpAt: number;
  /** The one-time code this install enrolled with (a different code means: enroll again). */
  enrollCode: string;
  /** When this store first took a hall's working set (GET /api/sync/start); none = never. */
  workingSetAt: number;
  /** Older events kept past the window: the tickets of rectification items (retention.ts). */
  keep: Array<[string, number]>;
  /** When older history last left this store (retention.ts). */
  sweptAt: number;
  /** The working window's start at the last complete sweep (an HLC). */
  sweptBelow: string;
  /** When the last sweep read the whole store (daily). */
  sweptFullAt: number;
}
export type MetaKey = keyof MetaValues;

interface MetaRow {
  key: string;
  value: unknown;
}

export interface DatabaseOptions {
  /** `indexedDB` and `IDBKeyRange` for Node tests (fake-indexeddb); browsers need neither. */
  dexie?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;
}

export function databaseName(terminalId: string): string {
  return `hallq-${terminalId}`;
}

/** The highest key of an origin's rows: [origin, +inf) on seq. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export interface StoreResult {
  /** Events that were not stored before (and now are). */
  fresh: HallEvent[];
  /** Same origin:seq already stored with other content: kept as stored, never replaced. */
  conflicts: HallEvent[];
}

export class TerminalDatabase extends Dexie {
  events!: Table<HallEvent, [string, number]>;
  outbox!: Table<OutboxRow, [string, number]>;
  meta!: Table<MetaRow, string>;
  quarantine!: Table<QuarantineRow, [string, number]>;
  materialBlobs!: Table<MaterialBlobRow, string>;

  constructor(
    readonly terminalId: string,
    opts: DatabaseOptions = {},
  ) {
    super(databaseName(terminalId), { ...opts.dexie, chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      events: '[origin+seq], hlc',
      outbox: '[origin+seq]',
      meta: 'key',
      quarantine: '[origin+seq], at',
    });
    // Version 2 kept copies of today's tickets and the windows for the screens to query; the
    // screens read the fold in memory now (a call reached the board 60 ms sooner without them).
    this.version(2).stores({
      ticketsView: 'id, [day+status], serviceId',
      windowsView: 'id',
    });
    this.version(3).stores({ ticketsView: null, windowsView: null });
    // Document capture (issue 8): page images and PDFs by content hash; the queue is
    // [state+capturedAt] from ['queued', 0].
    this.version(4).stores({ materialBlobs: 'sha256, state, capturedAt, [state+capturedAt]' });
    // Issue 17: a restart loads the working set (pinned types by this index, recent events by
    // hlc), never the whole history; see loadWorkingSet and retention.ts.
    this.version(5).stores({ events: '[origin+seq], hlc, type' });
  }

  // --- meta ------------------------------------------------------------------------------

  async getMeta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
    const row = await this.meta.get(key);
    return row?.value as MetaValues[K] | undefined;
  }

  async setMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
    await this.meta.put({ key, value });
  }

  getIdentity(): Promise<TerminalIdentity | undefined> {
    return this.getMeta('identity');
  }

  /** Enrollment writes the identity once; a new epoch means a new database. */
  async setIdentity(identity: TerminalIdentity): Promise<void> {
    if (identity.terminalId !== this.terminalId) throw new Error(`identity of ${identity.terminalId} in the database of ${this.terminalId}`);
    await this.setMeta('identity', identity);
  }

  // --- appending own events ----------------------------------------------------------------

  /**
   * Append one own event and its outbox row in one strict transaction, with its seq allocated
   * in that same transaction: `build(seq)` makes the event (synchronously) once the seq is
   * known. If `build` throws, nothing is written and the seq is not used.
   */
  async appendOwn(build: (seq: number) => HallEvent, queuedAt: number): Promise<HallEvent> {
    return this.transaction('rw', [this.events, this.outbox, this.meta], async () => {
      // Two round trips, not five: a tap on the kiosk waits for this commit. Requests within
      // one transaction run in order, so issuing the writes together changes nothing else.
      const [next, last] = await this.meta.bulkGet(['nextSeq', 'lastHlc']);
      const seq = (next?.value as number | undefined) ?? 1;
      const lastHlc = last?.value as string | undefined;
      const event = build(seq);
      if (event.seq !== seq) throw new Error(`built event has seq ${event.seq}, allocated ${seq}`);
      await Promise.all([
        this.events.add(event),
        this.outbox.add({ origin: event.origin, seq: event.seq, event, queuedAt }),
        this.meta.bulkPut([
          { key: 'nextSeq', value: seq + 1 },
          { key: 'lastHlc', value: lastHlc !== undefined && lastHlc > event.hlc ? lastHlc : event.hlc },
        ]),
      ]);
      return event;
    });
  }

  // --- received events ------------------------------------------------------------------------

  /**
   * Store events from a server (skipping those already stored), and move the upstream's
   * checkpoint in the same transaction: the checkpoint never gets ahead of what is stored.
   * The checkpoint only moves forward.
   */
  async storeReceived(events: readonly HallEvent[], checkpoint?: { upstream: string; serverSeq: number }): Promise<StoreResult> {
    return this.transaction('rw', [this.events, this.meta], async () => {
      const keys = events.map((e): [string, number] => [e.origin, e.seq]);
      const stored = keys.length ? await this.events.bulkGet(keys) : [];
      const fresh: HallEvent[] = [];
      const conflicts: HallEvent[] = [];
      const seen = new Set<string>();
      events.forEach((e, i) => {
        const id = `${e.origin}:${e.seq}`;
        if (seen.has(id)) return;
        seen.add(id);
        const s = stored[i];
        if (!s) fresh.push(e);
        else if (s.hlc !== e.hlc || s.type !== e.type || JSON.stringify(s.payload) !== JSON.stringify(e.payload)) conflicts.push(e);
      });
      if (fresh.length) await this.events.bulkAdd(fresh);
      if (checkpoint) {
        const all = ((await this.meta.get('checkpoint'))?.value as Record<string, number> | undefined) ?? {};
        if ((all[checkpoint.upstream] ?? 0) < checkpoint.serverSeq) {
          await this.meta.put({ key: 'checkpoint', value: { ...all, [checkpoint.upstream]: checkpoint.serverSeq } });
        }
      }
      return { fresh, conflicts };
    });
  }

  async checkpoint(upstream: string): Promise<number> {
    return (await this.getMeta('checkpoint'))?.[upstream] ?? 0;
  }

  loadEvents(): Promise<HallEvent[]> {
    return this.events.toArray();
  }

  /**
   * What a restart folds: the working set (shared/sync/workingSet.ts) by index — events from
   * `since` on, the pinned types, the kept rectification tickets — and every own event not yet
   * acknowledged. A store that never took a working set (an older install, upgraded with months
   * of history) loads its working set by index too: folding all of it once took minutes with
   * 100k tickets (every day's snapshot clones every ticket so far) and the screen stayed blank.
   * Its rectification tickets older than the window come with the start set it takes at its
   * first contact (no `keep` list yet); its first sweep after that trims the rest.
   */
  async loadWorkingSet(since: string, pinned: readonly string[]): Promise<HallEvent[]> {
    return this.transaction('r', [this.events, this.outbox, this.meta], async () => {
      const keep = ((await this.meta.get('keep'))?.value as Array<[string, number]> | undefined) ?? [];
      const [recent, pins, kept, outbox] = await Promise.all([
        this.events.where('hlc').aboveOrEqual(since).toArray(),
        this.events.where('type').anyOf([...pinned]).toArray(),
        keep.length ? this.events.bulkGet(keep) : Promise.resolve([]),
        this.outbox.toArray(),
      ]);
      const out: HallEvent[] = recent;
      const seen = new Set<string>();
      for (const e of recent) seen.add(`${e.origin}:${e.seq}`);
      const more = (e: HallEvent | undefined) => {
        if (!e || e.hlc >= since) return;
        const id = `${e.origin}:${e.seq}`;
        if (seen.has(id)) return;
        seen.add(id);
        out.push(e);
      };
      for (const e of pins) more(e);
      for (const e of kept) more(e);
      for (const r of outbox) more(r.event);
      return out;
    });
  }

  /** Own events with seq in [from, to], in seq order (to resend what a server lacks). */
  ownEvents(origin: string, from: number, to: number, limit: number): Promise<HallEvent[]> {
    if (to < from) return Promise.resolve([]);
    return this.events.where('[origin+seq]').between([origin, from], [origin, to], true, true).limit(limit).toArray();
  }

  /** The newest own event (highest seq) of an origin. */
  lastOwnEvent(origin: string): Promise<HallEvent | undefined> {
    return this.events.where('[origin+seq]').between([origin, 0], [origin, MAX_SEQ], true, true).last();
  }

  // --- outbox and quarantine -------------------------------------------------------------------

  /** The oldest outbox rows, in (origin, seq) order. */
  outboxHead(limit: number): Promise<OutboxRow[]> {
    return this.outbox.orderBy('[origin+seq]').limit(limit).toArray();
  }

  outboxSize(): Promise<number> {
    return this.outbox.count();
  }

  quarantineSize(): Promise<number> {
    return this.quarantine.count();
  }

  /**
   * Drop acknowledged rows: each origin's rows up to the seq the server holds, plus any rows
   * named outright. Returns how many went.
   */
  async acknowledge(held: Record<string, number>, rows: readonly OutboxRow[] = [], upstream?: string): Promise<number> {
    return this.transaction('rw', [this.outbox, this.meta], async () => {
      let n = 0;
      for (const [origin, top] of Object.entries(held)) {
        if (top < 1) continue;
        n += await this.outbox.where('[origin+seq]').between([origin, 0], [origin, top], true, true).delete();
      }
      if (rows.length) {
        const keys = rows.map((r): [string, number] => [r.origin, r.seq]);
        const present = await this.outbox.bulkGet(keys);
        const gone = keys.filter((_, i) => present[i] !== undefined);
        await this.outbox.bulkDelete(gone);
        n += gone.length;
      }
      if (upstream !== undefined) {
        const all = ((await this.meta.get('held'))?.value as MetaValues['held'] | undefined) ?? {};
        const mine = { ...(all[upstream] ?? {}) };
        for (const [origin, top] of Object.entries(held)) mine[origin] = Math.max(mine[origin] ?? 0, top);
        await this.meta.put({ key: 'held', value: { ...all, [upstream]: mine } });
      }
      return n;
    });
  }

  /** Move refused events out of the outbox into quarantine, with the error, in one transaction. */
  async quarantineRows(rows: readonly OutboxRow[], error: RefusalRecord, upstream: string, at: number): Promise<void> {
    await this.transaction('rw', [this.outbox, this.quarantine], async () => {
      await this.quarantine.bulkPut(rows.map((r) => ({ origin: r.origin, seq: r.seq, event: r.event, error, upstream, at })));
      await this.outbox.bulkDelete(rows.map((r): [string, number] => [r.origin, r.seq]));
    });
  }

  /** Put quarantined events back in the outbox (after the cause was fixed); returns how many. */
  async releaseQuarantine(at: number): Promise<number> {
    return this.transaction('rw', [this.outbox, this.quarantine], async () => {
      const rows = await this.quarantine.toArray();
      await this.outbox.bulkPut(rows.map((r) => ({ origin: r.origin, seq: r.seq, event: r.event, queuedAt: at })));
      await this.quarantine.clear();
      return rows.length;
    });
  }
}

/**
 * Ask the browser not to evict this origin's storage under pressure (the log is the only copy
 * of events not yet pushed). Returns whether storage is persistent; false when not available.
 */
export async function requestPersistence(storage: StoragePersistence | undefined): Promise<boolean> {
  if (!storage) return false;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

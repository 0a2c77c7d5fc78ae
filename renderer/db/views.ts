/**
 * Materialized views for the screens: today's tickets and every window, as Dexie tables the
 * screens read with live queries. Derived from the fold after each change; only rows that
 * changed are written, in one transaction. Personal data stays out (numbers, statuses, times).
 */
import type { HallState } from '../../shared/fold/state';
import { addDays, localDate } from '../../shared/schedule/zone';
import type { TerminalDatabase, TicketView, WindowView } from './database';

export function ticketViews(s: HallState, today: string): TicketView[] {
  const from = addDays(today, -1);
  const out: TicketView[] = [];
  for (const t of s.tickets.values()) {
    if (t.day < from) continue;
    const v: TicketView = {
      id: t.id,
      number: t.number,
      serviceId: t.serviceId,
      day: t.day,
      status: t.status,
      priority: t.priority,
      queuedAt: t.queuedAt,
      issuedAt: t.issuedAt,
      recalls: t.recalls,
      rated: t.rating !== undefined && t.rating.level !== null,
    };
    if (t.windowId !== undefined) v.windowId = t.windowId;
    if (t.calledAt !== undefined) v.calledAt = t.calledAt;
    if (t.finishedAt !== undefined) v.finishedAt = t.finishedAt;
    if (t.outcome !== undefined) v.outcome = t.outcome;
    out.push(v);
  }
  return out;
}

export function windowViews(s: HallState): WindowView[] {
  const ids = new Set([...s.config.windows.keys(), ...s.windows.keys()]);
  return [...ids].map((id) => {
    const cfg = s.config.windows.get(id);
    const w = s.windows.get(id);
    const cur = w?.currentTicketId ? s.tickets.get(w.currentTicketId) : undefined;
    const v: WindowView = { id, label: cfg?.label ?? id, state: w?.state ?? 'closed' };
    if (w?.pauseReason) v.pauseReason = w.pauseReason;
    if (w?.staffId) v.staffId = w.staffId;
    if (cur) {
      v.currentTicketId = cur.id;
      v.currentNumber = cur.number;
    }
    if (w?.conflict) {
      v.conflictNumber = w.conflict.number;
      v.conflictWonBy = w.conflict.wonBy;
    }
    return v;
  });
}

/** Writes the views, row by row only where something changed since the last write. */
export class ViewWriter {
  private tickets = new Map<string, string>();
  private windows = new Map<string, string>();

  constructor(private readonly db: TerminalDatabase) {}

  async write(s: HallState, now: number): Promise<{ written: number; removed: number }> {
    const today = localDate(now, s.config.schedule.timeZone);
    const t = diff(this.tickets, ticketViews(s, today));
    const w = diff(this.windows, windowViews(s));
    if (!t.put.length && !t.del.length && !w.put.length && !w.del.length) return { written: 0, removed: 0 };
    await this.db.transaction('rw', this.db.ticketsView, this.db.windowsView, async () => {
      if (t.put.length) await this.db.ticketsView.bulkPut(t.put);
      if (t.del.length) await this.db.ticketsView.bulkDelete(t.del);
      if (w.put.length) await this.db.windowsView.bulkPut(w.put);
      if (w.del.length) await this.db.windowsView.bulkDelete(w.del);
    });
    this.tickets = t.next;
    this.windows = w.next;
    return { written: t.put.length + w.put.length, removed: t.del.length + w.del.length };
  }

  /** After a restart the tables may hold anything: start from what is stored. */
  async load(): Promise<void> {
    this.tickets = new Map((await this.db.ticketsView.toArray()).map((v) => [v.id, JSON.stringify(v)]));
    this.windows = new Map((await this.db.windowsView.toArray()).map((v) => [v.id, JSON.stringify(v)]));
  }
}

function diff<V extends { id: string }>(prev: Map<string, string>, rows: V[]): { put: V[]; del: string[]; next: Map<string, string> } {
  const next = new Map<string, string>();
  const put: V[] = [];
  for (const r of rows) {
    const json = JSON.stringify(r);
    next.set(r.id, json);
    if (prev.get(r.id) !== json) put.push(r);
  }
  const del = [...prev.keys()].filter((id) => !next.has(id));
  return { put, del, next };
}

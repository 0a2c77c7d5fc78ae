/**
 * What the calling board shows, derived from the terminal's view tables (numbers, statuses and
 * times only: no person data reaches the board, R21) and the hall configuration. Pure, so the
 * highlight rules are tested without a browser.
 */
import type { Bilingual } from '../../shared/config/text';
import type { Service, Window } from '../../shared/config/schemas';
import type { TicketRow, WindowRow } from './rows';

/** A new call flashes this long, then stays as the latest call without flashing. */
export const FRESH_MS = 8_000;
/** Calls listed under the latest one. */
export const RECENT_CALLS = 8;

export interface BoardCall {
  ticketId: string;
  number: string;
  windowId: string;
  windowLabel: string;
  calledAt: number;
  recalls: number;
  /** Changes with every call and recall of the ticket: a new key is a new announcement. */
  key: string;
}

export interface BoardWindow {
  id: string;
  label: string;
  name?: Bilingual;
  state: 'open' | 'paused' | 'closed';
  currentNumber?: string;
}

export interface WaitingCount {
  serviceId: string;
  name: Bilingual;
  count: number;
}

export interface BoardNotice {
  id: string;
  text: Bilingual;
  from?: number;
  to?: number;
}

const byLabel = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Tickets being called or served now, each with the window it was called to. */
export function activeCalls(rows: readonly TicketRow[], windows: readonly WindowRow[]): BoardCall[] {
  const labels = new Map(windows.map((w) => [w.id, w.label]));
  const out: BoardCall[] = [];
  for (const t of rows) {
    if ((t.status !== 'called' && t.status !== 'serving') || t.windowId === undefined || t.calledAt === undefined) continue;
    out.push({
      ticketId: t.id,
      number: t.number,
      windowId: t.windowId,
      windowLabel: labels.get(t.windowId) ?? t.windowId,
      calledAt: t.calledAt,
      recalls: t.recalls,
      key: `${t.id}#${t.calledAt}#${t.recalls}`,
    });
  }
  return out.sort((a, b) => b.calledAt - a.calledAt);
}

/**
 * Which call is "latest", remembering when this screen first saw each call. A recall is a new
 * announcement (a new key) though its calledAt does not change. What is on the screen when it
 * starts is not new: it does not flash or chime. `observe` is idempotent for the same input,
 * so a render that runs twice records nothing twice.
 */
export class CallMemory {
  private readonly firstSeen = new Map<string, number>();
  private primed = false;

  observe(calls: readonly BoardCall[], now: number): void {
    const keys = new Set<string>();
    for (const c of calls) {
      keys.add(c.key);
      if (!this.firstSeen.has(c.key)) this.firstSeen.set(c.key, this.primed ? now : Number.NEGATIVE_INFINITY);
    }
    this.primed = true;
    // Only the active calls are remembered: the memory stays as small as the board.
    for (const k of [...this.firstSeen.keys()]) if (!keys.has(k)) this.firstSeen.delete(k);
  }

  /** When this screen first saw the call; -Infinity for what was there at start. */
  seenAt(c: BoardCall): number {
    return this.firstSeen.get(c.key) ?? Number.NEGATIVE_INFINITY;
  }

  /** The calls, newest announcement first (the first is the latest call). */
  order(calls: readonly BoardCall[]): BoardCall[] {
    return [...calls].sort((a, b) => this.seenAt(b) - this.seenAt(a) || b.calledAt - a.calledAt);
  }

  isFresh(c: BoardCall, now: number): boolean {
    return now - this.seenAt(c) < FRESH_MS;
  }
}

/** The window tiles, in the order of the windows' labels; windows removed from the configuration go. */
export function boardWindows(views: readonly WindowRow[], config: ReadonlyMap<string, Window>): BoardWindow[] {
  const out: BoardWindow[] = [];
  for (const v of views) {
    const cfg = config.get(v.id);
    if (!cfg) continue;
    const state = v.state === 'open' || v.state === 'paused' ? v.state : 'closed';
    const w: BoardWindow = { id: v.id, label: cfg.label, state };
    if (cfg.name) w.name = cfg.name;
    if (state === 'open' && v.currentNumber) w.currentNumber = v.currentNumber;
    out.push(w);
  }
  return out.sort((a, b) => byLabel(a.label, b.label));
}

/** Waiting tickets per configured service, in the configuration's order. */
export function waitingCounts(rows: readonly TicketRow[], services: Iterable<Service>): WaitingCount[] {
  const n = new Map<string, number>();
  for (const t of rows) if (t.status === 'waiting') n.set(t.serviceId, (n.get(t.serviceId) ?? 0) + 1);
  return [...services].map((s) => ({ serviceId: s.id, name: s.name, count: n.get(s.id) ?? 0 }));
}

/** Notices inside their from/to window, in publication order. */
export function activeNotices(notices: Iterable<BoardNotice>, now: number): BoardNotice[] {
  return [...notices].filter((n) => (n.from === undefined || n.from <= now) && (n.to === undefined || now < n.to));
}

/** What the board says for a call, in both languages. */
export function callText(number: string, windowLabel: string): Bilingual {
  return { zh: `请 ${number} 到 ${windowLabel} 号窗口`, en: `Ticket ${number} please go to window ${windowLabel}` };
}

/** What the optional voice says (R2: off unless the page asks for sound). */
export function speechText(number: string, windowLabel: string): Bilingual {
  return { zh: `请${number}号到${windowLabel}号窗口`, en: `Ticket ${number.split('').join(' ')}, please go to window ${windowLabel}` };
}

/** `sound=1` in the page address turns on the chime and the voice. */
export function soundRequested(href: string): boolean {
  return new URL(href).searchParams.get('sound') === '1';
}

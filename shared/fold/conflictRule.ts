/**
 * The rule for two windows that called the same ticket (offline, or before they heard of each
 * other), issue 17: the call follows the citizen.
 *
 *   1. A call whose window started service wins over a call whose window did not.
 *   2. Otherwise (neither started, or both did) the earliest call in log order wins.
 *
 * The fold applies the sorted log one event at a time and cannot look ahead, so rule 1 is
 * applied when the start arrives: a `ticket.started` from a window whose call had lost hands the
 * ticket over to that window if the holder had not started serving (called, or marked a
 * no-show), or if both started and the starting window called first. The holder's steps on the
 * ticket since its call are kept in the history, marked ignored, and noted; its window carries
 * `conflict` with reason 'started', so its clerk is told plainly. A finished ticket never moves.
 *
 * Pure and deterministic like the rest of the fold: it reads only the state and the event, so
 * every replica that folds the same sorted log reaches the same answer, whatever order the
 * events arrived in.
 */
import type { HallEvent } from '../events/envelope';
import { clearCurrent, releaseCurrent, stats, windowState } from './apply';
import type { HallState, TicketState, TicketStep } from './state';

const SUPERSEDED = 'superseded';

const stepId = (h: TicketStep) => `${h.origin}:${h.seq}`;

function lastIndex(history: TicketStep[], ok: (h: TicketStep) => boolean): number {
  for (let i = history.length - 1; i >= 0; i--) if (ok(history[i]!)) return i;
  return -1;
}

/** Where the ticket's winning call and the starting window's losing call sit in its history. */
function calls(t: TicketState, starter: string): { holderCall: number; starterCall: number } {
  const holderCall = lastIndex(t.history, (h) => h.type === 'ticket.called' && h.windowId === t.windowId && h.ignored === undefined);
  const starterCall = lastIndex(t.history, (h) => h.type === 'ticket.called' && h.windowId === starter && h.ignored === SUPERSEDED);
  return { holderCall, starterCall };
}

/** Whether a start from window `starter` takes the ticket over from the window holding it. */
export function startWins(s: HallState, t: TicketState, starter: string): boolean {
  if (t.windowId === undefined || t.windowId === starter) return false;
  // The starting window still believes it holds this ticket: its call lost and it has not called since.
  if (s.windows.get(starter)?.conflict?.ticketId !== t.id) return false;
  const { holderCall, starterCall } = calls(t, starter);
  if (holderCall < 0 || starterCall < 0) return false;
  // Rule 1: the holder did not start (still called, or marked a no-show the citizen never missed).
  if (t.status === 'called' || t.status === 'skipped') return true;
  // Rule 2: both started; the earlier call wins.
  if (t.status === 'serving') return starterCall < holderCall;
  return false;
}

/** Called for every `ticket.started` before it applies; hands the ticket over when the rule says so. */
export function startsServiceHere(s: HallState, e: HallEvent<'ticket.started'>, at: number): void {
  const t = s.tickets.get(e.payload.ticketId);
  if (!t || !startWins(s, t, e.payload.windowId)) return;
  const starter = e.payload.windowId;
  const holder = t.windowId!;
  const { holderCall, starterCall } = calls(t, starter);
  const hc = t.history[holderCall]!;
  const sc = t.history[starterCall]!;
  const bothStarted = t.status === 'serving';

  // Undo what the holder's window did with the ticket since its call.
  if (t.status === 'skipped') {
    const st = stats(s, t.dayService);
    st.noShow = Math.max(0, st.noShow - 1);
    t.skips = Math.max(0, t.skips - 1);
    delete t.skippedAt;
  }
  delete t.startedAt;
  hc.ignored = SUPERSEDED;
  s.notes.push({ eventId: stepId(hc), type: hc.type, code: 'call-superseded', detail: `${t.number} won by ${starter} (${bothStarted ? 'earlier call' : 'service started there'})` });
  for (let i = holderCall + 1; i < t.history.length; i++) {
    const h = t.history[i]!;
    if (h.windowId !== holder || h.ignored !== undefined) continue;
    h.ignored = `taken over by ${starter}`;
    s.notes.push({ eventId: stepId(h), type: h.type, code: 'not-holder', detail: `${t.number} is served at ${starter}` });
  }
  const hw = windowState(s, holder, at);
  clearCurrent(hw, t.id);
  hw.conflict = { ticketId: t.id, number: t.number, wonBy: starter, eventId: stepId(hc), at: hc.at, reason: bothStarted ? 'earlier-call' : 'started' };
  const key = `${t.day}|${t.serviceId}`;
  const hn = hw.calls.get(key) ?? 0;
  if (hn > 0) hw.calls.set(key, hn - 1);

  // The starting window's call now stands: it is no longer a lost call.
  delete sc.ignored;
  const lostNote = s.notes.findIndex((n) => n.eventId === stepId(sc) && n.code === 'call-superseded');
  if (lostNote >= 0) s.notes.splice(lostNote, 1);
  const sw = windowState(s, starter, at);
  releaseCurrent(s, sw, t.id, at, e);
  t.status = 'called';
  t.windowId = starter;
  t.calledAt = sc.at;
  const staffId = sc.staffId ?? sw.staffId;
  if (staffId) t.staffId = staffId;
  sw.currentTicketId = t.id;
  delete sw.conflict;
  sw.calls.set(key, (sw.calls.get(key) ?? 0) + 1);
  if (sw.state !== 'open') {
    sw.state = 'open';
    sw.since = at;
    delete sw.pauseReason;
  }
}

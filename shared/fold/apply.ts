/**
 * Applying one event to the hall state. Pure and deterministic: it reads only the state and
 * the event (never the clock), so every replica that folds the same sorted log agrees.
 *
 * An event that cannot apply (a call that lost to an earlier call, a second rating) stays in
 * the log and leaves a note; nothing is dropped silently.
 */
import { hlcWall } from '../clock/hlc';
import { eventId } from '../clock/origin';
import { CONFIG_KINDS, type PriorityClass } from '../config/schemas';
import { formatIssues, type HallEvent } from '../events/envelope';
import type { PayloadOf } from '../events/payloads';
import { RECTIFY_WITHIN_MS, isBadRating } from '../ratings/levels';
import { zonedTimeToUtc } from '../schedule/zone';
import { startsServiceHere } from './conflictRule';
import {
  DURATION_SAMPLES,
  emptyStats,
  type DayServiceStats,
  type HallState,
  type MaterialState,
  type TicketStep,
  type TicketState,
  type WindowState,
} from './state';

const MINUTE = 60_000;

export function applyEvent(s: HallState, e: HallEvent): void {
  const at = hlcWall(e.hlc);
  switch (e.type) {
    case 'ticket.issued':
      issue(s, e, at);
      break;
    case 'ticket.called':
      call(s, e, at);
      break;
    case 'ticket.recalled':
      withTicketAt(s, e, e.payload, at, ['called'], (t) => {
        t.recalls += 1;
      });
      break;
    case 'ticket.skipped':
      withTicketAt(s, e, e.payload, at, ['called'], (t, w) => {
        markSkipped(s, t, w, at);
      });
      break;
    case 'ticket.requeued':
      requeue(s, e, at);
      break;
    case 'ticket.started':
      startsServiceHere(s, e, at);
      withTicketAt(s, e, e.payload, at, ['called'], (t) => {
        t.status = 'serving';
        t.startedAt = at;
      });
      break;
    case 'ticket.finished':
      withTicketAt(s, e, e.payload, at, ['called', 'serving'], (t, w) => {
        finish(s, t, w, e.payload.outcome, at, e.payload.note);
      });
      break;
    case 'ticket.transferred':
      withTicketAt(s, e, e.payload, at, ['called', 'serving'], (t, w) => {
        transfer(s, t, w, e.payload, e, at);
      });
      break;
    case 'ticket.cancelled':
      cancel(s, e, at);
      break;
    case 'ticket.voided':
      voidTicket(s, e, at);
      break;
    case 'evaluation.recorded':
      evaluate(s, e, at);
      break;
    case 'rectification.recorded':
      rectify(s, e, at);
      break;
    case 'window.opened': {
      const w = windowState(s, e.payload.windowId, at);
      setWindowState(w, 'open', at);
      if (e.payload.staffId) w.staffId = e.payload.staffId;
      break;
    }
    case 'window.paused': {
      const w = windowState(s, e.payload.windowId, at);
      setWindowState(w, 'paused', at);
      w.pauseReason = e.payload.reason;
      break;
    }
    case 'window.resumed': {
      const w = windowState(s, e.payload.windowId, at);
      if (w.state !== 'paused') note(s, e, 'not-paused', w.state);
      else setWindowState(w, 'open', at);
      break;
    }
    case 'window.closed':
      setWindowState(windowState(s, e.payload.windowId, at), 'closed', at);
      break;
    case 'staff.signedIn': {
      // R11: signing in at an open window is the AB hand-over; the window stays open.
      const w = windowState(s, e.payload.windowId, at);
      w.staffId = e.payload.staffId;
      if (w.state === 'closed') setWindowState(w, 'open', at);
      break;
    }
    case 'staff.signedOut': {
      const w = windowState(s, e.payload.windowId, at);
      if (w.staffId !== e.payload.staffId) {
        note(s, e, 'not-signed-in', w.staffId ?? 'nobody');
        break;
      }
      delete w.staffId;
      setWindowState(w, 'closed', at);
      break;
    }
    case 'appointment.booked': {
      const p = e.payload;
      if (s.appointments.has(p.appointmentId)) {
        note(s, e, 'duplicate-appointment');
        break;
      }
      s.appointments.set(p.appointmentId, {
        id: p.appointmentId,
        serviceId: p.serviceId,
        day: p.day,
        slotFrom: p.slotFrom,
        slotTo: p.slotTo,
        channel: p.channel,
        ...(p.person ? { person: p.person } : {}),
        code: p.code,
        status: 'booked',
      });
      break;
    }
    case 'appointment.cancelled': {
      const a = s.appointments.get(e.payload.appointmentId);
      if (!a || a.status !== 'booked') note(s, e, 'appointment-not-booked', a?.status ?? 'unknown');
      else a.status = 'cancelled';
      break;
    }
    case 'config.changed':
      configure(s, e);
      break;
    case 'notice.published': {
      const p = e.payload;
      s.notices.set(p.noticeId, { id: p.noticeId, text: p.text, ...(p.from !== undefined ? { from: p.from } : {}), ...(p.to !== undefined ? { to: p.to } : {}) });
      break;
    }
    case 'notice.withdrawn':
      if (!s.notices.delete(e.payload.noticeId)) note(s, e, 'unknown-notice');
      break;
    case 'material.attached':
      attachMaterial(s, e, at);
      break;
    case 'material.removed':
      removeMaterial(s, e);
      break;
    case 'device.fault':
    case 'device.recovered': {
      const terminal = e.origin.slice(0, e.origin.indexOf('~'));
      const key = `${terminal}/${e.payload.device}`;
      if (e.type === 'device.fault') {
        const { severity, words } = e.payload;
        s.devices.set(key, { terminal, device: e.payload.device, ok: false, code: e.payload.code, message: e.payload.message, ...(severity ? { severity } : {}), ...(words ? { words } : {}), since: at });
      } else {
        s.devices.set(key, { terminal, device: e.payload.device, ok: true, since: at });
      }
      break;
    }
  }
  s.applied += 1;
  s.lastHlc = e.hlc;
}

// --- tickets ---------------------------------------------------------------------------

function issue(s: HallState, e: HallEvent<'ticket.issued'>, at: number): void {
  const p = e.payload;
  if (s.tickets.has(p.ticketId)) {
    note(s, e, 'duplicate-ticket-id', p.ticketId);
    return;
  }
  let priority: PriorityClass = p.priority;
  const grants = s.config.policy.priorityGrants;
  if (priority !== 'normal' && !grants[priority].includes(p.channel)) {
    // R7: who may grant which priority. A self-declared green channel waits as normal.
    note(s, e, 'priority-not-granted', `${priority} via ${p.channel}`);
    priority = 'normal';
  }
  let slotFrom: number | undefined;
  let slotTo: number | undefined;
  if (p.appointmentId !== undefined) {
    const a = s.appointments.get(p.appointmentId);
    if (!a || a.status !== 'booked') {
      // Two kiosks checked in the same booking offline: the second ticket stands, as normal.
      note(s, e, 'appointment-not-available', a?.status ?? 'unknown');
      if (priority === 'appointment') priority = 'normal';
    } else {
      a.status = 'checked-in';
      a.ticketId = p.ticketId;
      slotFrom = a.slotFrom;
      slotTo = a.slotTo;
      if (priority === 'appointment' && at > a.slotTo + s.config.policy.appointmentLateMinutes * MINUTE) {
        note(s, e, 'appointment-late');
        priority = 'normal';
      }
    }
  }
  const t: TicketState = {
    id: p.ticketId,
    number: p.number,
    numberSource: p.numberSource,
    serviceId: p.serviceId,
    day: p.day,
    dayService: queueKey(p.day, p.serviceId),
    channel: p.channel,
    priority,
    medium: p.medium,
    issuedBy: e.origin,
    issuedAt: at,
    queuedAt: at,
    queueKey: `${e.hlc}|${e.origin}`,
    status: 'waiting',
    recalls: 0,
    skips: 0,
    requeues: 0,
    transfers: 0,
    history: [step(e, at)],
  };
  if (p.priorityReason) t.priorityReason = p.priorityReason;
  if (p.person) t.person = p.person;
  if (p.appointmentId) t.appointmentId = p.appointmentId;
  if (slotFrom !== undefined && slotTo !== undefined) {
    t.slotFrom = slotFrom;
    t.slotTo = slotTo;
  }
  if (p.token) t.token = p.token;
  if (p.staffId) t.staffId = p.staffId;
  s.tickets.set(t.id, t);
  const numberKey = `${p.day}|${p.number}`;
  if (s.numbers.has(numberKey)) note(s, e, 'number-collision', p.number);
  else s.numbers.set(numberKey, t.id);
  const m = /^([A-Z]+)(\d+)$/.exec(p.number);
  if (m) {
    const seriesKey = `${p.day}|${m[1]}`;
    s.series.set(seriesKey, Math.max(s.series.get(seriesKey) ?? 0, Number(m[2])));
  }
  if (p.person) {
    const k = `${p.day}|${p.serviceId}|${p.person.idHash}`;
    s.perPerson.set(k, (s.perPerson.get(k) ?? 0) + 1);
  }
  stats(s, t.dayService).issued += 1;
  enqueue(s, t);
}

function call(s: HallState, e: HallEvent<'ticket.called'>, at: number): void {
  const p = e.payload;
  const t = s.tickets.get(p.ticketId);
  if (!t) {
    note(s, e, 'unknown-ticket', p.ticketId);
    return;
  }
  const w = windowState(s, p.windowId, at);
  const policy = s.config.policy;
  const waitingHere = t.status === 'waiting' && (t.targetWindowId === undefined || t.targetWindowId === p.windowId);
  // A no-show who came back within the grace period may be called by number.
  const returned = t.status === 'skipped' && p.manual && t.skippedAt !== undefined && at - t.skippedAt <= policy.skipGraceMinutes * MINUTE;
  if (!waitingHere && !returned) {
    const id = eventId(e);
    if (t.windowId !== undefined && t.windowId !== p.windowId && t.status !== 'waiting') {
      // Two windows called the same ticket: the earlier call (in log order) won; this window
      // is told so and must call again. The call stays in the ticket's history.
      w.conflict = { ticketId: t.id, number: t.number, wonBy: t.windowId, eventId: id, at, reason: 'earlier-call' };
      const lost = step(e, at, p.windowId, 'superseded');
      // Kept so the call can still win if this window starts serving (conflictRule.ts).
      const lostStaff = p.staffId ?? w.staffId;
      if (lostStaff) lost.staffId = lostStaff;
      t.history.push(lost);
      note(s, e, 'call-superseded', `${t.number} won by ${t.windowId}`);
    } else {
      note(s, e, 'not-callable', `${t.number} is ${t.status}`);
    }
    return;
  }
  releaseCurrent(s, w, t.id, at, e);
  dequeue(s, t);
  t.status = 'called';
  t.windowId = p.windowId;
  const staffId = p.staffId ?? w.staffId;
  if (staffId) t.staffId = staffId;
  t.calledAt = at;
  delete t.targetWindowId;
  const called = step(e, at, p.windowId);
  if (staffId) called.staffId = staffId;
  t.history.push(called);
  w.currentTicketId = t.id;
  delete w.conflict;
  if (w.state !== 'open') setWindowState(w, 'open', at);
  const callKey = `${t.day}|${t.serviceId}`;
  w.calls.set(callKey, (w.calls.get(callKey) ?? 0) + 1);
  stats(s, t.dayService).called += 1;
}

/** A window that calls while still holding a ticket lets go of it (safety net; the counter
 *  normally skips or finishes first). */
export function releaseCurrent(s: HallState, w: WindowState, nextId: string, at: number, cause: HallEvent): void {
  const cur = w.currentTicketId ? s.tickets.get(w.currentTicketId) : undefined;
  if (!cur || cur.id === nextId || cur.windowId !== w.id) return;
  if (cur.status === 'called') {
    markSkipped(s, cur, w, at);
    cur.history.push({ ...step(cause, at, w.id), type: 'ticket.skipped', implicit: true });
  } else if (cur.status === 'serving') {
    finish(s, cur, w, 'done', at);
    cur.history.push({ ...step(cause, at, w.id), type: 'ticket.finished', implicit: true });
  }
}

function markSkipped(s: HallState, t: TicketState, w: WindowState, at: number): void {
  t.status = 'skipped';
  t.skippedAt = at;
  t.skips += 1;
  clearCurrent(w, t.id);
  stats(s, t.dayService).noShow += 1;
}

function finish(s: HallState, t: TicketState, w: WindowState, outcome: 'done' | 'not-done' | 'needs-material', at: number, note?: string): void {
  t.status = 'finished';
  t.outcome = outcome;
  t.finishedAt = at;
  if (t.startedAt === undefined) t.startedAt = t.calledAt ?? at;
  clearCurrent(w, t.id);
  w.lastFinishedTicketId = t.id;
  const st = stats(s, t.dayService);
  st.served += 1;
  if (outcome === 'done') st.done += 1;
  else if (outcome === 'not-done') st.notDone += 1;
  else st.needsMaterial += 1;
  let d = s.durations.get(t.serviceId);
  if (!d) s.durations.set(t.serviceId, (d = []));
  d.push(Math.max(0, at - t.startedAt));
  if (d.length > DURATION_SAMPLES) d.shift();
  if (outcome === 'not-done') {
    // R18: every "can't get it done" goes into the ledger.
    const id = `notdone:${t.id}`;
    if (!s.rectifications.has(id)) {
      s.rectifications.set(id, {
        id,
        kind: 'not-done',
        ticketId: t.id,
        number: t.number,
        serviceId: t.serviceId,
        windowId: w.id,
        ...(t.staffId ? { staffId: t.staffId } : {}),
        openedAt: at,
        status: 'open',
        // The clerk's note at the window is the ledger's first statement of the problem.
        ...(note ? { problem: note } : {}),
        steps: [],
      });
    }
  }
}

function transfer(
  s: HallState,
  t: TicketState,
  w: WindowState,
  p: PayloadOf<'ticket.transferred'>,
  e: HallEvent,
  at: number,
): void {
  stats(s, t.dayService).transferredOut += 1;
  clearCurrent(w, t.id);
  t.status = 'waiting';
  t.transfers += 1;
  if (p.toServiceId) {
    t.serviceId = p.toServiceId;
    t.dayService = queueKey(t.day, t.serviceId);
  }
  if (p.toWindowId) t.targetWindowId = p.toWindowId;
  if (!s.config.policy.transferKeepsIssueTime) {
    t.queuedAt = at;
    t.queueKey = `${e.hlc}|${e.origin}`;
  }
  delete t.startedAt;
  delete t.calledAt;
  enqueue(s, t);
}

function requeue(s: HallState, e: HallEvent<'ticket.requeued'>, at: number): void {
  const t = ticket(s, e, e.payload.ticketId);
  if (!t) return;
  const policy = s.config.policy;
  if (t.status !== 'skipped' || t.skippedAt === undefined) return void note(s, e, 'not-skipped', t.status);
  if (at - t.skippedAt > policy.skipGraceMinutes * MINUTE) return void note(s, e, 'requeue-grace-expired', t.number);
  if (t.requeues >= policy.maxRequeues) return void note(s, e, 'requeue-limit', t.number);
  t.requeues += 1;
  t.status = 'waiting';
  if (policy.requeueMode === 'tail') {
    t.queuedAt = at;
    t.queueKey = `${e.hlc}|${e.origin}`;
  }
  t.history.push(step(e, at, e.payload.windowId));
  enqueue(s, t);
}

function cancel(s: HallState, e: HallEvent<'ticket.cancelled'>, at: number): void {
  const t = ticket(s, e, e.payload.ticketId);
  if (!t) return;
  if (t.status === 'finished' || t.status === 'cancelled' || t.status === 'voided') return void note(s, e, 'already-final', t.status);
  dequeue(s, t);
  if (t.windowId) {
    const w = s.windows.get(t.windowId);
    if (w) clearCurrent(w, t.id);
  }
  t.status = 'cancelled';
  t.history.push(step(e, at));
  stats(s, t.dayService).cancelled += 1;
}

function voidTicket(s: HallState, e: HallEvent<'ticket.voided'>, at: number): void {
  const t = ticket(s, e, e.payload.ticketId);
  if (!t) return;
  if (t.status !== 'waiting') return void note(s, e, 'void-too-late', t.status);
  dequeue(s, t);
  t.status = 'voided';
  t.history.push(step(e, at));
  stats(s, t.dayService).voided += 1;
  if (t.person) {
    // The citizen never held it: it does not count against their daily limit.
    const k = `${t.day}|${t.serviceId}|${t.person.idHash}`;
    s.perPerson.set(k, Math.max(0, (s.perPerson.get(k) ?? 1) - 1));
  }
  // Nor did the booking get used: the citizen checks in again (the kiosk's e-ticket does).
  const a = t.appointmentId === undefined ? undefined : s.appointments.get(t.appointmentId);
  if (a && a.status === 'checked-in' && a.ticketId === t.id) {
    a.status = 'booked';
    delete a.ticketId;
  }
}

// --- ratings and rectification ---------------------------------------------------------

function evaluate(s: HallState, e: HallEvent<'evaluation.recorded'>, at: number): void {
  const p = e.payload;
  const t = ticket(s, e, p.ticketId);
  if (!t) return;
  if (t.status !== 'finished') return void note(s, e, 'not-finished', t.status);
  if (t.windowId !== p.windowId) return void note(s, e, 'wrong-window', `${t.number} was served at ${t.windowId}`);
  // R8 一次一评: one rating per served ticket. A real rating still counts after a timeout
  // recorded "no rating" (the citizen pressed late); a second real rating does not.
  if (t.rating && (t.rating.level !== null || p.level === null)) return void note(s, e, 'already-rated', t.number);
  const id = eventId(e);
  t.rating = { level: p.level, eventId: id, at };
  t.history.push(step(e, at, p.windowId));
  if (p.level === null) return;
  const st = stats(s, t.dayService);
  st.rated += 1;
  if (isBadRating(p.level)) {
    st.bad += 1;
    // R8: a bad rating is verified and rectified within 7 days.
    s.rectifications.set(id, {
      id,
      kind: 'bad-rating',
      ticketId: t.id,
      number: t.number,
      serviceId: t.serviceId,
      windowId: p.windowId,
      ...(p.staffId ?? t.staffId ? { staffId: (p.staffId ?? t.staffId) as string } : {}),
      level: p.level,
      reasons: p.reasons,
      openedAt: at,
      dueAt: at + RECTIFY_WITHIN_MS,
      status: 'open',
      steps: [],
    });
  }
}

function rectify(s: HallState, e: HallEvent<'rectification.recorded'>, at: number): void {
  const p = e.payload;
  const item = s.rectifications.get(p.itemId);
  if (!item) return void note(s, e, 'unknown-item', p.itemId);
  if (item.status === 'closed' && p.action !== 'reopened') return void note(s, e, 'item-closed', p.itemId);
  switch (p.action) {
    case 'assigned':
      item.status = 'assigned';
      if (p.assignee) item.assignee = p.assignee;
      break;
    case 'verified':
      item.status = 'verified';
      break;
    case 'rectified':
      item.status = 'rectified';
      break;
    case 'closed':
      item.status = 'closed';
      item.closedAt = at;
      if (p.closedWith) item.closedWith = p.closedWith;
      break;
    case 'reopened':
      item.status = 'open';
      delete item.closedAt;
      delete item.closedWith;
      break;
    case 'ledger':
      if (p.problem !== undefined) item.problem = p.problem;
      if (p.cause !== undefined) item.cause = p.cause;
      if (p.workOrder !== undefined) item.workOrder = p.workOrder;
      if (p.deadline !== undefined) {
        item.deadline = p.deadline;
        // Due at the end of the deadline day, in the hall's time zone.
        item.dueAt = zonedTimeToUtc(p.deadline, 24 * 60, s.config.schedule.timeZone);
      }
      break;
  }
  item.steps.push({ action: p.action, at, eventId: eventId(e), note: p.note, ...(p.assignee ? { assignee: p.assignee } : {}), by: e.origin });
}

// --- materials (document capture) -----------------------------------------------------

/** Statuses in which the window holding a ticket may attach materials to it. */
const MATERIAL_STATUSES: ReadonlySet<TicketState['status']> = new Set(['called', 'serving', 'finished']);

function attachMaterial(s: HallState, e: HallEvent<'material.attached'>, at: number): void {
  const p = e.payload;
  const t = ticket(s, e, p.ticketId);
  if (!t) return;
  // Only the window serving (or that served) the ticket receives its materials.
  if (t.windowId !== p.windowId || !MATERIAL_STATUSES.has(t.status)) {
    return void note(s, e, 'not-served-here', `${t.number} is ${t.status} at ${t.windowId ?? '-'}`);
  }
  const list = t.materials ?? (t.materials = []);
  const i = list.findIndex((m) => m.id === p.materialId);
  if (i >= 0 && list[i]!.windowId !== p.windowId) return void note(s, e, 'material-other-window', `${p.materialId} was attached at ${list[i]!.windowId}`);
  let bytes = p.pdf?.bytes ?? 0;
  for (const page of p.pages) bytes += page.bytes;
  const m: MaterialState = {
    id: p.materialId,
    name: p.name,
    pages: p.pages.length,
    hashes: p.pages.map((page) => page.sha256),
    bytes,
    windowId: p.windowId,
    at,
    eventId: eventId(e),
  };
  if (p.pdf) m.pdf = p.pdf.sha256;
  // The same material again replaces it (pages re-captured or reordered), in its place.
  if (i >= 0) list[i] = m;
  else list.push(m);
}

function removeMaterial(s: HallState, e: HallEvent<'material.removed'>): void {
  const p = e.payload;
  const t = ticket(s, e, p.ticketId);
  if (!t) return;
  const list = t.materials ?? [];
  const i = list.findIndex((m) => m.id === p.materialId);
  if (i < 0) return void note(s, e, 'unknown-material', p.materialId);
  if (list[i]!.windowId !== p.windowId) return void note(s, e, 'material-other-window', `${p.materialId} was attached at ${list[i]!.windowId}`);
  list.splice(i, 1);
  if (list.length === 0) delete t.materials;
}

// --- configuration ---------------------------------------------------------------------

function configure(s: HallState, e: HallEvent<'config.changed'>): void {
  const { kind, id, value } = e.payload;
  const c = s.config;
  if (value === null) {
    if (kind === 'service') c.services.delete(id);
    else if (kind === 'window') c.windows.delete(id);
    else if (kind === 'staff') c.staff.delete(id);
    else if (kind === 'terminal') c.terminals.delete(id);
    else note(s, e, 'config-not-removable', kind);
    return;
  }
  const parsed = CONFIG_KINDS[kind].safeParse(value);
  if (!parsed.success) {
    note(s, e, 'config-invalid', `${kind}/${id}: ${formatIssues(parsed.error)}`);
    return;
  }
  const v = parsed.data;
  if ('id' in v && v.id !== id) {
    // The key and the value must agree, or two keys could describe one service.
    note(s, e, 'config-id-mismatch', `${kind}/${id} holds id ${String(v.id)}`);
    return;
  }
  switch (kind) {
    case 'service':
      c.services.set(id, v as typeof c.services extends Map<string, infer S> ? S : never);
      break;
    case 'window':
      c.windows.set(id, v as typeof c.windows extends Map<string, infer W> ? W : never);
      break;
    case 'staff': {
      // A staff card without a PIN keeps the clerk's PIN: admins edit cards without ever
      // holding the hash (server/store/pinVisibility.ts), and a new PIN comes with its hash.
      const st = v as typeof c.staff extends Map<string, infer S> ? S : never;
      const before = c.staff.get(id);
      if (st.pinHash === undefined && before?.pinHash !== undefined) st.pinHash = before.pinHash;
      if (st.pinHash === undefined && st.pinSet === undefined && before?.pinSet) st.pinSet = true;
      c.staff.set(id, st);
      break;
    }
    case 'terminal': {
      const term = v as typeof c.terminals extends Map<string, infer T> ? T : never;
      if (term.offlineSeries) {
        for (const other of c.terminals.values()) {
          if (other.id !== term.id && other.offlineSeries === term.offlineSeries) {
            // Offline numbers must never collide: a series belongs to one kiosk.
            return void note(s, e, 'series-taken', `${term.offlineSeries} is ${other.id}'s`);
          }
        }
      }
      c.terminals.set(id, term);
      break;
    }
    case 'schedule':
      c.schedule = v as typeof c.schedule;
      break;
    case 'policy':
      c.policy = v as typeof c.policy;
      break;
  }
}

// --- helpers ---------------------------------------------------------------------------

/** A line of a ticket's history. Built per event on the hot path: no string building here. */
function step(e: HallEvent, at: number, windowId?: string, ignored?: string): TicketStep {
  const st: TicketStep = { type: e.type, at, origin: e.origin, seq: e.seq, windowId };
  if (ignored !== undefined) st.ignored = ignored;
  return st;
}

function note(s: HallState, e: HallEvent, code: string, detail?: string): void {
  s.notes.push({ eventId: eventId(e), type: e.type, code, ...(detail !== undefined ? { detail } : {}) });
}

function ticket(s: HallState, e: HallEvent, id: string): TicketState | undefined {
  const t = s.tickets.get(id);
  if (!t) note(s, e, 'unknown-ticket', id);
  return t;
}

/** Events that only the window holding the ticket may author, in the given statuses. */
function withTicketAt(
  s: HallState,
  e: HallEvent,
  p: { ticketId: string; windowId: string },
  at: number,
  statuses: TicketState['status'][],
  apply: (t: TicketState, w: WindowState) => void,
): void {
  const t = ticket(s, e, p.ticketId);
  if (!t) return;
  if (t.windowId !== p.windowId || !statuses.includes(t.status)) {
    // Typically the losing window of a call conflict acting before it heard: kept, not applied.
    t.history.push(step(e, at, p.windowId, `${t.status} at ${t.windowId ?? '-'}`));
    note(s, e, 'not-holder', `${t.number} is ${t.status} at ${t.windowId ?? '-'}`);
    return;
  }
  const w = windowState(s, p.windowId, at);
  apply(t, w);
  t.history.push(step(e, at, p.windowId));
}

export function windowState(s: HallState, id: string, at: number): WindowState {
  let w = s.windows.get(id);
  if (!w) {
    w = { id, state: 'closed', since: at, calls: new Map() };
    s.windows.set(id, w);
  }
  return w;
}

function setWindowState(w: WindowState, state: WindowState['state'], at: number): void {
  if (w.state !== state) w.since = at;
  w.state = state;
  if (state !== 'paused') delete w.pauseReason;
}

export function clearCurrent(w: WindowState, ticketId: string): void {
  if (w.currentTicketId === ticketId) delete w.currentTicketId;
}

export function queueKey(day: string, serviceId: string): string {
  return `${day}|${serviceId}`;
}

function enqueue(s: HallState, t: TicketState): void {
  const k = t.dayService;
  let q = s.waiting.get(k);
  if (!q) s.waiting.set(k, (q = new Set()));
  q.add(t.id);
}

function dequeue(s: HallState, t: TicketState): void {
  s.waiting.get(t.dayService)?.delete(t.id);
}

export function stats(s: HallState, dayService: string): DayServiceStats {
  let st = s.stats.get(dayService);
  if (!st) s.stats.set(dayService, (st = emptyStats()));
  return st;
}

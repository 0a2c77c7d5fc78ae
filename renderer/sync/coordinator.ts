/**
 * Decisions that need a coordinator: ask the server when online (a short timeout, 1.5 s), fall
 * back to the offline rules when not (DESIGN.md, "Decisions that need a coordinator").
 *
 *   issueTicket  the local checks first (a refusal is shown without asking anyone); then a
 *                number from the server's series, or offline from this kiosk's own series
 *   callNext     online, the server claims the next ticket for the window atomically; offline,
 *                the counter calls from its local view. Two windows that called the same ticket
 *                are sorted out by the fold (the loser's window carries `conflict`).
 */
import type { Bilingual } from '../../shared/config/text';
import type { HallEvent } from '../../shared/events/envelope';
import type { CallConflict, TicketState } from '../../shared/fold/state';
import { checkIssue, decideIssue, type IssueDecision, type IssueRefusal, type IssueRequest, type NumberChoice } from '../../shared/actions/issue';
import { nextForWindow } from '../../shared/queue/select';
import type { WaitEstimate } from '../../shared/estimate/wait';
import type { Availability } from '../../shared/schedule/availability';
import type { SyncEngine } from './engine';
import { OFFLINE_RULES_CODES, classify } from './errors';
import { NotAllowedError, type LocalLog } from './local';
import { HttpError } from './transport';

export const COORDINATOR_TIMEOUT_MS = 1_500;

export interface CoordinatorOptions {
  local: LocalLog;
  engine: SyncEngine;
  /** How long to wait for the server before deciding offline. */
  timeoutMs?: number;
}

/** An issue request; `now` is the terminal's corrected clock. */
export type IssueInput = Omit<IssueRequest, 'now'>;

export type IssueFailure = IssueRefusal | 'no-offline-series' | 'not-caught-up' | 'server-refused' | 'not-allowed';

export type IssueOutcome =
  | {
      ok: true;
      ticket: TicketState;
      event: HallEvent<'ticket.issued'>;
      /** Numbered from this kiosk's offline series (the ticket says so). */
      offline: boolean;
      estimate: WaitEstimate;
      availability: Availability;
      lateForAppointment: boolean;
    }
  | { ok: false; code: IssueFailure; message: Bilingual };

export type CallOutcome =
  | {
      ok: true;
      claim: 'server' | 'local';
      event: HallEvent<'ticket.called'>;
      ticketId: string;
      number: string;
      /** The ticket as this terminal's fold sees it (absent if its issue has not arrived yet). */
      ticket: TicketState | undefined;
    }
  | { ok: false; code: 'nobody-waiting'; claim: 'server' | 'local'; message: Bilingual }
  | { ok: false; code: 'server-refused' | 'not-allowed'; message: Bilingual };

const MESSAGES = {
  noSeries: {
    zh: '网络中断，本机未配置离线号段，暂不能取号，请到其他取号机或咨询导办人员。',
    en: 'The network is down and this kiosk has no offline number series. Please use another kiosk or ask at the help desk.',
  },
  notCaughtUp: {
    zh: '本机尚未与服务器完成首次同步，网络中断时不能取号，请到其他取号机或咨询导办人员。',
    en: 'This kiosk has not synced with the server yet and cannot issue tickets offline. Please use another kiosk or ask at the help desk.',
  },
  nobody: { zh: '当前没有等候的群众。', en: 'Nobody is waiting.' },
} satisfies Record<string, Bilingual>;

/** A refusal from inside the append transaction: nothing was written. */
class Refused extends Error {
  constructor(readonly decision: Extract<IssueDecision, { ok: false }>) {
    super(decision.code);
  }
}

export class Coordinator {
  private readonly timeoutMs: number;

  constructor(private readonly o: CoordinatorOptions) {
    this.timeoutMs = o.timeoutMs ?? COORDINATOR_TIMEOUT_MS;
  }

  async issueTicket(input: IssueInput): Promise<IssueOutcome> {
    const { local, engine } = this.o;
    const req: IssueRequest = { ...input, now: local.now() };
    const check = checkIssue(local.state, req);
    if (!check.ok) return { ok: false, code: check.code, message: check.message };

    let choice: NumberChoice;
    try {
      const n = await engine.ask((up) => engine.transport.number(up, check.serviceId, { timeoutMs: this.timeoutMs }));
      choice = { source: 'server', seq: n.seq };
    } catch (e) {
      if (classify(e) === 'refused' && !offlineRules(e)) return { ok: false, code: 'server-refused', message: serverMessage(e) };
      if (classify(e) === 'internal') throw e;
      // Offline (or central, while the hall's hub coordinates): this kiosk's own series, once it has caught up with a server (a fresh install
      // must first learn the numbers its earlier epochs gave today).
      if (local.caughtUpAt === null) return { ok: false, code: 'not-caught-up', message: MESSAGES.notCaughtUp };
      const series = local.state.config.terminals.get(local.identity.terminalId)?.offlineSeries;
      if (!series) return { ok: false, code: 'no-offline-series', message: MESSAGES.noSeries };
      choice = { source: 'offline', series };
    }

    let decided: Extract<IssueDecision, { ok: true }> | undefined;
    let event: HallEvent<'ticket.issued'>;
    try {
      event = await local.author('ticket.issued', ({ eventId }) => {
        // Decided against the state at the moment of the append (the offline number is the
        // next of its series in this very state).
        const d = decideIssue(local.state, req, choice, eventId);
        if (!d.ok) throw new Refused(d);
        decided = d;
        return d.payload;
      });
    } catch (e) {
      if (e instanceof Refused) return { ok: false, code: e.decision.code, message: e.decision.message };
      if (e instanceof NotAllowedError) return { ok: false, code: 'not-allowed', message: { zh: e.messageZh, en: e.message } };
      throw e;
    }
    const d = decided!;
    return {
      ok: true,
      ticket: local.state.tickets.get(event.payload.ticketId)!,
      event,
      offline: choice.source === 'offline',
      estimate: d.estimate,
      availability: d.availability,
      lateForAppointment: d.lateForAppointment,
    };
  }

  async callNext(windowId: string, opts: { staffId?: string } = {}): Promise<CallOutcome> {
    const { local, engine } = this.o;
    const staffId = opts.staffId ?? local.state.windows.get(windowId)?.staffId;
    let claimed: { id: string; number: string } | null | undefined;
    // The previous call must reach the server before the next claim, or the server (which
    // holds a claimed ticket for this window until its call arrives) hands the same one back.
    if (engine.status.state !== 'offline' && engine.status.pending > 0) await engine.catchUp(this.timeoutMs);
    try {
      const c = await engine.ask((up) => engine.transport.claim(up, windowId, { timeoutMs: this.timeoutMs }));
      claimed = c.ticket;
    } catch (e) {
      if (classify(e) === 'refused' && !offlineRules(e)) return { ok: false, code: 'server-refused', message: serverMessage(e) };
      if (classify(e) === 'internal') throw e;
      claimed = undefined; // offline (or the hub coordinates and only central answers): decide locally
    }
    try {
      if (claimed === null) return { ok: false, code: 'nobody-waiting', claim: 'server', message: MESSAGES.nobody };
      if (claimed !== undefined) {
        // The ticket may come from a kiosk whose events have not reached us: catch up first,
        // so our clock moves past its issue and the call folds after it.
        if (!local.state.tickets.has(claimed.id)) await engine.catchUp(this.timeoutMs);
        const event = await local.author('ticket.called', { ticketId: claimed.id, windowId, claim: 'server', ...(staffId ? { staffId } : {}) });
        engine.kick(); // the claim expires unless the call reaches the server
        return { ok: true, claim: 'server', event, ticketId: claimed.id, number: claimed.number, ticket: local.state.tickets.get(claimed.id) };
      }
      const next = nextForWindow(local.state, windowId, local.now());
      if (!next) return { ok: false, code: 'nobody-waiting', claim: 'local', message: MESSAGES.nobody };
      const event = await local.author('ticket.called', { ticketId: next.id, windowId, claim: 'local', ...(staffId ? { staffId } : {}) });
      engine.kick();
      return { ok: true, claim: 'local', event, ticketId: next.id, number: next.number, ticket: local.state.tickets.get(next.id) };
    } catch (e) {
      if (e instanceof NotAllowedError) return { ok: false, code: 'not-allowed', message: { zh: e.messageZh, en: e.message } };
      throw e;
    }
  }

  /** The window's call that lost to an earlier one (the clerk must call again), if any. */
  conflict(windowId: string): CallConflict | undefined {
    return this.o.local.state.windows.get(windowId)?.conflict;
  }
}

/** The server says: use the offline rules (central while the hall's hub coordinates). */
function offlineRules(e: unknown): boolean {
  return e instanceof HttpError && OFFLINE_RULES_CODES.has(e.code);
}

function serverMessage(e: unknown): Bilingual {
  if (e instanceof HttpError) return { zh: e.messageZh ?? e.message, en: e.message };
  const m = e instanceof Error ? e.message : String(e);
  return { zh: m, en: m };
}

/**
 * Taking a ticket at the kiosk, from the decision to the citizen's hand (DESIGN: "A ticket
 * enters the queue once the citizen holds it: printed or shown as an e-ticket QR"):
 *
 *   1. issue (the coordinator decides: server number online, the kiosk's series offline)
 *   2. print it; the screen says "printing" meanwhile
 *   3. printer trouble (ok:false, a throw, or no answer in time): void the paper ticket and
 *      issue an e-ticket instead, shown big on screen. A reprint never makes a second ticket.
 *
 * Pure orchestration over injected functions, so it runs in a unit test without a browser.
 */
import type { PriorityClass, PriorityReason } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { PrintResult, TicketPrint } from '../../shared/devices/contract';
import type { HallState } from '../../shared/fold/state';
import { zonedParts } from '../../shared/schedule/zone';
import { waitLine, type WaitEstimate } from '../../shared/estimate/wait';
import type { IssueInput, IssueOutcome } from '../sync/coordinator';
import { citizenPrintMessage } from './printFault';
import { windowHintLine, windowLabels } from './services';
import { progressToken } from './token';

/** How long a print may take before the kiosk gives up on the printer (it answers in ~2 s). */
export const PRINT_TIMEOUT_MS = 15_000;

/** A ticket as the kiosk shows and prints it. */
export interface IssuedTicket {
  ticketId: string;
  number: string;
  serviceId: string;
  service: Bilingual;
  windows: string[];
  ahead: number;
  waitMinutes: number;
  /** Issue 17: no window serving the service was open at issue (no wait is promised)... */
  noOpenWindow?: boolean;
  /** ... and when the schedule opens it next, if it knows. */
  nextOpening?: number;
  issuedAt: number;
  /** The progress page behind the QR code. */
  qr: string;
  offline: boolean;
  medium: 'paper' | 'e-ticket';
  priority: PriorityClass;
  priorityReason?: PriorityReason;
  appointment: boolean;
  /** Checked in after the slot: queued as a normal ticket. */
  late: boolean;
  nameMasked?: string;
}

/** What the ticket knows of its wait, in the shape shared/estimate/wait.ts words it. */
export function ticketWait(t: Pick<IssuedTicket, 'ahead' | 'waitMinutes' | 'noOpenWindow' | 'nextOpening'>): Pick<WaitEstimate, 'ahead' | 'minutes' | 'noOpenWindow' | 'nextOpening'> {
  return { ahead: t.ahead, minutes: t.waitMinutes, noOpenWindow: t.noOpenWindow === true, ...(t.nextOpening !== undefined ? { nextOpening: t.nextOpening } : {}) };
}

export type TakeTicketResult =
  | { kind: 'printed'; ticket: IssuedTicket; warnings: string[] }
  | { kind: 'e-ticket'; ticket: IssuedTicket; printError: Bilingual; printFault: { code: string; message: Bilingual } }
  | { kind: 'refused'; code: string; message: Bilingual };

export interface TakeTicketDeps {
  issue(input: IssueInput): Promise<IssueOutcome>;
  /** Record that the paper ticket never reached the citizen. */
  voidTicket(ticketId: string): Promise<unknown>;
  print(ticket: TicketPrint): Promise<PrintResult>;
  state(): HallState;
  /** The hall server's address: the QR leads to `${progressBase}/p/${token}`. */
  progressBase: string;
  token?: () => string;
  printTimeoutMs?: number;
  /** The ticket is stored and about to print (the screen shows "printing"). */
  onIssued?(ticket: IssuedTicket): void;
}

/** What a citizen asks for; the flow adds the token and the medium. */
export type TicketRequest = Omit<IssueInput, 'token' | 'medium'>;

const PRINT_TIMED_OUT: Bilingual = { zh: '打印机没有响应', en: 'The printer did not respond' };

export async function takeTicket(deps: TakeTicketDeps, request: TicketRequest): Promise<TakeTicketResult> {
  const token = deps.token ?? (() => progressToken());
  const first = await deps.issue({ ...request, token: token(), medium: 'paper' });
  if (!first.ok) return { kind: 'refused', code: first.code, message: first.message };
  const paper = issuedView(deps, first);
  deps.onIssued?.(paper);

  const printed = await printWithin(deps, printPayload(deps.state(), paper), deps.printTimeoutMs ?? PRINT_TIMEOUT_MS);
  if (printed.ok) return { kind: 'printed', ticket: paper, warnings: printed.warnings };

  try {
    await deps.voidTicket(paper.ticketId);
  } catch {
    // The paper ticket could not be voided: it stays in the queue, so it is the one the citizen
    // must hold, shown on screen (issuing another would make two tickets for one person).
    return { kind: 'e-ticket', ticket: { ...paper, medium: 'e-ticket' }, printError: citizenPrintMessage(printed.code), printFault: { code: printed.code, message: printed.message } };
  }
  const second = await deps.issue({ ...request, token: token(), medium: 'e-ticket' });
  if (!second.ok) {
    return {
      kind: 'refused',
      code: second.code,
      message: {
        zh: `打印机故障，号票未能打印，电子号票也未能生成：${second.message.zh} 请到咨询台由工作人员帮您取号。`,
        en: `The printer failed and no e-ticket could be issued: ${second.message.en} Please ask at the help desk.`,
      },
    };
  }
  return { kind: 'e-ticket', ticket: issuedView(deps, second), printError: citizenPrintMessage(printed.code), printFault: { code: printed.code, message: printed.message } };
}

async function printWithin(deps: TakeTicketDeps, ticket: TicketPrint, ms: number): Promise<{ ok: true; warnings: string[] } | { ok: false; code: string; message: Bilingual }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<PrintResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'timeout', message: PRINT_TIMED_OUT }), ms);
  });
  try {
    const r = await Promise.race([deps.print(ticket), timeout]);
    return r.ok ? { ok: true, warnings: r.warnings } : { ok: false, code: r.code, message: r.message };
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return { ok: false, code: 'printer-error', message: { zh: `打印机出错（${m}）`, en: `Printer error (${m})` } };
  } finally {
    clearTimeout(timer);
  }
}

function issuedView(deps: TakeTicketDeps, o: Extract<IssueOutcome, { ok: true }>): IssuedTicket {
  const s = deps.state();
  const t = o.ticket;
  const p = o.event.payload;
  const service = s.config.services.get(t.serviceId);
  const token = p.token ?? '';
  return {
    ticketId: t.id,
    number: t.number,
    serviceId: t.serviceId,
    service: service?.name ?? { zh: t.serviceId, en: t.serviceId },
    windows: windowLabels(s, t.serviceId),
    ahead: o.estimate.ahead,
    waitMinutes: o.estimate.minutes,
    ...(o.estimate.noOpenWindow ? { noOpenWindow: true } : {}),
    ...(o.estimate.nextOpening !== undefined ? { nextOpening: o.estimate.nextOpening } : {}),
    issuedAt: t.issuedAt,
    qr: `${deps.progressBase.replace(/\/+$/, '')}/p/${token}`,
    offline: o.offline,
    medium: t.medium,
    priority: t.priority,
    ...(t.priorityReason ? { priorityReason: t.priorityReason } : {}),
    appointment: t.appointmentId !== undefined,
    late: o.lateForAppointment,
    ...(t.person ? { nameMasked: t.person.nameMasked } : {}),
  };
}

const REASONS: Record<PriorityReason, Bilingual> = {
  elderly: { zh: '老年人', en: 'Senior citizen' },
  soldier: { zh: '现役军人', en: 'Soldier' },
  veteran: { zh: '退役军人', en: 'Veteran' },
  disabled: { zh: '残疾人', en: 'Person with a disability' },
  pregnant: { zh: '孕妇', en: 'Pregnant woman' },
  'key-project': { zh: '重点项目', en: 'Key project' },
  other: { zh: '特殊群体', en: 'Special group' },
};

export function reasonText(r: PriorityReason): Bilingual {
  return REASONS[r];
}

/** The line the ticket and the screen carry about how it queues, if anything is special. */
export function priorityNote(t: Pick<IssuedTicket, 'priority' | 'priorityReason' | 'appointment' | 'late'>): Bilingual | undefined {
  if (t.late) return { zh: '已超过预约时段，按普通号排队', en: 'Past your appointment slot: queued as a regular ticket' };
  if (t.priority === 'appointment') return { zh: '预约号，按预约时段优先办理', en: 'Appointment ticket: served at your booked time' };
  if (t.priority === 'special' || t.priority === 'green') {
    const r = t.priorityReason ? REASONS[t.priorityReason] : REASONS.other;
    return { zh: `优先办理（${r.zh}）`, en: `Priority service (${r.en})` };
  }
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-23 10:05" in the hall's time zone. */
export function issuedAtText(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  return `${p.date} ${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
}

export function printPayload(s: HallState, t: IssuedTicket): TicketPrint {
  const hint = windowHintLine(t.windows);
  const notice = priorityNote(t);
  return {
    hallName: s.config.policy.hallName,
    number: t.number,
    service: t.service,
    ...(hint ? { windowHint: hint } : {}),
    ahead: t.ahead,
    waitMinutes: t.waitMinutes,
    wait: waitLine(ticketWait(t), s.config.schedule.timeZone, t.issuedAt),
    issuedAt: issuedAtText(t.issuedAt, s.config.schedule.timeZone),
    qr: t.qr,
    offline: t.offline,
    ...(notice ? { notice } : {}),
  };
}

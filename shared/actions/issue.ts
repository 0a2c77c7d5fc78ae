/**
 * Deciding whether a ticket can be taken, and writing its payload: the kiosk, the counter's
 * assisted issue (R13) and the server all go through here, online or offline.
 */
import type { Channel, PriorityClass, PriorityReason } from '../config/schemas';
import type { Bilingual } from '../config/text';
import { estimateNewTicket, type WaitEstimate } from '../estimate/wait';
import type { Person, PayloadInput } from '../events/payloads';
import type { HallState } from '../fold/state';
import { isElderly } from '../identity/age';
import { formatNumber, nextSeq, offlineNumber } from '../numbering/numbers';
import { availability, type Availability } from '../schedule/availability';
import { localDate, zonedParts } from '../schedule/zone';

const MINUTE = 60_000;

export interface IssueRequest {
  serviceId: string;
  channel: Channel;
  now: number;
  /** From the ID card reader (already masked and hashed). */
  card?: Person & { birthDate?: string };
  /** Self-declared special group at the kiosk (soldier, veteran, disabled...). */
  declared?: PriorityReason;
  /** Green channel, granted by staff (assisted channel only). */
  green?: boolean;
  appointmentId?: string;
  medium?: 'paper' | 'e-ticket';
  token?: string;
  staffId?: string;
}

/** Where the number comes from: the server's series (online) or the kiosk's own (offline). */
export type NumberChoice = { source: 'server'; seq: number } | { source: 'offline'; series: string };

export type IssueRefusal =
  | 'unknown-service'
  | 'closed'
  | 'appointment-only'
  | 'quota-reached'
  | 'id-required'
  | 'person-limit'
  | 'appointment-unknown'
  | 'appointment-used'
  | 'appointment-other-day';

export type IssueDecision =
  | { ok: true; payload: PayloadInput<'ticket.issued'>; estimate: WaitEstimate; availability: Availability; lateForAppointment: boolean }
  | { ok: false; code: IssueRefusal; message: Bilingual; availability?: Availability };

/** Checks that need no number: the kiosk runs this before it asks the server for one. */
export function checkIssue(s: HallState, req: IssueRequest): Extract<IssueDecision, { ok: false }> | { ok: true; serviceId: string; priority: PriorityClass; reason?: PriorityReason; availability: Availability; late: boolean } {
  const tz = s.config.schedule.timeZone;
  const day = localDate(req.now, tz);
  const policy = s.config.policy;
  let serviceId = req.serviceId;
  let priority: PriorityClass = 'normal';
  let reason: PriorityReason | undefined;
  let late = false;

  if (req.appointmentId !== undefined) {
    const a = s.appointments.get(req.appointmentId);
    if (!a || a.status === 'cancelled') return refuse('appointment-unknown', MESSAGES.appointmentUnknown);
    if (a.status === 'checked-in') return refuse('appointment-used', MESSAGES.appointmentUsed);
    if (a.day !== day) return refuse('appointment-other-day', MESSAGES.appointmentOtherDay(a.day));
    serviceId = a.serviceId;
    late = req.now > a.slotTo + policy.appointmentLateMinutes * MINUTE;
    if (!late) priority = 'appointment';
  }
  const service = s.config.services.get(serviceId);
  if (!service) return refuse('unknown-service', MESSAGES.unknownService);

  const st = s.stats.get(`${day}|${serviceId}`);
  const issuedToday = st ? st.issued - st.voided : 0;
  const av = availability(s.config.schedule, service.schedule, req.now, issuedToday);
  if (av.reason === 'quota-reached') return refuse('quota-reached', MESSAGES.quota(comeBack(av, tz)), av);
  if (av.state === 'closed') return refuse('closed', MESSAGES.closed(av.reason, comeBack(av, tz)), av);
  // Appointment-only hours and the walk-in cut-off (R5): walk-ins come back later; booked
  // citizens check in; staff may still issue on a citizen's behalf (R13).
  if (av.state === 'appointment-only' && priority !== 'appointment' && req.channel !== 'assisted') {
    if (av.reason === 'cut-off') return refuse('closed', MESSAGES.closed('cut-off', comeBack(av, tz)), av);
    if (service.schedule?.appointmentOnly) return refuse('appointment-only', MESSAGES.byAppointment, av);
    return refuse('appointment-only', MESSAGES.appointmentOnly(comeBack(av, tz)), av);
  }

  if (service.realNameRequired && !req.card) return refuse('id-required', MESSAGES.idRequired);
  if (req.card) {
    const limit = service.perPersonDailyLimit ?? policy.perPersonDailyLimit;
    const taken = s.perPerson.get(`${day}|${serviceId}|${req.card.idHash}`) ?? 0;
    if (taken >= limit) return refuse('person-limit', MESSAGES.personLimit(limit));
  }

  if (req.green && req.channel === 'assisted') {
    priority = 'green';
    reason = 'key-project';
  } else if (priority === 'normal') {
    if (req.card?.birthDate && isElderly(req.card.birthDate, day, policy.elderlyAge)) {
      priority = 'special';
      reason = 'elderly';
    } else if (req.declared) {
      priority = 'special';
      reason = req.declared;
    }
  }
  return { ok: true, serviceId, priority, ...(reason ? { reason } : {}), availability: av, late };
}

export function decideIssue(s: HallState, req: IssueRequest, number: NumberChoice, ticketId: string): IssueDecision {
  const check = checkIssue(s, req);
  if (!check.ok) return check;
  const service = s.config.services.get(check.serviceId)!;
  const day = localDate(req.now, s.config.schedule.timeZone);
  const digits = s.config.policy.numberDigits;
  const ticketNumber =
    number.source === 'server'
      ? formatNumber(service.prefix, number.seq, digits)
      : offlineNumber(service.prefix, number.series, nextSeq(s, day, service.prefix, number.series), digits);
  // R6: checking in a booking at the kiosk (QR or ID card) is the appointment channel, the one
  // the fold lets grant appointment priority; staff checking a citizen in stay 'assisted'.
  const channel = req.appointmentId !== undefined && req.channel !== 'assisted' ? 'appointment' : req.channel;
  const payload: PayloadInput<'ticket.issued'> = {
    ticketId,
    serviceId: check.serviceId,
    number: ticketNumber,
    numberSource: number.source,
    day,
    channel,
    priority: check.priority,
    medium: req.medium ?? 'paper',
  };
  if (check.reason) payload.priorityReason = check.reason;
  if (req.card) payload.person = { idHash: req.card.idHash, idMasked: req.card.idMasked, nameMasked: req.card.nameMasked };
  if (req.appointmentId) payload.appointmentId = req.appointmentId;
  if (req.token) payload.token = req.token;
  if (req.staffId) payload.staffId = req.staffId;
  return {
    ok: true,
    payload,
    estimate: estimateNewTicket(s, check.serviceId, check.priority, req.now, appointmentSlot(s, req.appointmentId)),
    availability: check.availability,
    lateForAppointment: check.late,
  };
}

function appointmentSlot(s: HallState, appointmentId: string | undefined): { from: number; to: number } | undefined {
  const a = appointmentId === undefined ? undefined : s.appointments.get(appointmentId);
  return a ? { from: a.slotFrom, to: a.slotTo } : undefined;
}

function refuse(code: IssueRefusal, message: Bilingual, av?: Availability): Extract<IssueDecision, { ok: false }> {
  return av ? { ok: false, code, message, availability: av } : { ok: false, code, message };
}

/** "Come back at …" in the hall's local time, both languages. */
function comeBack(av: Availability, tz: string): Bilingual | undefined {
  if (!av.nextOpen) return undefined;
  const p = zonedParts(av.nextOpen.at, tz);
  const hhmm = `${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
  const [, m, d] = p.date.split('-').map(Number);
  const sameDay = p.date === av.date;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return {
    zh: sameDay ? `请于今天 ${hhmm} 后再来` : `请于 ${m}月${d}日 ${hhmm} 后再来`,
    en: sameDay ? `Please come back after ${hhmm} today` : `Please come back after ${hhmm} on ${d} ${months[(m ?? 1) - 1]}`,
  };
}

function join(a: Bilingual, b?: Bilingual): Bilingual {
  return b ? { zh: `${a.zh}，${b.zh}。`, en: `${a.en}. ${b.en}.` } : { zh: `${a.zh}。`, en: `${a.en}.` };
}

const CLOSED_REASONS: Record<string, Bilingual> = {
  holiday: { zh: '今天是节假日，大厅暂停办理', en: 'The hall is closed today for a public holiday' },
  'not-a-workday': { zh: '今天不办理此项业务', en: 'This service is not offered today' },
  'before-hours': { zh: '还未到办理时间', en: 'The service has not opened yet' },
  'after-hours': { zh: '今天的办理时间已结束', en: 'The service has closed for today' },
  'between-periods': { zh: '当前不在办理时间', en: 'The service is not open at this time' },
  'cut-off': { zh: '临近下班，今天已停止取号', en: 'Ticket issue has stopped for today as closing time is near' },
};

const MESSAGES = {
  unknownService: { zh: '没有找到这项业务，请咨询导办人员。', en: 'This service was not found. Please ask at the help desk.' },
  idRequired: { zh: '此项业务需刷身份证取号。', en: 'Please use your ID card to take a ticket for this service.' },
  appointmentUnknown: { zh: '没有找到有效的预约，请核对预约信息或直接取号。', en: 'No valid appointment was found. Please check your booking or take a regular ticket.' },
  appointmentUsed: { zh: '该预约已签到取号，请勿重复取号。', en: 'This appointment has already been checked in.' },
  appointmentOtherDay: (day: string): Bilingual => ({
    zh: `您的预约日期是 ${day}，不是今天。`,
    en: `Your appointment is on ${day}, not today.`,
  }),
  personLimit: (limit: number): Bilingual => ({
    zh: `同一证件每天每项业务最多取 ${limit} 个号，您今天已达上限。`,
    en: `One ID card can take at most ${limit} ${limit === 1 ? 'ticket' : 'tickets'} per service per day; you have reached the limit.`,
  }),
  closed: (reason: string, back?: Bilingual): Bilingual =>
    join(CLOSED_REASONS[reason] ?? { zh: '当前不能取号', en: 'Tickets cannot be taken now' }, back),
  byAppointment: {
    zh: '此项业务须预约办理，请通过网上或电话预约后凭预约码签到取号。',
    en: 'This service is by appointment only. Please book online or by phone, then check in here with your booking code.',
  },
  appointmentOnly: (back?: Bilingual): Bilingual =>
    join({ zh: '当前为预约办理时段，仅限预约群众取号', en: 'This period is for appointments only' }, back),
  quota: (back?: Bilingual): Bilingual => join({ zh: '今天此项业务的号已取完', en: "Today's tickets for this service have all been taken" }, back),
};

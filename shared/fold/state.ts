/**
 * The state of a hall: what the fold of its event log produces. Plain data (Maps, arrays,
 * objects) so a snapshot is one structuredClone and two replicas compare by canonical JSON.
 */
import type { Channel, Policy, PriorityClass, PriorityReason, Service, Staff, Terminal, Window } from '../config/schemas';
import { defaultPolicy } from '../config/schemas';
import type { Outcome, Person } from '../events/payloads';
import type { ScheduleConfig } from '../schedule/config';
import { defaultHallSchedule } from '../schedule/config';

export type TicketStatus =
  | 'waiting' // in the queue
  | 'called' // shown on the board, citizen walking to the window
  | 'serving' // at the window
  | 'skipped' // no-show; may be requeued within the grace period
  | 'finished'
  | 'cancelled'
  | 'voided'; // print failed: never reached the citizen

export interface TicketStep {
  type: string;
  at: number;
  /** The event behind the step: `${origin}:${seq}`. */
  origin: string;
  seq: number;
  windowId?: string | undefined;
  staffId?: string;
  /** Set when the event did not change the ticket (e.g. a call that lost a conflict). */
  ignored?: string;
  /** A step the fold took on its own: the window called the next ticket while holding this one. */
  implicit?: boolean;
}

export interface TicketState {
  id: string;
  number: string;
  numberSource: 'server' | 'offline' | 'local';
  serviceId: string;
  day: string;
  /** `${day}|${serviceId}`: the key of its queue and its day's statistics. */
  dayService: string;
  channel: Channel;
  priority: PriorityClass;
  priorityReason?: PriorityReason;
  person?: Person;
  appointmentId?: string;
  slotFrom?: number;
  slotTo?: number;
  medium: 'paper' | 'e-ticket';
  token?: string;
  issuedBy: string;
  issuedAt: number;
  /** FIFO position inside a class: issue time, or requeue/transfer time by policy. */
  queuedAt: number;
  /** Tie-break for equal queuedAt: the queuing event's hlc and origin. */
  queueKey: string;
  status: TicketStatus;
  windowId?: string;
  staffId?: string;
  /** Transferred to one window: only that window may call it. */
  targetWindowId?: string;
  calledAt?: number;
  startedAt?: number;
  finishedAt?: number;
  skippedAt?: number;
  outcome?: Outcome;
  recalls: number;
  skips: number;
  requeues: number;
  transfers: number;
  /** R8: one rating per served ticket; null = "no rating" (timeout). */
  rating?: { level: 1 | 2 | 3 | 4 | 5 | null; eventId: string; at: number };
  history: TicketStep[];
  /** Materials received at the window (issue 8), in the order attached; absent until the first. */
  materials?: MaterialState[];
}

/** A material attached to a ticket: its pages by content hash (the images are uploaded apart). */
export interface MaterialState {
  id: string;
  name: string;
  /** Page count. */
  pages: number;
  /** The pages' SHA-256, in page order. */
  hashes: string[];
  /** The exported PDF's SHA-256, when there is one. */
  pdf?: string;
  /** Bytes of the pages (and the PDF) together. */
  bytes: number;
  /** The window that attached it (only it may remove it). */
  windowId: string;
  at: number;
  /** The event behind it: `${origin}:${seq}`. */
  eventId: string;
}

export interface CallConflict {
  ticketId: string;
  number: string;
  /** The window whose call won: the one that started service, else the earlier call. */
  wonBy: string;
  eventId: string;
  at: number;
  /** Why the other window won: it called first, or it started serving the citizen (issue 17). */
  reason?: 'earlier-call' | 'started';
}

export interface WindowState {
  id: string;
  state: 'closed' | 'open' | 'paused';
  pauseReason?: string;
  since: number;
  staffId?: string;
  currentTicketId?: string;
  /** The ticket the evaluator may rate: the last one finished here. */
  lastFinishedTicketId?: string;
  /** Set when this window's call lost to an earlier one: the clerk must call again. */
  conflict?: CallConflict;
  /** Calls per `${day}|${serviceId}`, for weighted windows. */
  calls: Map<string, number>;
}

export interface AppointmentState {
  id: string;
  serviceId: string;
  day: string;
  slotFrom: number;
  slotTo: number;
  channel: 'phone' | 'onsite' | 'online';
  person?: Person;
  code: string;
  status: 'booked' | 'cancelled' | 'checked-in';
  ticketId?: string;
}

export interface RectificationStep {
  action: string;
  at: number;
  eventId: string;
  note: string;
  assignee?: string;
  /** Who recorded it: the authoring terminal's origin (`terminalId~epoch`). */
  by: string;
}

/** A bad rating (R8, due in 7 days) or a "can't get it done" case (R18 ledger). */
export interface RectificationItem {
  id: string;
  kind: 'bad-rating' | 'not-done';
  ticketId: string;
  number: string;
  serviceId: string;
  windowId: string;
  staffId?: string;
  level?: number;
  reasons?: string[];
  openedAt: number;
  dueAt?: number;
  status: 'open' | 'assigned' | 'verified' | 'rectified' | 'closed';
  assignee?: string;
  problem?: string;
  cause?: string;
  workOrder?: string;
  deadline?: string;
  closedWith?: 'feedback' | 'explanation';
  closedAt?: number;
  steps: RectificationStep[];
}

export interface DayServiceStats {
  issued: number;
  called: number;
  served: number;
  done: number;
  notDone: number;
  needsMaterial: number;
  noShow: number;
  transferredOut: number;
  cancelled: number;
  voided: number;
  rated: number;
  bad: number;
}

export interface DeviceFaultState {
  terminal: string;
  device: string;
  ok: boolean;
  code?: string;
  message?: string;
  /** device.fault's severity (absent: fault); plain words for the hall manager. */
  severity?: 'fault' | 'warning';
  words?: { zh: string; en: string };
  since: number;
}

/** Something the fold kept in the log but did not apply, with why. Never silent. */
export interface FoldNote {
  eventId: string;
  type: string;
  code: string;
  detail?: string;
}

export interface HallConfig {
  services: Map<string, Service>;
  windows: Map<string, Window>;
  staff: Map<string, Staff>;
  terminals: Map<string, Terminal>;
  schedule: ScheduleConfig;
  policy: Policy;
}

export interface HallState {
  hall: string;
  config: HallConfig;
  tickets: Map<string, TicketState>;
  /** Waiting ticket ids per `${day}|${serviceId}`. */
  waiting: Map<string, Set<string>>;
  /** `${day}|${number}` -> ticket id: numbers are unique per hall and day. */
  numbers: Map<string, string>;
  /** `${day}|${letters}` -> highest number used in that series (A, or AK offline). */
  series: Map<string, number>;
  /** `${day}|${serviceId}|${idHash}` -> tickets taken (R12 per-person limit). */
  perPerson: Map<string, number>;
  windows: Map<string, WindowState>;
  appointments: Map<string, AppointmentState>;
  rectifications: Map<string, RectificationItem>;
  notices: Map<string, { id: string; text: { zh: string; en: string }; from?: number; to?: number }>;
  devices: Map<string, DeviceFaultState>;
  /** `${day}|${serviceId}` -> counters. */
  stats: Map<string, DayServiceStats>;
  /** Recent service durations (ms) per service, newest last, for the wait estimate. */
  durations: Map<string, number[]>;
  notes: FoldNote[];
  /** Events applied; the hlc of the newest one. */
  applied: number;
  lastHlc: string;
}

export const DURATION_SAMPLES = 20;

export function emptyState(hall: string): HallState {
  return {
    hall,
    config: {
      services: new Map(),
      windows: new Map(),
      staff: new Map(),
      terminals: new Map(),
      schedule: defaultHallSchedule(),
      policy: defaultPolicy(),
    },
    tickets: new Map(),
    waiting: new Map(),
    numbers: new Map(),
    series: new Map(),
    perPerson: new Map(),
    windows: new Map(),
    appointments: new Map(),
    rectifications: new Map(),
    notices: new Map(),
    devices: new Map(),
    stats: new Map(),
    durations: new Map(),
    notes: [],
    applied: 0,
    lastHlc: '',
  };
}

export function emptyStats(): DayServiceStats {
  return {
    issued: 0,
    called: 0,
    served: 0,
    done: 0,
    notDone: 0,
    needsMaterial: 0,
    noShow: 0,
    transferredOut: 0,
    cancelled: 0,
    voided: 0,
    rated: 0,
    bad: 0,
  };
}

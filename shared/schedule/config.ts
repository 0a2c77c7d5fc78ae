/**
 * Schedule configuration (hall rule R5): zod schemas, inferred types and the regulation default.
 *
 * R5 (hall regulations), all in the hall's time zone:
 *   - Mon-Fri: 08:30-09:00 appointment-only (extended hours), 09:00-17:00 open (the 12:00-13:00
 *     lunch break stays open), 17:00-17:30 appointment-only (extended hours).
 *   - Saturday: 09:00-13:00 appointment-only. Sunday: closed (a hall may configure periods).
 *   - Holidays are closed; adjusted workdays (调休) follow a weekday timetable.
 *   - Cut-off: no new walk-in tickets in the last `cutoffMinutes` of the day's last open period;
 *     booked citizens still check in, through the extended appointment periods.
 *   - Daily quotas per service.
 *
 * Objects are strict: unknown keys are errors, so a typo such as `holiday:` or `Mon:` cannot
 * silently drop holidays or close a day.
 */
import { z } from 'zod';
import { isValidDate, isValidTimeZone } from './zone';

export const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number];
export const WORKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
export type WorkdayKey = (typeof WORKDAY_KEYS)[number];

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_CUTOFF_MINUTES = 30;

const HHMM_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Minutes since midnight of an 'HH:MM' time (00:00 … 24:00); throws RangeError if malformed. */
export function parseHHMM(s: string): number {
  if (!HHMM_PATTERN.test(s)) throw new RangeError(`not a time "HH:MM" between 00:00 and 24:00: ${JSON.stringify(s)}`);
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

/** 'HH:MM' of minutes since midnight (0 … 1440). */
export function formatHHMM(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

export const HHMMSchema = z.string().superRefine((s, ctx) => {
  if (!HHMM_PATTERN.test(s)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a time "HH:MM" between 00:00 and 24:00` });
  }
});

export const DateSchema = z.string().superRefine((s, ctx) => {
  if (!isValidDate(s)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a calendar date "YYYY-MM-DD"` });
});

export const PeriodModeSchema = z.enum(['open', 'appointment']);
export type PeriodMode = z.infer<typeof PeriodModeSchema>;

function periodSchema(day?: WeekdayKey) {
  const where = day === undefined ? '' : `${day}: `;
  return z
    .strictObject({ from: HHMMSchema, to: HHMMSchema, mode: PeriodModeSchema })
    .superRefine((p, ctx) => {
      if (HHMM_PATTERN.test(p.from) && HHMM_PATTERN.test(p.to) && parseHHMM(p.from) >= parseHHMM(p.to)) {
        ctx.addIssue({ code: 'custom', message: `${where}period ${p.from}-${p.to} must start before it ends` });
      }
    });
}

/** One opening period of a day: [from, to) local wall-clock time, 'HH:MM' in 00:00 … 24:00. */
export const PeriodSchema = periodSchema();
export type Period = z.infer<typeof PeriodSchema>;

/** A day's periods: sorted by time, non-overlapping (touching is fine: 09:00-17:00 + 17:00-17:30). */
function daySchema(day: WeekdayKey) {
  return z.array(periodSchema(day)).superRefine((periods, ctx) => {
    for (let i = 1; i < periods.length; i++) {
      const prev = periods[i - 1];
      const cur = periods[i];
      if (prev === undefined || cur === undefined) continue;
      const a = `${prev.from}-${prev.to}`;
      const b = `${cur.from}-${cur.to}`;
      if (cur.from < prev.from) {
        ctx.addIssue({ code: 'custom', path: [i], message: `${day}: periods must be sorted by time, but ${b} comes after ${a}` });
      } else if (cur.from < prev.to) {
        ctx.addIssue({ code: 'custom', path: [i], message: `${day}: periods ${a} and ${b} overlap` });
      }
    }
  });
}

export function defaultWeekly(): Weekly {
  const workday = (): Period[] => [
    { from: '08:30', to: '09:00', mode: 'appointment' },
    { from: '09:00', to: '17:00', mode: 'open' },
    { from: '17:00', to: '17:30', mode: 'appointment' },
  ];
  return {
    sun: [],
    mon: workday(),
    tue: workday(),
    wed: workday(),
    thu: workday(),
    fri: workday(),
    sat: [{ from: '09:00', to: '13:00', mode: 'appointment' }],
  };
}

/** A weekly timetable. A day left out has no periods (closed). */
export const WeeklySchema = z.strictObject({
  sun: daySchema('sun').default(() => []),
  mon: daySchema('mon').default(() => []),
  tue: daySchema('tue').default(() => []),
  wed: daySchema('wed').default(() => []),
  thu: daySchema('thu').default(() => []),
  fri: daySchema('fri').default(() => []),
  sat: daySchema('sat').default(() => []),
});
export type Weekly = z.infer<typeof WeeklySchema>;

export const TimeZoneSchema = z.string().superRefine((tz, ctx) => {
  if (!isValidTimeZone(tz)) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone ${JSON.stringify(tz)} (expected an IANA name such as "Asia/Shanghai")` });
  }
});

const CutoffSchema = z.number().int().min(0).max(1440);

export const AdjustedWorkdaySchema = z.strictObject({
  date: DateSchema,
  /** Which weekday's timetable the adjusted workday follows. */
  as: z.enum(WORKDAY_KEYS).default('mon'),
});
export type AdjustedWorkday = z.infer<typeof AdjustedWorkdaySchema>;

export const ScheduleConfigSchema = z
  .strictObject({
    timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
    /** Left out: the R5 regulation timetable. */
    weekly: WeeklySchema.default(defaultWeekly),
    /** Dates closed all day (even weekdays). */
    holidays: z.array(DateSchema).default(() => []),
    /** Dates that are workdays (even at weekends), following the timetable of `as`. */
    adjustedWorkdays: z.array(AdjustedWorkdaySchema).default(() => []),
    /** No new walk-in tickets in the last N minutes of the day's last open period. */
    cutoffMinutes: CutoffSchema.default(DEFAULT_CUTOFF_MINUTES),
  })
  .superRefine((cfg, ctx) => {
    const holidays = new Set(cfg.holidays);
    const seen = new Map<string, string>();
    cfg.adjustedWorkdays.forEach((a, i) => {
      if (holidays.has(a.date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['adjustedWorkdays', i, 'date'],
          message: `${a.date} is listed both as a holiday and as an adjusted workday`,
        });
      }
      const as = seen.get(a.date);
      if (as !== undefined && as !== a.as) {
        ctx.addIssue({
          code: 'custom',
          path: ['adjustedWorkdays', i, 'date'],
          message: `${a.date} is listed twice as an adjusted workday (as ${as} and as ${a.as})`,
        });
      }
      seen.set(a.date, a.as);
    });
  });
/** A parsed hall schedule (defaults applied). */
export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;
/** What a hall schedule may look like before parsing (every field optional). */
export type ScheduleConfigInput = z.input<typeof ScheduleConfigSchema>;

export const ServiceScheduleSchema = z.strictObject({
  /** Replaces the hall's weekly timetable for this service (holidays and 调休 still apply). */
  weekly: WeeklySchema.optional(),
  /** All open periods become appointment-only. */
  appointmentOnly: z.boolean().optional(),
  /** Tickets per local day; reaching it closes the service for the rest of the day. */
  dailyQuota: z.number().int().positive().optional(),
  /** Replaces the hall's cutoffMinutes for this service. */
  cutoffMinutes: CutoffSchema.optional(),
});
export type ServiceSchedule = z.infer<typeof ServiceScheduleSchema>;
export type ServiceScheduleInput = z.input<typeof ServiceScheduleSchema>;

/** The R5 regulation schedule: Asia/Shanghai, weekday/Saturday timetable, no holidays, cut-off 30. */
export function defaultHallSchedule(): ScheduleConfig {
  return {
    timeZone: DEFAULT_TIME_ZONE,
    weekly: defaultWeekly(),
    holidays: [],
    adjustedWorkdays: [],
    cutoffMinutes: DEFAULT_CUTOFF_MINUTES,
  };
}

/** Thrown by parseScheduleConfig / parseServiceSchedule; `message` lists every problem readably. */
export class ScheduleConfigError extends Error {
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(what: string, error: z.ZodError) {
    super(`invalid ${what}:\n${z.prettifyError(error)}`);
    this.name = 'ScheduleConfigError';
    this.issues = error.issues;
  }
}

export function parseScheduleConfig(input: unknown): ScheduleConfig {
  const r = ScheduleConfigSchema.safeParse(input);
  if (!r.success) throw new ScheduleConfigError('schedule config', r.error);
  return r.data;
}

export function parseServiceSchedule(input: unknown): ServiceSchedule {
  const r = ServiceScheduleSchema.safeParse(input);
  if (!r.success) throw new ScheduleConfigError('service schedule', r.error);
  return r.data;
}

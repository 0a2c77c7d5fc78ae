/**
 * Hall reports (R8 ratings, R16 high-frequency services, R18 "not done"): the query and the
 * answer, shared by the server that computes them and the admin screen that shows them.
 *
 * Definitions (shared/figures/definitions.ts has them as rules; the server's SQL is written from
 * those rules, and the live view and the counter count by the same ones; voided tickets never
 * reached a citizen and are left out of every figure):
 * - A ticket counts once, under the service, window and staff it ended with: a transferred
 *   ticket under the service that finally took it.
 * - issued = served + notDone + needsMaterial + noShow + cancelled + unfinished.
 * - served: finished with outcome done. noShow: still skipped (a no-show who came back and was
 *   served counts as served). unfinished: waiting, called or serving when the range was read.
 * - wait: first call minus issue (the citizen's wait to be called; a second queue after a
 *   transfer or requeue is not added). service: finish minus start of the service that finished
 *   it; a clerk who never pressed start is timed from the call (the fold's rule).
 * - rated: tickets with a level (a timeout's "no rating" is not rated). satisfied: levels 4-5.
 *   bad: levels 1-2 (R8 差评). satisfactionRate = satisfied / rated, null when nothing was rated.
 */
import { z } from 'zod';
import { CHANNELS, PRIORITY_CLASSES } from '../config/schemas';
import { BilingualSchema } from '../config/text';
import { isValidDate } from '../schedule/zone';

export const GROUP_BYS = ['hall', 'service', 'window', 'staff'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];

/** A quarter and a bit: a year's report is asked for as four quarters or a range under this. */
export const MAX_REPORT_DAYS = 400;

export const RATING_LEVEL_KEYS = ['1', '2', '3', '4', '5'] as const;

const Count = z.number().int().nonnegative();
const Minutes = z.number().nonnegative().nullable();
const Rate = z.number().min(0).max(1).nullable();
export const DaySchema = z.string().refine(isValidDate, 'a day is a calendar date YYYY-MM-DD');

function counts<const K extends readonly string[]>(keys: K) {
  return z.object(Object.fromEntries(keys.map((k) => [k, Count])) as Record<K[number], typeof Count>);
}

export const FiguresSchema = z.object({
  issued: Count,
  served: Count,
  notDone: Count,
  needsMaterial: Count,
  noShow: Count,
  cancelled: Count,
  unfinished: Count,
  transferred: Count,
  byChannel: counts(CHANNELS),
  byPriority: counts(PRIORITY_CLASSES),
  /** Tickets called at least once (the wait's sample). */
  waited: Count,
  waitMedianMin: Minutes,
  waitP90Min: Minutes,
  /** Tickets finished (the service time's sample). */
  timed: Count,
  serviceMedianMin: Minutes,
  serviceP90Min: Minutes,
  rated: Count,
  satisfied: Count,
  bad: Count,
  satisfactionRate: Rate,
  levels: counts(RATING_LEVEL_KEYS),
});
export type Figures = z.infer<typeof FiguresSchema>;

export const ReportGroupSchema = FiguresSchema.extend({
  /** Service, window or staff id (the hall for groupBy hall); null: tickets never called. */
  key: z.string().nullable(),
  label: BilingualSchema.nullable(),
});
export type ReportGroup = z.infer<typeof ReportGroupSchema>;

export const ReportSchema = z.object({
  hall: z.string(),
  /** The hall's name (zh, en): what the screen and the files call the hall. */
  hallName: BilingualSchema.optional(),
  from: DaySchema,
  to: DaySchema,
  groupBy: z.enum(GROUP_BYS),
  timeZone: z.string(),
  /** Calendar days in the range, and days on which tickets were issued. */
  days: Count,
  openDays: Count,
  generatedAt: z.number().int(),
  totals: FiguresSchema,
  groups: z.array(ReportGroupSchema),
  /** R16 high-frequency services: every service with tickets, most issued first. */
  topServices: z.array(z.object({ rank: Count, serviceId: z.string(), label: BilingualSchema.nullable(), issued: Count, served: Count })),
  /** Tickets issued per hour of the day (hall time), summed over the range and per open day. */
  hourly: z.array(z.object({ hour: z.number().int().min(0).max(23), issued: Count, avgPerDay: z.number().nonnegative() })),
  /** Every day of the range up to today (the hall's), days without tickets included; days still to come are left out. */
  daily: z.array(
    z.object({ day: DaySchema, issued: Count, served: Count, noShow: Count, waitMedianMin: Minutes, rated: Count, satisfactionRate: Rate }),
  ),
  /** Reasons citizens picked with their ratings (the evaluator offers them for bad ones), most first. */
  ratingReasons: z.array(z.object({ reason: z.string(), label: BilingualSchema.nullable(), count: Count })),
});
export type Report = z.infer<typeof ReportSchema>;

/**
 * The query of GET /api/admin/reports: a range (from, to: days inclusive) or a period around a
 * date (today when left out); grouped by service unless said otherwise.
 */
export const ReportQuerySchema = z
  .object({
    from: DaySchema.optional(),
    to: DaySchema.optional(),
    period: z.enum(PERIODS).optional(),
    date: DaySchema.optional(),
    groupBy: z.enum(GROUP_BYS).default('service'),
  })
  .superRefine((q, ctx) => {
    const range = q.from !== undefined || q.to !== undefined;
    if (range && (q.from === undefined || q.to === undefined)) ctx.addIssue({ code: 'custom', path: [q.from ? 'to' : 'from'], message: 'give both from and to' });
    if (range && (q.period !== undefined || q.date !== undefined)) ctx.addIssue({ code: 'custom', path: ['period'], message: 'give either from/to or period/date, not both' });
    if (!range && q.period === undefined) ctx.addIssue({ code: 'custom', path: ['period'], message: 'give from and to, or a period' });
  });
export type ReportQuery = z.output<typeof ReportQuerySchema>;

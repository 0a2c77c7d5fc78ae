/**
 * Reports over ticket_facts (definitions in shared/reports/report.ts). Six queries over the
 * range, run side by side (on PostgreSQL each takes a connection of the pool, so a month of a
 * big hall sorts on every core): the groups' counts (a hash aggregate; the totals are their
 * sums), the groups' and the totals' wait and service percentiles (percentile_cont), the
 * volumes per service, hour and day, the daily wait medians, and the rating reasons. The same
 * SQL runs on PGlite, one query after the other.
 *
 * The hour of the day: tickets are counted per quarter hour of UTC time (offsets are whole
 * quarter hours in every zone) and only those buckets go through AT TIME ZONE, not each row.
 */
import type { Bilingual } from '../../shared/config/text';
import { CHANNELS, PRIORITY_CLASSES } from '../../shared/config/schemas';
import { DEFAULT_TIME_ZONE } from '../../shared/schedule/config';
import { addDays, localDate } from '../../shared/schedule/zone';
import { daysInRange } from '../../shared/reports/periods';
import { RATING_LEVEL_KEYS, type Figures, type GroupBy, type Report } from '../../shared/reports/report';
import { BAD_MAX_LEVEL, SATISFIED_MIN_LEVEL, figureSql, issuedSql } from '../../shared/figures/definitions';
import type { Queryable } from '../db/db';

export interface ReportLabels {
  service?(id: string): Bilingual | undefined;
  window?(id: string): Bilingual | undefined;
  staff?(id: string): Bilingual | undefined;
  reason?(id: string): Bilingual | undefined;
}

export interface ReportRequest {
  hall: string;
  /** Days inclusive, 'YYYY-MM-DD' in the hall's time zone. */
  from: string;
  to: string;
  groupBy: GroupBy;
  /** For the hour of the day; the hall's (Asia/Shanghai unless configured). */
  timeZone?: string;
  labels?: ReportLabels;
  /** The hall's name (policy.hallName): the files name the hall by it, not by its id. */
  hallName?: Bilingual;
  now?: number;
}

// Whitelisted: the one piece of SQL that depends on the request.
const GROUP_COLUMN: Record<GroupBy, string> = { hall: 'hall', service: 'service_id', window: 'window_id', staff: 'staff_id' };

// Voided tickets never reached a citizen: not issued, in no figure (shared/figures/definitions.ts).
const RANGE = `FROM ticket_facts WHERE hall = $1 AND day BETWEEN $2 AND $3 AND ${issuedSql()}`;

const COUNTS = (k: string) => `
  SELECT ${k} AS k,
    count(*)::int AS issued,
    count(*) FILTER (WHERE ${figureSql('served')})::int AS served,
    count(*) FILTER (WHERE ${figureSql('notDone')})::int AS not_done,
    count(*) FILTER (WHERE ${figureSql('needsMaterial')})::int AS needs_material,
    count(*) FILTER (WHERE ${figureSql('noShow')})::int AS no_show,
    count(*) FILTER (WHERE ${figureSql('cancelled')})::int AS cancelled,
    count(*) FILTER (WHERE ${figureSql('unfinished')})::int AS unfinished,
    count(*) FILTER (WHERE transferred)::int AS transferred,
    ${CHANNELS.map((c) => `count(*) FILTER (WHERE channel = '${c}')::int AS "ch_${c}"`).join(',\n    ')},
    ${PRIORITY_CLASSES.map((p) => `count(*) FILTER (WHERE priority = '${p}')::int AS "pr_${p}"`).join(',\n    ')},
    count(first_called_at)::int AS waited,
    count(finished_at - started_at)::int AS timed,
    count(rating_level)::int AS rated,
    count(*) FILTER (WHERE rating_level >= ${SATISFIED_MIN_LEVEL})::int AS satisfied,
    count(*) FILTER (WHERE rating_level <= ${BAD_MAX_LEVEL})::int AS bad,
    ${RATING_LEVEL_KEYS.map((l) => `count(*) FILTER (WHERE rating_level = ${l})::int AS "lv_${l}"`).join(',\n    ')}
  ${RANGE}
  GROUP BY 1`;

// Each percentile_cont sorts its values: the two times per group, and again for the totals
// and the daily medians, each its own query so they sort on both cores at once.
const GROUP_PERCENTILES = (k: string) => `
  SELECT k,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait_ms) AS wait_pct,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY service_ms) AS service_pct
  FROM (SELECT ${k} AS k, first_called_at - issued_at AS wait_ms, finished_at - started_at AS service_ms ${RANGE}) f
  GROUP BY k`;

const TOTAL_PERCENTILES = `
  SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY first_called_at - issued_at) AS wait_pct,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY finished_at - started_at) AS service_pct
  ${RANGE}`;

const DAILY_WAITS = `
  SELECT day, percentile_cont(0.5) WITHIN GROUP (ORDER BY first_called_at - issued_at) AS wait_median
  ${RANGE}
  GROUP BY day`;

// Per service, per hour and per day: counted per quarter hour first (a hash aggregate), then
// summed; only the buckets go through AT TIME ZONE.
const VOLUMES = `
  SELECT GROUPING(service_id) AS not_service, GROUPING(hour) AS not_hour, service_id, hour, day,
    sum(n)::int AS issued, sum(served)::int AS served, sum(no_show)::int AS no_show, sum(rated)::int AS rated, sum(satisfied)::int AS satisfied
  FROM (
    SELECT service_id, day, extract(hour FROM to_timestamp(q * 900) AT TIME ZONE $4)::int AS hour, n, served, no_show, rated, satisfied
    FROM (
      SELECT service_id, day, issued_at / 900000 AS q, count(*) AS n,
        count(*) FILTER (WHERE ${figureSql('served')}) AS served,
        count(*) FILTER (WHERE ${figureSql('noShow')}) AS no_show,
        count(rating_level) AS rated,
        count(*) FILTER (WHERE rating_level >= ${SATISFIED_MIN_LEVEL}) AS satisfied
      ${RANGE}
      GROUP BY 1, 2, 3
    ) b
  ) h
  GROUP BY GROUPING SETS ((service_id), (hour), (day))`;

const REASONS = `
  SELECT r.reason, count(*)::int AS n
  FROM ticket_facts f, jsonb_array_elements_text(f.rating_reasons) AS r(reason)
  WHERE f.hall = $1 AND f.day BETWEEN $2 AND $3 AND ${issuedSql({ status: 'f.status' })} AND f.rating_level IS NOT NULL AND f.rating_reasons <> '[]'::jsonb
  GROUP BY r.reason
  ORDER BY n DESC, r.reason`;

type Row = Record<string, unknown>;

export async function runReport(q: Queryable, req: ReportRequest): Promise<Report> {
  const zone = req.timeZone ?? DEFAULT_TIME_ZONE;
  const range = [req.hall, req.from, req.to];
  const k = GROUP_COLUMN[req.groupBy];
  type Pct = { wait_pct: unknown; service_pct: unknown };
  type Volume = { not_service: number; not_hour: number; service_id: string | null; hour: number | null; day: string | null } & Record<string, number>;
  const [counts, groupPcts, totalPcts, volumes, dailyWaits, reasons] = await Promise.all([
    q.query<Row & { k: string | null }>(COUNTS(k), range),
    q.query<Pct & { k: string | null }>(GROUP_PERCENTILES(k), range),
    q.query<Pct>(TOTAL_PERCENTILES, range),
    q.query<Volume>(VOLUMES, [...range, zone]),
    q.query<{ day: string; wait_median: number | null }>(DAILY_WAITS, range),
    q.query<{ reason: string; n: number }>(REASONS, range),
  ]);
  const labels = req.labels ?? {};
  const labelOf = (id: string | null): Bilingual | null => {
    if (id === null) return null;
    const l = req.groupBy === 'service' ? labels.service?.(id) : req.groupBy === 'window' ? labels.window?.(id) : req.groupBy === 'staff' ? labels.staff?.(id) : undefined;
    return l ?? null;
  };
  const pctOf = new Map(groupPcts.rows.map((r) => [r.k, r]));
  const groups: Report['groups'] = counts.rows.map((r) => ({ key: r.k, label: labelOf(r.k), ...figures(r, pctOf.get(r.k)) }));
  // Most issued first; the never-called group (window, staff) last among equals.
  groups.sort((a, b) => b.issued - a.issued || compareKeys(a.key, b.key));
  const totals = figures(sumCounts(counts.rows), totalPcts.rows[0]);
  // GROUPING(x) is 1 in the rows not grouped by x.
  const services = volumes.rows.filter((r) => Number(r.not_service) === 0);
  services.sort((a, b) => Number(b.issued) - Number(a.issued) || (a.service_id! < b.service_id! ? -1 : 1));
  const byHour = new Map(volumes.rows.filter((r) => Number(r.not_hour) === 0).map((r) => [Number(r.hour), Number(r.issued)]));
  const byDay = new Map(volumes.rows.filter((r) => Number(r.not_service) === 1 && Number(r.not_hour) === 1).map((r) => [r.day!, r]));
  const waitOf = new Map(dailyWaits.rows.map((r) => [r.day, r.wait_median]));
  const daily: Report['daily'] = [];
  // Up to today: a day still to come has no figures yet (not zeros on the month chart).
  const now = req.now ?? Date.now();
  const today = localDate(now, zone);
  const last = req.to < today ? req.to : today;
  for (let d = req.from; d <= last; d = addDays(d, 1)) {
    const r = byDay.get(d);
    const rated = r ? Number(r.rated) : 0;
    daily.push({
      day: d,
      issued: r ? Number(r.issued) : 0,
      served: r ? Number(r.served) : 0,
      noShow: r ? Number(r.no_show) : 0,
      waitMedianMin: minutes(waitOf.get(d)),
      rated,
      satisfactionRate: rated ? round(Number(r!.satisfied) / rated, 4) : null,
    });
  }
  const openDays = byDay.size;
  return {
    hall: req.hall,
    ...(req.hallName ? { hallName: req.hallName } : {}),
    from: req.from,
    to: req.to,
    groupBy: req.groupBy,
    timeZone: zone,
    days: daysInRange(req.from, req.to),
    openDays,
    generatedAt: now,
    totals,
    groups,
    topServices: services.map((s, i) => ({
      rank: i + 1,
      serviceId: s.service_id!,
      label: labels.service?.(s.service_id!) ?? null,
      issued: Number(s.issued),
      served: Number(s.served),
    })),
    hourly: Array.from({ length: 24 }, (_, hour) => {
      const issued = byHour.get(hour) ?? 0;
      return { hour, issued, avgPerDay: openDays ? round(issued / openDays, 2) : 0 };
    }),
    daily,
    ratingReasons: reasons.rows.map((r) => ({ reason: r.reason, label: labels.reason?.(r.reason) ?? null, count: Number(r.n) })),
  };
}

/** The groups partition the range's tickets: the totals' counts are their sums. */
function sumCounts(rows: readonly Row[]): Row {
  const sum: Record<string, number> = {};
  for (const r of rows) for (const [key, v] of Object.entries(r)) if (key !== 'k') sum[key] = (sum[key] ?? 0) + Number(v);
  return sum;
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const minutes = (ms: unknown) => (ms === null || ms === undefined ? null : round(Number(ms) / 60_000, 2));

function percentiles(v: unknown): [number | null, number | null] {
  // pg returns float8[] as numbers; PGlite too. Null when the sample is empty.
  if (!Array.isArray(v)) return [null, null];
  return [minutes(v[0]), minutes(v[1])];
}

function figures(r: Row, pct?: { wait_pct: unknown; service_pct: unknown }): Figures {
  const n = (k: string) => Number(r[k] ?? 0);
  const [waitMedianMin, waitP90Min] = percentiles(pct?.wait_pct);
  const [serviceMedianMin, serviceP90Min] = percentiles(pct?.service_pct);
  const rated = n('rated');
  const satisfied = n('satisfied');
  return {
    issued: n('issued'),
    served: n('served'),
    notDone: n('not_done'),
    needsMaterial: n('needs_material'),
    noShow: n('no_show'),
    cancelled: n('cancelled'),
    unfinished: n('unfinished'),
    transferred: n('transferred'),
    byChannel: Object.fromEntries(CHANNELS.map((c) => [c, n(`ch_${c}`)])) as Figures['byChannel'],
    byPriority: Object.fromEntries(PRIORITY_CLASSES.map((p) => [p, n(`pr_${p}`)])) as Figures['byPriority'],
    waited: n('waited'),
    waitMedianMin,
    waitP90Min,
    timed: n('timed'),
    serviceMedianMin,
    serviceP90Min,
    rated,
    satisfied,
    bad: n('bad'),
    satisfactionRate: rated ? round(satisfied / rated, 4) : null,
    levels: Object.fromEntries(RATING_LEVEL_KEYS.map((l) => [l, n(`lv_${l}`)])) as Figures['levels'],
  };
}

/**
 * Reports for the hall's managers (R8, R16, R18), admin only:
 *   GET  /api/admin/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=service   (or period=week&date=...)
 *   GET  /api/admin/reports.csv?...   GET /api/admin/reports.xlsx?...   (the same report as a file)
 *   POST /api/admin/reports/rebuild   (refold the hall's ticket facts from its log: the repair tool)
 * This also attaches the server's facts projector, which keeps ticket_facts up with ingest.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HallConfig } from '../../../shared/fold/state';
import { BAD_RATING_REASONS } from '../../../shared/ratings/levels';
import { resolveRange } from '../../../shared/reports/periods';
import { DaySchema, ReportQuerySchema, type Report } from '../../../shared/reports/report';
import { localDate } from '../../../shared/schedule/zone';
import { runReport, type ReportLabels } from '../../store/reports';
import { reportFileName, reportToCsv, reportToXlsx } from '../../store/reportsExport';
import { attachFactsProjector, factsSettled } from '../../store/reportsProjection';
import { rebuildFacts, refreshStaleFacts } from '../../store/reportsRebuild';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

const RebuildSchema = z.object({ from: DaySchema.optional(), to: DaySchema.optional() }).nullish();

export function reportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const detach = attachFactsProjector(ctx.db, ctx.cache, (err) => app.log.error({ err }, 'projecting ticket facts failed; the days are marked for the next report'));
  app.addHook('onClose', async () => detach());

  const report = async (req: FastifyRequest): Promise<Report> => {
    const who = await principal(ctx, req, ['admin']);
    const query = parse(ReportQuerySchema, req.query, 'query');
    const now = ctx.now();
    const config = (await ctx.cache.get(ctx.db, who.hall, now)).state.config;
    const zone = config.schedule.timeZone;
    const range = resolveRange(query, localDate(now, zone));
    if (!range.ok) return refuse(400, range.code, range.message, range.messageZh);
    // Everything this instance ingested is in the facts; days never built (events from before
    // the table) or whose projection failed are refolded.
    await factsSettled(ctx.db, who.hall);
    await refreshStaleFacts(ctx.db, who.hall, range.from, range.to, zone);
    return runReport(ctx.db, { hall: who.hall, from: range.from, to: range.to, groupBy: query.groupBy, timeZone: zone, labels: labelsOf(config), hallName: config.policy.hallName, now });
  };

  app.get('/api/admin/reports', async (req) => report(req));

  app.get('/api/admin/reports.csv', async (req, reply) => {
    const r = await report(req);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(r)}.csv"`)
      .send(reportToCsv(r));
  });

  app.get('/api/admin/reports.xlsx', async (req, reply) => {
    const r = await report(req);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${reportFileName(r)}.xlsx"`)
      .send(reportToXlsx(r));
  });

  app.post('/api/admin/reports/rebuild', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const range = parse(RebuildSchema, req.body) ?? {};
    if (range.from && range.to && range.to < range.from) refuse(400, 'bad-range', `to (${range.to}) is before from (${range.from})`, '结束日期早于开始日期');
    const started = performance.now();
    await factsSettled(ctx.db, who.hall);
    const r = await rebuildFacts(ctx.db, who.hall, range);
    return { ...r, ms: Math.round(performance.now() - started) };
  });
}

function labelsOf(config: HallConfig): ReportLabels {
  const reasons = new Map(BAD_RATING_REASONS.map((r) => [r.id, { zh: r.zh, en: r.en }]));
  return {
    service: (id) => config.services.get(id)?.name,
    window: (id) => {
      const w = config.windows.get(id);
      return w ? (w.name ?? { zh: `${w.label}号窗口`, en: `Window ${w.label}` }) : undefined;
    },
    staff: (id) => {
      const s = config.staff.get(id);
      return s ? { zh: s.name, en: s.name } : undefined;
    },
    reason: (id) => reasons.get(id),
  };
}

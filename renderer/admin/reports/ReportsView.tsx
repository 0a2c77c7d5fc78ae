/**
 * Reports (R8 ratings, R16 high-frequency services, R18 not done) for the hall's managers: a
 * day, week, month, quarter or custom range, grouped by service, window, staff or the whole
 * hall; figures first, charts where a shape tells more, tables to read, CSV / Excel to take
 * away. Reports come from the server; offline the last one loaded stays, marked as such.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import type { Report } from '../../../shared/reports/report';
import { localDate } from '../../../shared/schedule/zone';
import { useHall, useNow, useSyncStatus, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { useLang, type Lang } from '../../i18n/lang';
import { Select } from '../editors/Form';
import { Chart } from './Chart';
import { channelChart, dailyChart, hourlyChart, levelsChart, priorityChart } from './reportCharts';
import { fetchReportFile, type LoadedReport } from './reportApi';
import { clockAt, failureText, kpis, staleNote, type Failure } from './reportFormat';
import {
  REPORT_GROUP_BYS,
  REPORT_PERIODS,
  canStepForward,
  defaultRequest,
  rangeTitle,
  requestKey,
  requestProblem,
  stepRequest,
  withPeriod,
  type ReportRequest,
} from './reportQuery';
import { GroupsTable, RatingReasons, TopServices } from './ReportTables';
import { rememberedRequest, useReport } from './useReport';
import './reports.css';
import { saveFile } from '../../app/saveFile';

type ViewState = 'fresh' | 'loading' | 'stale' | 'refused' | 'invalid' | 'offline-empty' | 'problem';

export function ReportsView() {
  const { state } = useHall();
  const tz = state.config.schedule.timeZone;
  const now = useNow(60_000);
  const today = localDate(now, tz);
  const [request, setRequest] = useState<ReportRequest>(() => rememberedRequest() ?? defaultRequest(today));
  const problem = requestProblem(request);
  const report = useReport(request);
  const sync = useSyncStatus();
  const { shown, failure, loading } = report;

  // The terminal back in touch with the server after a failed request: ask again at once.
  const { reload } = report;
  const failed = failure !== undefined;
  const syncWas = useRef(sync.state);
  useEffect(() => {
    if (syncWas.current !== 'online' && sync.state === 'online' && failed) reload();
    syncWas.current = sync.state;
  }, [sync.state, failed, reload]);

  const viewState: ViewState = problem
    ? 'problem'
    : report.current
      ? 'fresh'
      : failure?.kind === 'unreachable'
        ? shown
          ? 'stale'
          : 'offline-empty'
        : failure
          ? failure.kind
          : 'loading';
  const unreachable = failure?.kind === 'unreachable' || sync.state === 'offline';

  return (
    <section className="reports" data-testid="reports">
      <QueryBar request={request} onChange={setRequest} today={today} loading={loading} onRefresh={reload} />

      <div className="rq-head">
        {shown ? <ReportTitle entry={shown} /> : <div className="rq-title" />}
        <div className="rq-status" data-testid="report-status" data-state={viewState} data-key={shown?.key ?? ''} data-from={shown?.report.from ?? ''} data-to={shown?.report.to ?? ''}>
          {loading ? (
            <span className="rq-loading">
              <Bi t={{ zh: '正在向服务器读取…', en: 'Asking the server…' }} only />
            </span>
          ) : null}
          {shown ? (
            <span className="rq-generated" data-generated-at={shown.report.generatedAt}>
              <Bi
                t={{ zh: `生成于 ${clockAt(shown.report.generatedAt, tz, today)}`, en: `Generated ${clockAt(shown.report.generatedAt, tz, today)}` }}
              />
            </span>
          ) : null}
        </div>
        <ExportBar request={request} problem={problem} offline={unreachable} />
      </div>

      <Notes viewState={viewState} problem={problem} failure={failure} shown={shown} request={request} tz={tz} today={today} onRetry={reload} />

      {shown ? <ReportBody report={shown.report} stale={viewState !== 'fresh' && viewState !== 'loading'} /> : viewState === 'offline-empty' ? <NeedsServer onRetry={reload} /> : null}
    </section>
  );
}

function QueryBar({ request, onChange, today, loading, onRefresh }: { request: ReportRequest; onChange: (r: ReportRequest) => void; today: string; loading: boolean; onRefresh: () => void }) {
  const custom = request.period === 'custom';
  const ok = requestProblem(request) === null;
  return (
    <div className="rq-bar" data-testid="report-query">
      <label className="rq-field">
        <span className="field-label">
          <Bi t={{ zh: '统计周期', en: 'Period' }} />
        </span>
        <Select name="period" value={request.period} options={REPORT_PERIODS} onChange={(p) => onChange(withPeriod(request, p))} />
      </label>
      {custom ? (
        <>
          <label className="rq-field">
            <span className="field-label">
              <Bi t={{ zh: '开始日期', en: 'From' }} />
            </span>
            <input className="input rq-date" type="date" name="from" value={request.from} max={today} onChange={(e) => onChange({ ...request, from: e.target.value })} />
          </label>
          <label className="rq-field">
            <span className="field-label">
              <Bi t={{ zh: '结束日期', en: 'To' }} />
            </span>
            <input className="input rq-date" type="date" name="to" value={request.to} onChange={(e) => onChange({ ...request, to: e.target.value })} />
          </label>
        </>
      ) : (
        <label className="rq-field">
          <span className="field-label">
            <Bi t={{ zh: '日期', en: 'Date' }} />
          </span>
          <input className="input rq-date" type="date" name="date" value={request.date} onChange={(e) => onChange({ ...request, date: e.target.value })} />
        </label>
      )}
      <div className="rq-step" role="group">
        <button type="button" className="btn" data-action="prev" disabled={!ok} onClick={() => onChange(stepRequest(request, -1))}>
          <Bi t={{ zh: '‹ 上一期', en: '‹ Previous' }} />
        </button>
        <button type="button" className="btn" data-action="next" disabled={!canStepForward(request, today)} onClick={() => onChange(stepRequest(request, 1))}>
          <Bi t={{ zh: '下一期 ›', en: 'Next ›' }} />
        </button>
        <button
          type="button"
          className="btn"
          data-action="today"
          onClick={() => onChange(request.period === 'custom' ? { ...request, from: today, to: today } : { ...request, date: today })}
        >
          <Bi t={{ zh: '本期', en: 'Current' }} />
        </button>
      </div>
      <label className="rq-field">
        <span className="field-label">
          <Bi t={{ zh: '分组', en: 'Group by' }} />
        </span>
        <Select name="groupBy" value={request.groupBy} options={REPORT_GROUP_BYS} onChange={(g) => onChange({ ...request, groupBy: g })} />
      </label>
      <button type="button" className="btn rq-refresh" data-action="refresh" disabled={!ok || loading} onClick={onRefresh}>
        <Bi t={{ zh: '刷新', en: 'Refresh' }} />
      </button>
    </div>
  );
}

type ExportOutcome = { ok: boolean; message: Bilingual } | null;

function ExportBar({ request, problem, offline }: { request: ReportRequest; problem: Bilingual | null; offline: boolean }) {
  const { identity, params } = useTerminal();
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [outcome, setOutcome] = useState<ExportOutcome>(null);
  const reason: Bilingual | null = problem ?? (offline ? { zh: '导出需要连接服务器，当前无法连接', en: 'Exporting needs the server, which cannot be reached' } : null);
  const key = requestKey(request);
  useEffect(() => setOutcome(null), [key]);

  const run = async (file: 'csv' | 'xlsx') => {
    setBusy(file);
    setOutcome(null);
    const res = await fetchReportFile({ server: params.servers[0]!, token: identity.token }, request, file);
    setBusy(null);
    if (!res.ok) return setOutcome({ ok: false, message: failureText(res.failure) });
    saveFile(res.value.blob, res.value.name);
    setOutcome({ ok: true, message: { zh: `已导出 ${res.value.name}`, en: `Saved ${res.value.name}` } });
  };

  const title = reason ? `${reason.zh} / ${reason.en}` : undefined;
  return (
    <div className="rq-export" data-testid="report-export">
      <div className="rq-export-buttons">
        <button type="button" className="btn btn-primary" data-action="export-csv" disabled={reason !== null || busy !== null} title={title} onClick={() => void run('csv')}>
          <Bi t={{ zh: busy === 'csv' ? '正在导出…' : '导出 CSV', en: busy === 'csv' ? 'Exporting…' : 'Export CSV' }} />
        </button>
        <button type="button" className="btn btn-primary" data-action="export-xlsx" disabled={reason !== null || busy !== null} title={title} onClick={() => void run('xlsx')}>
          <Bi t={{ zh: busy === 'xlsx' ? '正在导出…' : '导出 Excel', en: busy === 'xlsx' ? 'Exporting…' : 'Export Excel' }} />
        </button>
      </div>
      {reason && !problem ? (
        <span className="rq-export-why" data-testid="export-disabled">
          <Bi t={reason} />
        </span>
      ) : outcome ? (
        <span className={`rq-export-why${outcome.ok ? ' rq-export-ok' : ' rq-export-err'}`} data-testid={outcome.ok ? 'export-done' : 'export-error'} role="status">
          <Bi t={outcome.message} />
        </span>
      ) : null}
    </div>
  );
}

function ReportTitle({ entry }: { entry: LoadedReport }) {
  const r = entry.report;
  const group = REPORT_GROUP_BYS.find((g) => g.value === r.groupBy)!.label;
  const days: Bilingual | null = r.days > 1 ? { zh: `${r.days} 天，其中 ${r.openDays} 天有取号`, en: `${r.days} days, ${r.openDays} with tickets` } : null;
  return (
    <div className="rq-title">
      <h2>
        <Bi t={rangeTitle(entry.request.period, r.from, r.to)} />
      </h2>
      <span className="rq-subtitle">
        <Bi t={days ? { zh: `${group.zh} · ${days.zh}`, en: `${group.en} · ${days.en}` } : group} />
      </span>
    </div>
  );
}

function Notes({
  viewState,
  problem,
  failure,
  shown,
  request,
  tz,
  today,
  onRetry,
}: {
  viewState: ViewState;
  problem: Bilingual | null;
  failure: Failure | undefined;
  shown: LoadedReport | undefined;
  request: ReportRequest;
  tz: string;
  today: string;
  onRetry: () => void;
}) {
  const other = shown && shown.key !== requestKey(request);
  const otherNote: Bilingual | null =
    other && viewState !== 'fresh' && viewState !== 'loading'
      ? (() => {
          const t = rangeTitle(shown.request.period, shown.report.from, shown.report.to);
          return { zh: `所选时段的报表尚未取得，下面是 ${t.zh} 的报表`, en: `The chosen period has not been loaded; below is the report for ${t.en}` };
        })()
      : null;
  if (viewState === 'problem' && problem) {
    return (
      <div className="note note-error" role="alert" data-testid="report-problem">
        <Bi t={problem} />
      </div>
    );
  }
  if (viewState === 'stale' && shown) {
    return (
      <div className="note rq-stale" role="status" data-testid="report-stale">
        <div className="rq-note-text">
          <Bi t={staleNote(shown.loadedAt, tz, today)} />
          {otherNote ? <Bi t={otherNote} className="rq-note-more" /> : null}
        </div>
        <button type="button" className="btn" data-action="retry" onClick={onRetry}>
          <Bi t={{ zh: '重试', en: 'Retry' }} />
        </button>
      </div>
    );
  }
  if ((viewState === 'refused' || viewState === 'invalid') && failure) {
    return (
      <div className="note note-error" role="alert" data-testid="report-error">
        <div className="rq-note-text">
          <Bi t={failureText(failure)} />
          {otherNote ? <Bi t={otherNote} className="rq-note-more" /> : null}
        </div>
      </div>
    );
  }
  return null;
}

function NeedsServer({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="rq-panel rq-empty" data-testid="report-needs-server">
      <p className="rq-empty-head">
        <Bi t={{ zh: '统计报表需要连接大厅服务器', en: 'Reports need the connection to the hall server' }} />
      </p>
      <p className="muted">
        <Bi
          t={{
            zh: '报表由服务器根据全部终端的记录生成。现在无法连接服务器，本机也还没有取得过报表；恢复连接后会自动重试。',
            en: 'The server builds reports from the records of every terminal. It cannot be reached now and this terminal has no report yet; it tries again once back in touch.',
          }}
        />
      </p>
      <button type="button" className="btn" data-action="retry" onClick={onRetry}>
        <Bi t={{ zh: '重试', en: 'Retry' }} />
      </button>
    </div>
  );
}

function ReportBody({ report, stale }: { report: Report; stale: boolean }) {
  const lang = useLang((s) => s.lang);
  const cards = useMemo(() => kpis(report.totals, report.openDays), [report]);
  const levels = useMemo(() => levelsChart(report.totals, lang), [report, lang]);
  const channels = useMemo(() => channelChart(report.totals, lang), [report, lang]);
  const priority = useMemo(() => priorityChart(report.totals, lang), [report, lang]);
  return (
    <div className={`rq-body${stale ? ' rq-body-stale' : ''}`}>
      <section className="kpis rq-kpis" data-testid="report-kpis">
        {cards.map((k) => (
          <div key={k.key} className={`kpi rq-kpi rq-kpi-${k.tone}`} data-kpi={k.key} data-value={k.value} data-tone={k.tone}>
            <span className="kpi-label">
              <Bi t={k.label} />
            </span>
            <span className="kpi-value">
              {k.text}
              {k.unit && k.value !== '' ? (
                <small className="rq-unit">
                  <Bi t={k.unit} only />
                </small>
              ) : null}
            </span>
            {k.note ? (
              <span className="rq-kpi-note">
                <Bi t={k.note} only />
              </span>
            ) : null}
          </div>
        ))}
      </section>

      <Charts report={report} lang={lang} />

      <GroupsTable report={report} />

      <div className="rq-grid rq-grid-3">
        <ChartPanel name="levels" title={{ zh: '评价分布', en: 'Ratings by level' }} note={{ zh: `共 ${report.totals.rated} 条评价`, en: `${report.totals.rated} rated` }} empty={report.totals.rated === 0}>
          <Chart name="levels" option={levels} height={230} label="评价分布 Ratings by level" />
        </ChartPanel>
        <ChartPanel name="channels" title={{ zh: '取号渠道', en: 'How tickets were taken' }} empty={report.totals.issued === 0}>
          <Chart name="channels" option={channels} height={230} label="取号渠道 How tickets were taken" />
        </ChartPanel>
        <ChartPanel name="priority" title={{ zh: '优先类别', en: 'Priority classes' }} empty={report.totals.issued === 0}>
          <Chart name="priority" option={priority} height={230} label="优先类别 Priority classes" />
        </ChartPanel>
      </div>

      <div className="rq-grid rq-grid-2 rq-lists">
        <TopServices report={report} />
        <RatingReasons report={report} />
      </div>
    </div>
  );
}

function Charts({ report, lang }: { report: Report; lang: Lang }) {
  const hourly = useMemo(() => hourlyChart(report, lang), [report, lang]);
  const daily = useMemo(() => dailyChart(report, lang), [report, lang]);
  const multi = report.days > 1;
  return (
    <div className={`rq-grid ${multi ? 'rq-grid-2' : 'rq-grid-1'}`}>
      <ChartPanel
        name="hourly"
        title={{ zh: '分时段取号', en: 'Hourly load' }}
        note={multi ? { zh: `按 ${report.openDays} 个有取号的日子平均`, en: `averaged over ${report.openDays} open days` } : undefined}
        empty={report.totals.issued === 0}
      >
        <Chart name="hourly" option={hourly} height={250} label="分时段取号 Hourly load" />
      </ChartPanel>
      {multi ? (
        <ChartPanel name="daily" title={{ zh: '每日趋势', en: 'Day by day' }}>
          <Chart name="daily" option={daily} height={250} label="每日趋势 Day by day" />
        </ChartPanel>
      ) : null}
    </div>
  );
}

function ChartPanel({ name, title, note, empty, children }: { name: string; title: Bilingual; note?: Bilingual; empty?: boolean; children: ReactNode }) {
  return (
    <section className="panel rq-panel rq-chart-panel" data-panel={name}>
      <h2>
        <Bi t={title} />
        {note ? (
          <span className="panel-note">
            <Bi t={note} only />
          </span>
        ) : null}
      </h2>
      {empty ? (
        <div className="rq-chart-empty muted">
          <Bi t={{ zh: '本期没有数据', en: 'No data for this period' }} />
        </div>
      ) : (
        children
      )}
    </section>
  );
}
